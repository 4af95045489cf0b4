/**
 * Peak resident memory of training runs (bench/README.md, "Trainer memory"): each run is a fresh
 * `deno run src/cli/main.ts run ...` process under GNU time (`/usr/bin/time -v`), whose "Maximum resident
 * set size" is the figure. By default: the batch-size ramp 1 -> 64 and the constant batch of 64 on the same
 * 2 x 128 model (bench/memory/), then recipes/batch-ramp.recipe at --proxy 300K.
 *
 *   deno run -A bench/memory_bench.ts            # all three
 *   deno run -A bench/memory_bench.ts ramp       # only the runs whose label contains "ramp"
 * @module
 */
const RUNS: { label: string; args: string[] }[] = [
  { label: "ramp 1 -> 64 (2 x 128)", args: ["bench/memory/ramp.recipe"] },
  { label: "constant 64 (2 x 128)", args: ["bench/memory/constant.recipe"] },
  { label: "batch-ramp.recipe --proxy 300K", args: ["recipes/batch-ramp.recipe", "--proxy", "300K"] },
];

const filter = Deno.args[0] ?? "";
const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
for (const run of RUNS.filter((r) => r.label.includes(filter))) {
  const out = await Deno.makeTempDir();
  const began = performance.now();
  const output = await new Deno.Command("/usr/bin/time", {
    args: ["-v", Deno.execPath(), "run", "-A", main, "run", ...run.args, "--out", out, "--force"],
    stdout: "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - began) / 1000;
  const stderr = new TextDecoder().decode(output.stderr);
  const kb = Number(stderr.match(/Maximum resident set size \(kbytes\): (\d+)/)?.[1] ?? NaN);
  console.log(
    `${run.label.padEnd(34)} peak RSS ${(kb / 1024).toFixed(0).padStart(5)} MiB  ` +
      `${seconds.toFixed(0).padStart(4)} s  exit ${output.code}`,
  );
  await Deno.remove(out, { recursive: true });
}
