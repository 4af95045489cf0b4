/**
 * Compiler benchmark: cold-process `check` time, parse+check+lower throughput on a generated
 * 10,000-line recipe, and the schedule table for 1,000,000 updates. Prints its figures; targets:
 * cold check <= 150 ms, 1M-update table <= 50 ms.
 *
 * Run: `deno task bench:compiler`
 * @module
 */
import { compileFile } from "../src/plan/compile.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import { evaluate } from "../src/plan/evaluate.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function coldCheck(runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-env", "src/cli/main.ts", "check", "recipes/wsd.recipe"],
      stdout: "null",
      stderr: "null",
    }).output();
    times.push(performance.now() - start);
    if (code !== 0) throw new Error(`check exited with ${code}`);
  }
  return times;
}

/** A recipe of about `lines` lines: lets, sources and a long schedule of shaped phases. */
function bigRecipe(lines: number): string {
  const phases = Math.floor((lines - 40) / 2);
  const out = [`let peak = 3e-3`, `recipe "big" {`, `  budget ${phases * 10} steps`, `  batch 32 x 256`];
  out.push(`  optimizer adamw { lr peak  betas 0.9 0.95  weight_decay 0.1  clip 1.0 }`);
  out.push(
    `  data {`,
    ...Array.from({ length: 20 }, (_, i) => `    s${i} = corpus "brown/news"`),
    `    mix ${Array.from({ length: 20 }, (_, i) => `s${i} 1`).join(", ")} normalised`,
    `  }`,
  );
  out.push(`  schedule {`);
  const shapes = ["linear", "cosine", "1-sqrt", "rex"];
  for (let i = 0; i < phases; i++) {
    out.push(
      `    phase "p${i}" 10 steps ${shapes[i % 4]} from ${(0.5 + (i % 5) / 10).toFixed(1)}x to peak / ${
        2 + (i % 3)
      }`,
    );
    out.push(`    # phase ${i}`);
  }
  out.push(`  }`, `}`);
  return out.join("\n") + "\n";
}

const coldRuns = 9;
const cold = await coldCheck(coldRuns);

const text = bigRecipe(10_000);
const lineCount = text.split("\n").length - 1;
const throughput: number[] = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  const result = await compileFile("big.recipe", { readFile: () => Promise.resolve(text) });
  throughput.push(performance.now() - start);
  if (!result.ok) throw new Error("the generated recipe did not compile");
}

const million = `recipe "m" {
  budget 1000000 steps
  batch 32 x 256
  optimizer adamw { lr 3e-3 }
  schedule { warmup 1%  stable until 80%  decay rest 1-sqrt to 0.01x }
}`;
const { plans } = await compileFile("m.recipe", { readFile: () => Promise.resolve(million) });
const tableTimes: number[] = [];
for (let i = 0; i < 7; i++) {
  const start = performance.now();
  scheduleTable(plans[0]);
  tableTimes.push(performance.now() - start);
}
const evalStart = performance.now();
let sum = 0;
for (let k = 0; k < plans[0].steps; k++) sum += evaluate(plans[0], k).lr;
const evalTime = performance.now() - evalStart;

const ms = (x: number) => `${x.toFixed(1)} ms`;
console.log(
  `cold check (recipes/wsd.recipe, median of ${coldRuns} processes): ${ms(median(cold))}  [target <= 150 ms]`,
);
console.log(
  `parse+check+lower, ${lineCount}-line recipe: ${ms(median(throughput))} (${
    Math.round(lineCount / (median(throughput) / 1000)).toLocaleString("en")
  } lines/s)`,
);
console.log(`schedule table, 1,000,000 updates: ${ms(median(tableTimes))}  [target <= 50 ms]`);
console.log(`evaluate(plan, k) for every k of 1,000,000: ${ms(evalTime)} (checksum ${sum.toFixed(3)})`);
