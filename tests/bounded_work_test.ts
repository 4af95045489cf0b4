/**
 * Issue 13, the compiler half: no input makes `check` slow, flood the terminal or misplace a caret. Each
 * test is a reproducer from the review.
 */
import assert from "node:assert/strict";
import { closest, editDistance } from "../src/diagnostics/suggest.ts";
import { formatDiagnostics } from "../src/diagnostics/diagnostic.ts";
import { MAX_DIAGNOSTICS_PER_FILE } from "../src/diagnostics/limits.ts";
import { codesOf, compileFiles, compilePlan } from "./compile_text.ts";

const BODY = `budget 1000 steps
  batch 8 x 64
  optimizer adamw { lr 1e-3 }
  schedule { stable rest }`;

async function timed<T>(what: string, limitMs: number, f: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await f();
  const ms = performance.now() - started;
  assert.ok(ms < limitMs, `${what} took ${ms.toFixed(0)} ms, more than ${limitMs}`);
  return result;
}

Deno.test("did-you-mean: bounded whatever the word (1M characters took 43 s)", async () => {
  const huge = "a".repeat(1_000_000);
  await timed(
    "closest() of a 1M-character word",
    100,
    () => Promise.resolve(closest(huge, ["budget", huge])),
  );
  assert.equal(closest("budgte", ["budget", "batch"]), "budget");
  assert.equal(closest("newz", ["news", "fiction"]), "news");
  assert.equal(editDistance("ab", "ba"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  const many = Array.from({ length: 100_000 }, (_, i) => `name${i}`);
  await timed("closest() over 100,000 candidates", 200, () => Promise.resolve(closest("nmae7", many)));
  for (const n of [100_000, 1_000_000]) {
    const text = `recipe "r" { ${BODY} ${"a".repeat(n)} }`;
    const codes = await timed(`a ${n}-character stray name`, 2000, () => codesOf(text));
    assert.deepEqual(codes, [n < 2 ** 19 ? "R0028" : "R0027"]);
  }
});

Deno.test("'@ ' x 20000 gives 100 errors and a count, quickly (it ran out of memory)", async () => {
  const result = await timed("'@ ' x 20000", 2000, () => compileFiles({ "r.recipe": "@ ".repeat(20000) }));
  assert.equal(result.diagnostics.length, MAX_DIAGNOSTICS_PER_FILE + 1);
  assert.equal(
    result.diagnostics.at(-1)!.message,
    "19,900 more unknown characters or unterminated strings from here on are not shown",
  );
  // A quarter million of them overflowed the call stack when their diagnostics were spread.
  const flood = await timed("'@ ' x 250000", 2000, () => compileFiles({ "r.recipe": "@ ".repeat(250_000) }));
  assert.match(flood.diagnostics.at(-1)!.message, /^249,900 more unknown characters/);
  const output = formatDiagnostics(result.diagnostics);
  assert.ok(output.length < 40_000, `${output.length} characters of output`);
  // Every code frame is cut to the frame width around its caret.
  for (const line of output.split("\n")) assert.ok(line.length < 140, line);
});

Deno.test("a mixture of 4,000 entries after a stray number: bounded errors and output (was 122 MB)", async () => {
  for (const n of [2000, 45000]) {
    const entries = Array.from({ length: n }, () => "b 1, a 1").join(", ");
    const text = `recipe "r" { data { mix a 1 2, ${entries} } }`;
    const result = await timed(`mix of ${2 * n} entries`, 2000, () => compileFiles({ "r.recipe": text }));
    assert.ok(result.diagnostics.length <= MAX_DIAGNOSTICS_PER_FILE + 1);
    assert.match(result.diagnostics.at(-1)!.message, /^Syntax checking stopped here, after 100 errors/);
    assert.ok(formatDiagnostics(result.diagnostics).length < 40_000);
  }
});

Deno.test("a long line is cut around the caret, with the caret under the problem", async () => {
  const text = `recipe "r" { ${BODY.replaceAll("\n", " ")} ${" ".repeat(300)}@ }`;
  const [d] = (await compileFiles({ "r.recipe": text })).diagnostics;
  const frame = formatDiagnostics([d]).split("\n");
  const [, , , shown, marks] = frame;
  const caret = marks.indexOf("^");
  assert.equal(shown[caret], "@");
  assert.ok(shown.includes("…"));
  assert.equal(d.column, text.indexOf("@") + 1);
});

Deno.test("CR-only line endings are line breaks (the file read as one comment)", async () => {
  const lines = ['recipe "r" {  # a comment', ...BODY.split("\n"), "}"];
  for (const eol of ["\r", "\r\n", "\n"]) {
    const plan = await compilePlan(lines.join(eol) + eol);
    assert.equal(plan.steps, 1000);
  }
  const broken = ['recipe "r" {', "  budget 1000 steps @", "}"].join("\r");
  const [d] = (await compileFiles({ "r.recipe": broken })).diagnostics;
  assert.deepEqual([d.code, d.line, d.column, d.lineText], ["R0002", 2, 21, "  budget 1000 steps @"]);
});

Deno.test("a file that ends in a bare CR: carets stay on their line", async () => {
  const text = 'recipe "r" {\r  budget 100 steps @\r';
  for (const d of (await compileFiles({ "r.recipe": text })).diagnostics) {
    assert.ok(d.column <= d.lineText.length + 1, `${d.message} at ${d.line}:${d.column} of "${d.lineText}"`);
  }
  const unterminated = 'recipe "r\r{ }\r';
  const [d] = (await compileFiles({ "r.recipe": unterminated })).diagnostics;
  assert.deepEqual([d.message, d.line, d.column], ["Unterminated string", 1, 8]);
});

Deno.test("nesting and name limits are diagnostics at the token, not stack overflows", async () => {
  const deep = `recipe "r" { ${BODY.replace("1e-3", "(".repeat(65) + "1e-3" + ")".repeat(65))} }`;
  assert.deepEqual(await codesOf(deep), ["R0029"]);
  const signs = `recipe "r" { ${BODY.replace("1e-3", "- ".repeat(65) + "1e-3")} }`;
  assert.deepEqual(await codesOf(signs), ["R0029"]);
  const fine = `recipe "r" { ${BODY.replace("1e-3", "(".repeat(60) + "1e-3" + ")".repeat(60))} }`;
  assert.deepEqual(await codesOf(fine), []);
});

Deno.test("a file over 512 KiB is refused before it is parsed", async () => {
  const text = `recipe "r" { ${BODY} }\n` + "#".repeat(2 ** 20);
  assert.deepEqual(await timed("a 1 MiB file", 1000, () => codesOf(text)), ["R0027"]);
  // Multi-byte characters count in bytes: 200,000 three-byte characters are 600 KB.
  assert.deepEqual(await codesOf(`recipe "r" { ${BODY} }\n# ` + "€".repeat(200_000)), ["R0027"]);
  assert.deepEqual(await codesOf(`recipe "r" { ${BODY} }\n# ` + "€".repeat(150_000)), []);
});

Deno.test("dense recipe text up to the size limit checks in under 2 s (36 fuzz hangs at 1 MiB)", async () => {
  const recipe = await Deno.readTextFile("recipes/cosine.recipe");
  const text = recipe.repeat(Math.floor((2 ** 19 - 100) / recipe.length));
  const result = await timed("512 KiB of recipes", 2000, () => compileFiles({ "r.recipe": text }));
  assert.ok(!result.ok);
});
