import assert from "node:assert/strict";
import { join } from "node:path";
import { KEYWORD_CATEGORIES, TEXTMATE_PATH, textmateGrammar, textmateJson } from "../grammar/textmate.ts";
import { keywords, lexer } from "../grammar/tokens.ts";
import { exampleRecipes, ROOT } from "./fixtures.ts";

Deno.test("the TextMate grammar file is current (deno task fixtures writes it)", async () => {
  assert.equal(
    await Deno.readTextFile(join(ROOT, TEXTMATE_PATH)),
    textmateJson(),
    "run `deno task fixtures`",
  );
});

Deno.test("every keyword of tokens.ts is in exactly one category", () => {
  const categorised = KEYWORD_CATEGORIES.flatMap((c) =>
    c.tokens.map((token) => String(token.LABEL).slice(1, -1))
  );
  assert.equal(new Set(categorised).size, categorised.length, "a keyword is in two categories");
  for (const word of keywords) assert.ok(categorised.includes(word), `keyword "${word}" has no category`);
});

type Rule = { name?: string; match?: string; include?: string; patterns?: Rule[]; captures?: unknown };

/** The scopes a TextMate engine gives: at each position the leftmost match of the top-level rules wins. */
function scopes(text: string): { offset: number; length: number; scope: string }[] {
  const grammar = textmateGrammar();
  const repository = grammar.repository as Record<string, Rule>;
  const flat: { scope: string; regex: RegExp }[] = [];
  const add = (rule: Rule) => {
    if (rule.include) add(repository[rule.include.slice(1)]);
    else if (rule.patterns) rule.patterns.forEach(add);
    else flat.push({ scope: rule.name!, regex: new RegExp(rule.match!, "g") });
  };
  grammar.patterns.forEach(add);
  const found = [];
  let at = 0;
  while (at < text.length) {
    let best: { offset: number; length: number; scope: string } | null = null;
    for (const { scope, regex } of flat) {
      regex.lastIndex = at;
      const m = regex.exec(text);
      if (m && m[0].length && (!best || m.index < best.offset)) {
        best = { offset: m.index, length: m[0].length, scope };
      }
    }
    if (!best) break;
    found.push(best);
    at = best.offset + best.length;
  }
  return found;
}

const SCOPE_OF_TOKEN: Record<string, string> = {
  NumberLiteral: "constant.numeric.recipe",
  StringLiteral: "string.quoted.double.recipe",
  Identifier: "variable.other.recipe",
  Percent: "keyword.other.unit.recipe",
};

Deno.test("the grammar colours every token of the examples as the lexer reads it", async () => {
  for (const file of exampleRecipes()) {
    const text = await Deno.readTextFile(file);
    const byOffset = new Map(scopes(text).map((s) => [s.offset, s]));
    for (const token of lexer.tokenize(text).tokens) {
      const category = KEYWORD_CATEGORIES.find((c) => c.tokens.includes(token.tokenType));
      const expected = category?.scope ?? SCOPE_OF_TOKEN[token.tokenType.name];
      if (!expected) continue; // punctuation and operators
      const got = byOffset.get(token.startOffset);
      const scope = token.tokenType.name === "Percent" ? "keyword.operator.unit.percent.recipe" : expected;
      const isCall = token.tokenType.name === "Identifier" &&
        got?.scope === "support.function.builtin.recipe";
      assert.ok(got, `${file}: nothing at "${token.image}" (offset ${token.startOffset})`);
      assert.equal(isCall ? scope : got.scope, scope, `${file}: "${token.image}"`);
      assert.equal(got.length, token.image.length, `${file}: "${token.image}"`);
    }
  }
});

Deno.test("numbers take their suffixes, comments run to the end of the line, 1-sqrt is one shape", () => {
  const text = 'decay rest 1-sqrt to 0.01x  # 20M "x"\nbudget 20M tokens\nlet lr_2 = sqrt(4)';
  const found = scopes(text).map((s) => [text.slice(s.offset, s.offset + s.length), s.scope]);
  assert.deepEqual(found.slice(0, 6), [
    ["decay", "entity.name.function.phase.recipe"],
    ["rest", "keyword.control.recipe"],
    ["1-sqrt", "support.function.shape.recipe"],
    ["to", "keyword.control.recipe"],
    ["0.01x", "constant.numeric.recipe"],
    ['# 20M "x"', "comment.line.number-sign.recipe"],
  ]);
  assert.deepEqual(found.slice(7, 9), [["20M", "constant.numeric.recipe"], [
    "tokens",
    "keyword.other.unit.recipe",
  ]]);
  assert.deepEqual(found.slice(10, 14).map((f) => f[1]), [
    "variable.other.recipe",
    "keyword.operator.assignment.recipe",
    "support.function.builtin.recipe",
    "punctuation.section.brackets.recipe",
  ]);
});
