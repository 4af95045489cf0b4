import assert from "node:assert/strict";
import { RecipeParser } from "../grammar/parser.ts";
import { lexer } from "../grammar/tokens.ts";
import { cstTypes, diagramsHtml, withEbnf } from "../grammar/docs.ts";
import { join } from "node:path";
import { ROOT } from "./fixtures.ts";

Deno.test("the grammar passes chevrotain's validations (LL(1), no ambiguity, no left recursion)", () => {
  assert.doesNotThrow(() => new RecipeParser({ validate: true }));
});

Deno.test("keywords do not swallow longer names, and suffixes must touch the digits", () => {
  const tokens = lexer.tokenize("tokens to tok steps step lr_peak 0.1x 20M 1-sqrt inverse-sqrt x").tokens;
  assert.deepEqual(tokens.map((t) => t.tokenType.name), [
    "Tokens",
    "To",
    "Identifier",
    "Steps",
    "StepShape",
    "Identifier",
    "NumberLiteral",
    "NumberLiteral",
    "OneMinusSqrt",
    "InverseSqrt",
    "Times",
  ]);
});

Deno.test("grammar/README.md and grammar/diagrams.html match the parser, and the page needs no network", async () => {
  const readme = await Deno.readTextFile(join(ROOT, "grammar/README.md"));
  assert.equal(withEbnf(readme), readme, "run `deno task fixtures`");
  const html = await Deno.readTextFile(join(ROOT, "grammar/diagrams.html"));
  assert.equal(diagramsHtml(), html, "run `deno task fixtures`");
  assert.equal(cstTypes(), await Deno.readTextFile(join(ROOT, "grammar/cst.ts")), "run `deno task fixtures`");
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, "the page must work offline");
  assert.match(html, /<section id="phaseDecl">/);
});
