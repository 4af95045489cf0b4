/**
 * `deno task fuzz [--n N] [--seed S] [--seconds T] [--save DIR]`: runs the fuzzer and prints what it found. `--save`
 * writes each failing input to DIR as `<seed>-<index>.recipe`, ready to become a regression fixture in
 * tests/testdata/fuzz/. Exits 1 when anything failed.
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { fuzz } from "./fuzz.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    n: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    save: { type: "string" },
    seconds: { type: "string" },
  },
});
const n = Number(values.n);
const seed = Number(values.seed);
if (!Number.isInteger(n) || n < 0 || !Number.isInteger(seed)) {
  console.error("Usage: deno task fuzz [--n N] [--seed S] [--seconds T] [--save DIR]");
  Deno.exit(2);
}
const started = performance.now();
const report = await fuzz({
  seed,
  n,
  seconds: values.seconds === undefined ? undefined : Number(values.seconds),
  onProgress: (done, failures) =>
    console.error(
      `${done} inputs, ${((performance.now() - started) / 1000).toFixed(0)} s, ${failures} failures`,
    ),
});
const kinds = new Map<string, number>();
for (const f of report.failures) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
for (const f of report.failures.slice(0, 50)) {
  console.log(`${f.kind} at input ${f.index} (${f.base}, ${f.mutators.join(" + ")}): ${f.detail}`);
}
if (values.save) {
  await Deno.mkdir(values.save, { recursive: true });
  for (const f of report.failures) {
    await Deno.writeTextFile(join(values.save, `${seed}-${f.index}.recipe`), f.text);
  }
}
console.log(
  `seed ${seed}: ${report.inputs} inputs in ${(report.ms / 1000).toFixed(1)} s ` +
    `(${(report.ms / Math.max(1, report.inputs)).toFixed(2)} ms each, slowest ${
      report.slowestMs.toFixed(0)
    } ms), ` +
    `${report.compiled} compiled to plans; failures: ${report.failures.length}` +
    (kinds.size ? ` (${[...kinds].map(([k, c]) => `${c} ${k}`).join(", ")})` : ""),
);
Deno.exit(report.failures.length ? 1 : 0);
