/**
 * `deno task fixtures`: rewrites every golden fixture, the diagnostics of every error fixture, and
 * docs/errors.md. Read the diff before committing it.
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
