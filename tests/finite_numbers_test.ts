/**
 * Issue 13: every value the language accepts is finite in the plan at every update. Each overflowing shape
 * from the review is an error at the number that overflows, with a hint.
 */
import assert from "node:assert/strict";
import { compileFiles, compilePlan } from "./compile_text.ts";
import { planProblems } from "../src/plan/invariants.ts";
import type { Diagnostic } from "../src/diagnostics/diagnostic.ts";

const HEAD = "budget 1000 steps\n  batch 8 x 64\n  optimizer adamw { lr 1e-3 }\n";

async function only(body: string): Promise<Diagnostic> {
  const text = `recipe "r" {\n  ${HEAD}  ${body}\n}\n`;
  const { diagnostics } = await compileFiles({ "r.recipe": text });
  assert.equal(diagnostics.length, 1, diagnostics.map((d) => d.message).join("\n"));
  return diagnostics[0];
}

/** [code, line, column of the number, the number as written, hint]. */
function where(d: Diagnostic): [string, number, number, string, string | null] {
  return [d.code, d.line, d.column, d.lineText.slice(d.column - 1, d.endColumn - 1), d.hint];
}

Deno.test("exponential from 1e-320 (Infinity from update 1) is an error at 1e-320", async () => {
  const d = await only("schedule {\n    warmup 10%\n    decay rest exponential from 1e-320 to 1x\n  }");
  assert.deepEqual(where(d), [
    "R0020",
    7,
    33,
    "1e-320",
    "make `from` at least 1e-303, or use a linear shape",
  ]);
  const e = await only(
    "schedule {\n    stable 10% { weight_decay exponential from 0.1 to 1e-320 }\n    stable rest\n  }",
  );
  assert.deepEqual(where(e), ["R0020", 6, 55, "1e-320", "make `to` at least 1e-301, or use a linear shape"]);
  // The widest ratio that is allowed still gives finite values at every update.
  const plan = await compilePlan(
    `recipe "r" { ${HEAD} schedule { warmup 10%  decay rest exponential from 1e-303 to 1e-3 } }`,
  );
  assert.deepEqual(planProblems(plan), []);
});

Deno.test("batch linear from 1 to 1e308 is an error at 1e308", async () => {
  const d = await only("schedule {\n    warmup 10% { batch linear from 1 to 1e308 }\n    stable rest\n  }");
  assert.deepEqual(where(d), ["R0009", 6, 41, "1e308", "a batch is at most 16,777,216 sequences per update"]);
  const e = await only("schedule { stable rest { batch 1e9x } }");
  assert.equal(e.code, "R0009");
  const big = await compileFiles({
    "r.recipe":
      `recipe "r" { budget 1000 steps  batch 1e8 x 64  optimizer adamw { lr 1e-3 }  schedule { stable rest } }`,
  });
  assert.deepEqual(big.diagnostics.map((d) => [d.code, d.column]), [["R0009", 39]]);
});

Deno.test("mix temperature 0.01 (a NaN weight, reported at the recipe's name) is an error at 0.01", async () => {
  const d = await only(
    'data {\n    a = corpus "brown/news" size 1B tokens\n    b = corpus "brown/fiction" size 2M tokens\n    mix temperature 0.01\n  }\n  schedule { stable rest }',
  );
  assert.deepEqual(where(d), ["R0009", 8, 21, "0.01", "use a temperature of at least 0.0292"]);
  const plan = await compilePlan(
    `recipe "r" { ${HEAD} data { a = corpus "brown/news" size 1B tokens  b = corpus "brown/fiction" size 2M tokens  mix temperature 0.03 } schedule { stable rest } }`,
  );
  assert.deepEqual(planProblems(plan), []);
});

Deno.test("a step factor that overflows is an error at the factor", async () => {
  const d = await only("schedule {\n    decay rest step 1e300 at 10%, 20%, 30%\n  }");
  assert.deepEqual(where(d).slice(0, 4), ["R0020", 6, 21, "1e300"]);
});
