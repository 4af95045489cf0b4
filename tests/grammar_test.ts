import assert from "node:assert/strict";
import { RecipeParser } from "../grammar/parser.ts";
import { lexer } from "../grammar/tokens.ts";

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
