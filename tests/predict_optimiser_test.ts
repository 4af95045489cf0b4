import assert from "node:assert/strict";
import { levenbergMarquardt, solveSymmetric } from "../src/predict/levenberg_marquardt.ts";
import { huberResidual, noiseScale } from "../src/predict/huber.ts";
import { blockResample, quantile } from "../src/predict/bootstrap.ts";
import { parseCsv, parseJsonLines } from "../src/predict/csv_table.ts";
import { logColumns } from "../src/predict/log_columns.ts";
import { lawInput } from "../src/predict/loss_law.ts";
import { Random } from "../src/fuzz/random.ts";

const near = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} is not within ${tol} of ${b}`);

Deno.test("levenbergMarquardt: a linear fit lands on the least-squares solution", () => {
  const xs = [0, 1, 2, 3], ys = [1.1, 2.9, 5.2, 6.8];
  const fit = levenbergMarquardt(([a, b]) => Float64Array.from(xs, (x, i) => a * x + b - ys[i]), [0, 0], {
    lower: [-10, -10],
    upper: [10, 10],
  });
  near(fit.params[0], 1.94, 1e-6, "slope");
  near(fit.params[1], 1.09, 1e-6, "intercept");
});

Deno.test("levenbergMarquardt: a nonlinear fit (exponential decay) from a far start", () => {
  const xs = Array.from({ length: 20 }, (_, i) => i / 2);
  const ys = xs.map((x) => 3 * Math.exp(-0.7 * x) + 0.5);
  const fit = levenbergMarquardt(
    ([a, k, c]) => Float64Array.from(xs, (x, i) => a * Math.exp(-k * x) + c - ys[i]),
    [1, 0.05, 0],
    { lower: [0, 0, -5], upper: [10, 5, 5] },
  );
  fit.params.forEach((p, i) => near(p, [3, 0.7, 0.5][i], 1e-6, `parameter ${i}`));
});

Deno.test("levenbergMarquardt: box bounds hold, and the bounded optimum of Rosenbrock is found", () => {
  // Rosenbrock's minimum is (1, 1); with x <= 0.5 the constrained minimum is at x = 0.5, y = 0.25.
  const rosen = ([x, y]: number[]) => Float64Array.from([1 - x, 10 * (y - x * x)]);
  const fit = levenbergMarquardt(rosen, [-1.5, 2], { lower: [-2, -2], upper: [0.5, 2] });
  near(fit.params[0], 0.5, 1e-9, "x at its bound");
  near(fit.params[1], 0.25, 1e-6, "y");
  const free = levenbergMarquardt(rosen, [-1.5, 2], { lower: [-2, -2], upper: [2, 2] });
  near(free.params[0], 1, 1e-6, "x unbounded");
  near(free.params[1], 1, 1e-6, "y unbounded");
});

Deno.test("levenbergMarquardt: equal bounds fix a parameter; NaN residuals count as worse", () => {
  const fit = levenbergMarquardt(([a, b]) => Float64Array.from([a - 3, b - 4, a < 0 ? NaN : 0]), [1, 1], {
    lower: [-5, 2],
    upper: [5, 2],
  });
  near(fit.params[0], 3, 1e-8, "free parameter");
  assert.equal(fit.params[1], 2);
});

Deno.test("solveSymmetric solves a positive definite system and refuses a singular one", () => {
  const x = solveSymmetric([[4, 1], [1, 3]], [1, 2])!;
  near(4 * x[0] + x[1], 1, 1e-12, "row 1");
  near(x[0] + 3 * x[1], 2, 1e-12, "row 2");
  assert.equal(solveSymmetric([[1, 1], [1, 1]], [1, 1]), null);
});

Deno.test("huber residual: squared it is twice the Huber loss; noise scale is robust to a trend", () => {
  for (const r of [-3, -0.5, 0, 0.2, 2]) {
    const huber = Math.abs(r) <= 1 ? r * r / 2 : Math.abs(r) - 0.5;
    near(huberResidual(r, 1) ** 2, 2 * huber, 1e-12, `r = ${r}`);
  }
  const random = new Random(4);
  const noisy = Array.from(
    { length: 2000 },
    (_, i) => 5 - i / 1000 + 0.1 * (random.next() - 0.5) * Math.sqrt(12),
  );
  near(noiseScale([noisy]), 0.1, 0.015, "noise of a falling series");
});

Deno.test("block bootstrap keeps n indices in runs; quantiles interpolate", () => {
  const picks = blockResample(30, new Random(2), 5);
  assert.equal(picks.length, 30);
  assert.ok(picks.every((i) => i >= 0 && i < 30));
  for (let b = 0; b < 30; b += 5) for (let j = 1; j < 5; j++) assert.equal(picks[b + j], picks[b] + 1 * j);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
  near(quantile([1, 2, 3, 4, 5], 0.05), 1.2, 1e-12, "5%");
});

Deno.test("CSV and JSON lines: quotes, CRLF, W&B and TensorBoard column names", () => {
  const wandb = parseCsv(
    '"Step","run-1 - train/loss","run-1 - train/loss__MIN","run-1 - train/loss__MAX"\r\n' +
      '10,"3.5",3.4,3.6\r\n20,,,\r\n',
  );
  assert.deepEqual(wandb.rows, [["10", "3.5", "3.4", "3.6"], ["20", "", "", ""]]);
  assert.deepEqual(logColumns("w.csv", wandb.columns), {
    step: "Step",
    loss: "run-1 - train/loss",
    lr: undefined,
  });
  const tb = parseCsv("Wall time,Step,Value\n1700000000.5,100,2.5\n");
  assert.deepEqual(logColumns("tb.csv", tb.columns), { step: "Step", loss: "Value", lr: undefined });
  const hf = parseJsonLines('{"step": 1, "loss": 3.1, "learning_rate": 0.001}\nnot json\n{"step": 2}\n');
  assert.deepEqual(hf.rows, [["1", "3.1", "0.001"], ["2", "", ""]]);
  assert.deepEqual(logColumns("hf.jsonl", hf.columns), { step: "step", loss: "loss", lr: "learning_rate" });
  assert.throws(
    () => logColumns("x.csv", ["step", "eval/loss", "val_loss"]),
    /several loss columns/,
  );
  assert.throws(() => logColumns("x.csv", ["step", "acc"]), /"x\.csv" has no loss column.*--loss-column/);
  assert.throws(
    () => logColumns("x.csv", ["step", "acc"], { loss: "nll" }),
    /has no column "nll" \(--loss-column\)/,
  );
  assert.deepEqual(logColumns("x.csv", ["step", "acc"], { loss: "acc" }).loss, "acc");
});

Deno.test("law input: areas and the first LR decrease", () => {
  const input = lawInput(Float64Array.from([0.5, 1, 1, 0.5, 0.25]), 1);
  assert.deepEqual([...input.area], [0, 0.5, 1.5, 2.5, 3, 3.25]);
  assert.equal(input.warmup, 3);
});
