/**
 * The fuzzer in CI: a fixed-seed sample of mutated recipes must give no crash, hang, unlocated diagnostic
 * or unsound plan; and every input the fuzzer ever found failing (tests/testdata/fuzz/) stays fixed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fuzz, loadCorpus } from "../src/fuzz/fuzz.ts";
import { checkInput } from "../src/fuzz/check_input.ts";

/** About 1,000 inputs, which take well under a minute on a 2-core machine. */
const SAMPLE = 1000;

Deno.test("fuzz: a fixed-seed sample of mutated recipes finds nothing", async () => {
  const report = await fuzz({ seed: 13, n: SAMPLE });
  const found = report.failures.map((f) =>
    `${f.kind} at input ${f.index} (${f.mutators.join(" + ")}): ${f.detail}`
  );
  assert.deepEqual(found, []);
  assert.equal(report.inputs, SAMPLE);
  // The mutants reach the whole compiler: some still compile to plans.
  assert.ok(report.compiled > SAMPLE / 20, `${report.compiled} compiled`);
});

Deno.test("fuzz: the same seed gives the same inputs", async () => {
  const { fuzzInput } = await import("../src/fuzz/fuzz.ts");
  const corpus = loadCorpus();
  for (const index of [0, 7, 999]) assert.deepEqual(fuzzInput(5, index, corpus), fuzzInput(5, index, corpus));
  assert.notDeepEqual(fuzzInput(5, 1, corpus).text, fuzzInput(6, 1, corpus).text);
});

Deno.test("fuzz: every input the fuzzer found failing now compiles without a failure", async (t) => {
  const dir = "tests/testdata/fuzz";
  const corpus = loadCorpus();
  for (
    const name of [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".recipe")).sort()
  ) {
    await t.step(name, async () => {
      const text = await Deno.readTextFile(join(dir, name));
      const result = await checkInput(text, corpus);
      assert.deepEqual(result.failures, []);
    });
  }
});
