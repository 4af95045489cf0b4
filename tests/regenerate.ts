/**
 * `deno task fixtures`: rewrites every golden fixture, the diagnostics of every error fixture,
 * docs/errors.md, grammar/diagrams.html, the EBNF in grammar/README.md and the editors' TextMate grammar.
 * Read the diff before committing.
 * @module
 */
import { basename, join } from "node:path";
import {
  errorFixture,
  errorFixtures,
  errorsDoc,
  exampleRecipes,
  GOLDEN_DIR,
  goldenFor,
  ROOT,
} from "./fixtures.ts";
import { formatTxtar } from "./txtar.ts";
import { cstTypes, diagramsHtml, withEbnf } from "../grammar/docs.ts";
import { TEXTMATE_PATH, textmateJson } from "../grammar/textmate.ts";

await Deno.mkdir(GOLDEN_DIR, { recursive: true });
for (const recipe of exampleRecipes()) {
  const path = join(GOLDEN_DIR, basename(recipe, ".recipe") + ".txtar");
  await Deno.writeTextFile(path, await goldenFor(recipe));
  console.log(`wrote ${path.slice(ROOT.length + 1)}`);
}
for (const { path, archive } of errorFixtures()) {
  await Deno.writeTextFile(path, formatTxtar(await errorFixture(archive)));
  console.log(`wrote ${path.slice(ROOT.length + 1)}`);
}
await Deno.writeTextFile(join(ROOT, "docs/errors.md"), errorsDoc());
console.log("wrote docs/errors.md");
await Deno.writeTextFile(join(ROOT, "grammar/diagrams.html"), diagramsHtml());
await Deno.writeTextFile(join(ROOT, "grammar/cst.ts"), cstTypes());
const readme = join(ROOT, "grammar/README.md");
await Deno.writeTextFile(readme, withEbnf(await Deno.readTextFile(readme)));
console.log("wrote grammar/diagrams.html, grammar/cst.ts, grammar/README.md");
await Deno.writeTextFile(join(ROOT, TEXTMATE_PATH), textmateJson());
console.log(`wrote ${TEXTMATE_PATH}`);
