import assert from "node:assert/strict";
import { join } from "node:path";
import { FormatError, formatRecipe } from "../src/format/format_recipe.ts";
import { compileFile } from "../src/plan/compile.ts";
import { lexer } from "../grammar/tokens.ts";
import { exampleRecipes } from "./fixtures.ts";

/**
 * The plans of `path` compiled with its text replaced by `text` (imports still read from disk), without
 * the origins (line and column) of their parts.
 */
async function plansOf(path: string, text: string): Promise<string> {
  const readFile = (p: string) => p === path ? Promise.resolve(text) : Deno.readTextFile(p);
  const result = await compileFile(path, { readFile, every: true });
  assert.ok(result.ok, `${path}: ${JSON.stringify(result.diagnostics)}`);
  return JSON.stringify(result.plans, (key, value) => key === "origin" ? undefined : value);
}

Deno.test("the examples are in the canonical layout, and formatting keeps their plans", async () => {
  for (const file of exampleRecipes()) {
    const text = await Deno.readTextFile(file);
    const formatted = formatRecipe(text, file);
    assert.equal(formatted, text, `${file} is not canonical: run deno task fmt-recipe recipes`);
    assert.equal(formatRecipe(formatted, file), formatted, `${file}: formatting twice changes it`);
    assert.equal(await plansOf(file, formatted), await plansOf(file, text));
  }
});

/** `text` without comments and blank lines, and its tokens spread over random whitespace. */
function bareAndScrambled(text: string, seed: number): { bare: string; scrambled: string } {
  const bare =
    text.split("\n").map((line) => line.replace(/\s*#.*$/, "")).filter((l) => l.trim()).join("\n") +
    "\n";
  const spaces = [" ", "\n", "\t", "   \n\t", "\n    "];
  let state = seed;
  const scrambled = lexer.tokenize(bare).tokens.map((t) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return t.image + spaces[state % spaces.length];
  }).join("");
  return { bare, scrambled };
}

Deno.test("any whitespace between the examples' tokens formats back to the example", async () => {
  for (const [index, file] of exampleRecipes().entries()) {
    const { bare, scrambled } = bareAndScrambled(await Deno.readTextFile(file), index + 1);
    const formatted = formatRecipe(scrambled, file);
    assert.equal(formatted, bare, file);
    assert.equal(await plansOf(file, formatted), await plansOf(file, scrambled));
  }
});

const TRICKY: [string, string, string][] = [
  [
    "comments at the end of lines keep a hand-aligned column, else go two spaces after the code",
    'recipe "r" {budget 10 steps # ten\n  batch 4 x 8      # aligned\n  schedule{warmup 2 steps decay rest}}',
    'recipe "r" {\n  budget 10 steps  # ten\n  batch 4 x 8      # aligned\n  schedule {\n    warmup 2 steps\n' +
    "    decay rest\n  }\n}\n",
  ],
  [
    "comments between phases, blank lines (one at most, none after a brace), comments before a brace",
    'recipe "r" {\n\n  schedule {\n    warmup 2 steps\n\n\n    # between\n    decay rest\n    # last\n  }\n}\n',
    'recipe "r" {\n  schedule {\n    warmup 2 steps\n\n    # between\n    decay rest\n    # last\n  }\n}\n',
  ],
  [
    "comments at the end of the file, without a final line break",
    "let a = 1   \n# end\n   # more",
    "let a = 1\n# end\n# more\n",
  ],
  [
    "CRLF line endings stay CRLF",
    'recipe "r" {\r\n  budget 10 steps # c\r\n\r\n  schedule {\r\n    warmup 2 steps\r\n    decay rest\r\n  }\r\n}\r\n',
    'recipe "r" {\r\n  budget 10 steps # c\r\n\r\n  schedule {\r\n    warmup 2 steps\r\n    decay rest\r\n  }\r\n}\r\n',
  ],
  [
    "a comment inside the optimizer block puts its settings on lines",
    'recipe "r" { optimizer adamw { lr 1e-3 # peak\n betas 0.9 0.95 } model gpt {layers 2 width 8} }',
    'recipe "r" {\n  optimizer adamw {\n    lr 1e-3  # peak\n    betas 0.9 0.95\n  }\n  model gpt { layers 2  width 8 }\n}\n',
  ],
  [
    "a comment inside a statement continues it on the next line",
    'recipe "r" { schedule { warmup # why\n 2 steps\n decay\n # how long\n rest } }',
    'recipe "r" {\n  schedule {\n    warmup  # why\n      2 steps\n    decay\n      # how long\n      rest\n  }\n}\n',
  ],
  [
    "operators, calls, sweeps, units and sources",
    'let a=-(1+2)*min(3,4)/ - 2\nrecipe "r" { data { a=corpus "x"  size 1B tokens\nlonger = files "y"\nmix a 0.5,longer 0.5 }' +
    " schedule { warmup sweep [1,2] % decay rest step 0.1 at 30 %, 60% } }",
    'let a = -(1 + 2) * min(3, 4) / -2\nrecipe "r" {\n  data {\n    a      = corpus "x" size 1B tokens\n' +
    '    longer = files "y"\n    mix a 0.5, longer 0.5\n  }\n  schedule {\n    warmup sweep [1, 2]%\n' +
    "    decay rest step 0.1 at 30%, 60%\n  }\n}\n",
  ],
];

for (const [name, input, expected] of TRICKY) {
  Deno.test(`format: ${name}`, () => {
    const formatted = formatRecipe(input);
    assert.equal(formatted, expected);
    assert.equal(formatRecipe(formatted), formatted, "formatting twice changes it");
  });
}

Deno.test("a file with syntax errors is refused with its diagnostics", () => {
  assert.throws(() => formatRecipe('recipe "r" {', "r.recipe"), (error) => {
    assert.ok(error instanceof FormatError);
    assert.equal(error.diagnostics[0].code, "R0001");
    return true;
  });
  assert.equal(formatRecipe(""), "");
});

async function fmt(...args: string[]) {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "src/cli/main.ts", "fmt", ...args],
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  return { code, stdout: new TextDecoder().decode(stdout), stderr: new TextDecoder().decode(stderr) };
}

Deno.test("fmt --check names the files that would change and exits 1; fmt rewrites them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const messy = join(dir, "messy.recipe");
    await Deno.writeTextFile(messy, 'recipe "r" {budget 10 steps}');
    await Deno.writeTextFile(join(dir, "tidy.recipe"), 'recipe "r" {\n  budget 10 steps\n}\n');
    const check = await fmt(dir, "--check");
    assert.equal(check.code, 1);
    assert.equal(check.stdout, `${messy}\n`);
    assert.equal((await fmt(dir)).code, 0);
    assert.equal(await Deno.readTextFile(messy), 'recipe "r" {\n  budget 10 steps\n}\n');
    assert.equal((await fmt(dir, "--check")).code, 0);
    await Deno.writeTextFile(messy, 'recipe "r" {');
    const bad = await fmt(messy);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /error\[R0001\]/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, "no stack trace");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
