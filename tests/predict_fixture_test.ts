/**
 * Recorded curves of the real trainer (tests/testdata/predict: two 300-update runs of a 2 x 64 GPT, one at
 * constant LR and one WSD, made from fixture.recipe) are fitted by both laws and predicted. At this size the
 * training loss is noisy (about 0.05 nats per logged batch) and has a plateau, so the bars are loose.
 */
import assert from "node:assert/strict";
import { readRunCurve } from "../src/predict/read_run.ts";
import { readLogCurve } from "../src/predict/read_log.ts";
import { fitLossLaw } from "../src/predict/fit.ts";
import { predictLoss } from "../src/predict/predict.ts";

const constant = await readRunCurve("tests/testdata/predict/constant");
const wsd = await readRunCurve("tests/testdata/predict/wsd");
const endOf = (points: { loss: number }[]) => points.slice(-10).reduce((s, p) => s + p.loss, 0) / 10;

for (const law of ["tissue", "multi-power"] as const) {
  Deno.test(`recorded runs, ${law}: fitted on both, WSD's end predicted within 0.1 of the measured loss`, () => {
    const fit = fitLossLaw([constant.curve, wsd.curve], { law, bootstrap: 8 });
    assert.ok(fit.quality.r2 > 0.4, `R² ${fit.quality.r2}`);
    assert.ok(fit.quality.rmse < 0.12, `RMSE ${fit.quality.rmse}`);
    const predicted = predictLoss(fit, wsd.plan);
    assert.equal(predicted.final.updates, 300);
    const measured = endOf(wsd.curve.points);
    assert.ok(Math.abs(predicted.final.loss - measured) < 0.1, `${predicted.final.loss} vs ${measured}`);
    assert.ok(predicted.final.lower <= predicted.final.loss && predicted.final.loss <= predicted.final.upper);
  });
}

Deno.test("recorded runs: a fit on the constant run alone warns that annealing is not determined", () => {
  const fit = fitLossLaw([constant.curve], { bootstrap: 0 });
  assert.match(fit.warnings.join("\n"), /No fitted curve has an LR decrease/);
});

Deno.test("held-out curves and other trainers' logs (W&B, TensorBoard exports) read as the same run", async () => {
  const heldOut = await readRunCurve("tests/testdata/predict/wsd", { metric: "held-out:news" });
  assert.equal(heldOut.curve.points.length, 10);
  assert.equal(heldOut.curve.points[0].updates, 30);
  const wandb = await readLogCurve("tests/testdata/predict/logs/wandb_export.csv", wsd.plan);
  const tensorboard = await readLogCurve("tests/testdata/predict/logs/tensorboard.csv", wsd.plan);
  assert.deepEqual(wandb.points, tensorboard.points);
  assert.equal(wandb.points.length, 30);
  const fit = fitLossLaw([wandb], { bootstrap: 0 });
  assert.ok(fit.quality.r2 > 0.3);
  await assert.rejects(
    () => readLogCurve("tests/testdata/predict/logs/wandb_export.csv", constant.plan),
    /its LR column does not follow plan "fx-constant": at step \d+ it logs/,
  );
});
