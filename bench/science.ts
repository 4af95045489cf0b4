/**
 * `deno run -A bench/science.ts [--steps N] [--out DIR]`: the seven checks of "What a small trainer can
 * check" (docs/papers.md) on the built-in WebGPU GPT, at a size that finishes in minutes on a
 * CPU adapter. Trains a handful of small runs with hand-built plans, then writes DIR/report.md (a table of
 * outcomes, with the numbers behind each) and one SVG chart per check. Outcomes are reported as measured:
 * at this size some effects are within noise, and the report says so.
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { Plan, type Shape } from "../src/plan/schema.ts";
import { planHash } from "../src/plan/hash.ts";
import { createEngine } from "../src/train/gpt.ts";
import { train } from "../src/train/run.ts";
import { type MetricsRecord, readMetrics } from "../src/train/metrics.ts";
import { Progress } from "../src/train/progress.ts";
import { renderPanels, type Series } from "../src/plot/chart.ts";
import { fitLossLaw } from "../src/predict/fit.ts";
import { predictLoss } from "../src/predict/predict.ts";
import { lrHistory } from "../src/predict/lr_history.ts";
import type { LossCurve } from "../src/predict/loss_curve.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { steps: { type: "string", default: "400" }, out: { type: "string", default: "runs/science" } },
});
const T = Number(values.steps);
const OUT = values.out!;
const PEAK = 1e-2;
const origin = { file: "bench/science.ts", line: 1, column: 1 };
const MODEL = { kind: "gpt" as const, layers: 2, width: 64, heads: 2, context: 64, vocab: 256 };
const BASE_MIX = { news: 0.5, fiction: 0.5 };

interface PhaseSpec {
  name: string;
  kind: "warmup" | "stable" | "decay" | "rewarm" | "phase";
  steps: number;
  lr: Shape;
  mix?: Record<string, number>;
}

const constant = (value: number): Shape => ({ shape: "constant", value });
const linear = (from: number, to: number): Shape => ({ shape: "linear", from, to });
const sqrtDecay = (from: number): Shape => ({ shape: "1-sqrt", from, to: 0 });

function normalised(mix: Record<string, number>): Record<string, number> {
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(mix).map(([k, v]) => [k, v / total]));
}

/** A plan from phase specs (tiling [0, steps)), over the news, fiction and learned genres of Brown. */
function makePlan(
  name: string,
  phases: PhaseSpec[],
  extra: { checkpoints?: { name: string; step: number }[]; init?: Plan["init"] } = {},
): Plan {
  let start = 0;
  const built = phases.map((p) => {
    const phase = {
      name: p.name,
      kind: p.kind,
      start,
      end: start + p.steps,
      offset: 0 as const,
      lr: p.lr,
      weightDecay: constant(0.1),
      batch: constant(8),
      mix: normalised(p.mix ?? BASE_MIX),
      origin,
    };
    start += p.steps;
    return phase;
  });
  const source = (n: string, genre: string) => ({
    name: n,
    kind: "corpus" as const,
    uri: `brown/${genre}`,
    recipe: name,
    origin,
  });
  return Plan.parse({
    version: 1,
    name,
    steps: start,
    context: 64,
    budget: { unit: "steps", value: start },
    optimizer: { kind: "adamw", lr: PEAK, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.1, clip: 1 },
    model: MODEL,
    sources: [source("news", "news"), source("fiction", "fiction"), source("learned", "learned")],
    phases: built,
    checkpoints: [...extra.checkpoints ?? [], { name: "final", step: start, origin }].map((c) => ({
      ...c,
      origin,
    })),
    init: extra.init ?? null,
    file: "bench/science.ts",
  });
}

const W = Math.round(0.05 * T);
const warmup = (peak = PEAK): PhaseSpec => ({
  name: "warmup",
  kind: "warmup",
  steps: W,
  lr: linear(0, peak),
});
const at = (fraction: number) => Math.round(fraction * T);

interface RunResult {
  plan: Plan;
  metrics: MetricsRecord[];
  end: Record<string, number>;
  seconds: number;
}
const runs = new Map<string, RunResult>();

async function run(plan: Plan, init?: { from: string; checkpoint: string }): Promise<RunResult> {
  const out = join(OUT, "runs", plan.name);
  console.error(`training ${plan.name} (${plan.steps} updates)`);
  const summary = await train(plan, {
    out,
    createEngine,
    force: true,
    seed: init ? 2 : 1,
    evalEvery: Math.max(1, Math.round(T / 10)),
    evalBatches: 4,
    logEvery: 2,
    saveEvery: plan.steps,
    progress: new Progress("quiet"),
    init: init && { dir: join(OUT, "runs", init.from, "checkpoints", init.checkpoint), optimizer: true },
  });
  if (summary.diverged) console.error(`  diverged at step ${summary.diverged.step}`);
  const result = {
    plan,
    metrics: await readMetrics(join(out, "metrics.jsonl")),
    end: summary.heldOut,
    seconds: summary.seconds,
  };
  runs.set(plan.name, result);
  return result;
}

async function child(
  parent: Plan,
  checkpoint: string,
  name: string,
  phases: PhaseSpec[],
): Promise<RunResult> {
  const step = parent.checkpoints.find((c) => c.name === checkpoint)!.step;
  const init = { recipe: parent.name, checkpoint, step, planHash: await planHash(parent), lr: 0, origin };
  return await run(makePlan(name, phases, { init }), { from: parent.name, checkpoint });
}

const mean = (r: RunResult, sources = ["news", "fiction"]) =>
  sources.reduce((s, n) => s + r.end[n], 0) / sources.length;
const heldOutAt = (r: RunResult, source: string) =>
  r.metrics.filter((m) => m.heldOut).map((m) => [m.step + 1, m.heldOut![source]] as [number, number]);
const trainLoss = (r: RunResult, offset = 0) =>
  r.metrics.map((m) => [m.step + 1 + offset, m.loss] as [number, number]);
const f4 = (x: number) => x.toFixed(4);

// ---- the runs ----------------------------------------------------------------------------------------
const began = performance.now();
const stable = (until: number, mix?: Record<string, number>): PhaseSpec => ({
  name: "stable",
  kind: "stable",
  steps: until - W,
  lr: constant(PEAK),
  mix,
});
const decay = (steps: number, mix?: Record<string, number>, from = PEAK): PhaseSpec => ({
  name: "decay",
  kind: "decay",
  steps,
  lr: sqrtDecay(from),
  mix,
});

const constPlan = makePlan("constant", [warmup(), stable(T)], {
  checkpoints: [{ name: "s80", step: at(0.8) }],
});
const constRun = await run(constPlan);
const wsd = await run(makePlan("wsd", [warmup(), stable(at(0.8)), decay(T - at(0.8))]));
const cosine = await run(
  makePlan("cosine", [warmup(), {
    name: "cosine",
    kind: "decay",
    steps: T - W,
    lr: { shape: "cosine", from: PEAK, to: 0 },
  }]),
);
const wsd90 = await run(makePlan("wsd-90", [warmup(), stable(at(0.8)), decay(at(0.1))]));
const branch20 = await child(constPlan, "s80", "branch-20", [decay(T - at(0.8))]);
const branch10 = await child(constPlan, "s80", "branch-10", [decay(at(0.1))]);
const upsample = await run(
  makePlan("upsample", [warmup(), stable(at(0.8)), decay(T - at(0.8), { news: 0.2, fiction: 0.8 })]),
);
const newData = { learned: 1 };
const replay = { learned: 0.95, news: 0.025, fiction: 0.025 };
const cptPhases = (mix: Record<string, number>): PhaseSpec[] => [
  { name: "rewarm", kind: "rewarm", steps: W, lr: linear(0, PEAK), mix },
  { name: "stable", kind: "stable", steps: at(0.4) - W, lr: constant(PEAK), mix },
  decay(at(0.5) - at(0.4), mix),
];
const wsdPlan = wsd.plan;
const cptNoReplay = await child(wsdPlan, "final", "cpt-no-replay", cptPhases(newData));
const rewarm = await child(wsdPlan, "final", "rewarm", cptPhases(BASE_MIX));
const cptReplay = await child(wsdPlan, "final", "cpt-replay", cptPhases(replay));
const HIGH = 10 * PEAK;
const highNoWarmup = await run(
  makePlan("high-lr-no-warmup", [{ name: "stable", kind: "stable", steps: at(0.5), lr: constant(HIGH) }]),
);
const highWarmup = await run(
  makePlan("high-lr-warmup", [{ name: "warmup", kind: "warmup", steps: at(0.1), lr: linear(0, HIGH) }, {
    name: "stable",
    kind: "stable",
    steps: at(0.4),
    lr: constant(HIGH),
  }]),
);
const wall = (performance.now() - began) / 1000;

// ---- the checks -------------------------------------------------------------------------------------
interface Outcome {
  check: string;
  outcome: "reproduced" | "not reproduced" | "within noise";
  numbers: string;
  chart: string;
}
const outcomes: Outcome[] = [];
const charts: Record<string, string> = {};
/** Differences below this (nats per byte, held-out, 4 x 8 x 64 bytes per source) are called noise. */
const NOISE = 0.01;

function chart(file: string, title: string, lines: Series[], markers: { x: number; label: string }[] = []) {
  const xs = lines.flatMap((l) => l.points.map((p) => p[0]));
  charts[file] = renderPanels([{
    title,
    xLabel: "update",
    x: [Math.min(...xs), Math.max(...xs)],
    lines,
    markers,
  }]);
}

{
  const drop = (r: RunResult) => {
    const points = heldOutAt(r, "news").map(([s, v], i) => [s, (v + heldOutAt(r, "fiction")[i][1]) / 2]);
    const before = points.filter(([s]) => s <= at(0.8)).at(-1)![1];
    return before - points.at(-1)![1];
  };
  const [w, c] = [mean(wsd), mean(constRun)];
  outcomes.push({
    check: "1. Loss drops sharply in the cooldown; constant LR without one ends higher",
    outcome: c - w > NOISE && drop(wsd) > drop(constRun) + NOISE
      ? "reproduced"
      : c - w > 0
      ? "within noise"
      : "not reproduced",
    numbers: `end held-out (news+fiction): wsd ${f4(w)}, constant ${f4(c)}; drop over the last 20%: wsd ${
      f4(drop(wsd))
    }, constant ${f4(drop(constRun))}`,
    chart: "1_cooldown.svg",
  });
  chart("1_cooldown.svg", "Held-out loss (news): WSD vs constant LR", [
    { name: "wsd", points: heldOutAt(wsd, "news") },
    { name: "constant", points: heldOutAt(constRun, "news") },
  ], [{ x: at(0.8), label: "decay" }]);
}
{
  const [w, c] = [mean(wsd), mean(cosine)];
  outcomes.push({
    check: "2. WSD with a 20% decay ends close to (or below) cosine to the same floor",
    outcome: w <= c + NOISE ? "reproduced" : "not reproduced",
    numbers: `end held-out: wsd ${f4(w)}, cosine ${f4(c)} (difference ${f4(w - c)})`,
    chart: "2_wsd_cosine.svg",
  });
  chart("2_wsd_cosine.svg", "Held-out loss (news): WSD vs cosine", [
    { name: "wsd", points: heldOutAt(wsd, "news") },
    { name: "cosine", points: heldOutAt(cosine, "news") },
  ]);
}
{
  const pairs: [RunResult, RunResult][] = [[branch20, wsd], [branch10, wsd90]];
  const gaps = pairs.map(([b, full]) => Math.abs(mean(b) - mean(full)));
  outcomes.push({
    check: "3. Cooldowns branched from one stable checkpoint reach their recipe's end loss",
    outcome: gaps.every((g) => g <= 2 * NOISE) ? "reproduced" : "not reproduced",
    numbers: pairs.map(([b, full]) =>
      `${b.plan.name} ${f4(mean(b))} vs ${full.plan.name} ${f4(mean(full))}`
    ).join("; ") +
      ` (branches from "constant" at update ${at(0.8)}; stable part trained once)`,
    chart: "3_branches.svg",
  });
  const both = (r: RunResult, offset = 0) =>
    heldOutAt(r, "news").map(([x, v], i) =>
      [x + offset, (v + heldOutAt(r, "fiction")[i][1]) / 2] as [number, number]
    )
      .filter(([x]) => x >= at(0.6));
  chart("3_branches.svg", "Held-out loss (news+fiction): cooldowns branched at 80% vs full runs", [
    { name: "constant", points: both(constRun) },
    { name: "wsd", points: both(wsd) },
    {
      name: "branch-20",
      points: [[at(0.8), both(constRun).find(([x]) => x === at(0.8))![1]], ...both(branch20, at(0.8))],
    },
    { name: "wsd-90", points: both(wsd90) },
    {
      name: "branch-10",
      points: [[at(0.8), both(constRun).find(([x]) => x === at(0.8))![1]], ...both(branch10, at(0.8))],
    },
  ], [{ x: at(0.8), label: "branch" }]);
}
{
  const old = (r: RunResult) => mean(r);
  const firstOld = (r: RunResult) => {
    const first = r.metrics.find((m) => m.heldOut)!.heldOut!;
    return (first.news + first.fiction) / 2;
  };
  const rose = firstOld(cptNoReplay) > old(wsd) + NOISE;
  const replayHelps = old(cptReplay) < old(cptNoReplay) - NOISE;
  const newSame = Math.abs(cptReplay.end.learned - cptNoReplay.end.learned) <= 2 * NOISE;
  outcomes.push({
    check: "4. Rewarming on new data raises old-data loss; 5% replay ends lower on old data, same on new",
    outcome: rose && replayHelps && newSame ? "reproduced" : "not reproduced",
    numbers:
      `old data (news+fiction): parent end ${f4(old(wsd))}, first eval of the child ${
        f4(firstOld(cptNoReplay))
      }, end without replay ${f4(old(cptNoReplay))}, with 5% replay ${
        f4(old(cptReplay))
      }; new data (learned): ` +
      `without ${f4(cptNoReplay.end.learned)}, with ${f4(cptReplay.end.learned)}`,
    chart: "4_replay.svg",
  });
  const oldSeries = (r: RunResult) => [
    [0, old(wsd)] as [number, number],
    ...heldOutAt(r, "news").map(([s, v], i) =>
      [s, (v + heldOutAt(r, "fiction")[i][1]) / 2] as [number, number]
    ),
  ];
  const newSeries = (r: RunResult) => [[0, wsd.end.learned] as [number, number], ...heldOutAt(r, "learned")];
  chart("4_replay.svg", "Held-out loss during continual pretraining on 'learned' (update 0: the parent)", [
    { name: "no replay (old)", points: oldSeries(cptNoReplay) },
    { name: "5% replay (old)", points: oldSeries(cptReplay) },
    { name: "no replay (new)", points: newSeries(cptNoReplay) },
    { name: "5% replay (new)", points: newSeries(cptReplay) },
  ]);
}
{
  const [u, w] = [upsample.end.fiction, wsd.end.fiction];
  outcomes.push({
    check: "5. Upsampling a source in the final 20% lowers its held-out loss",
    outcome: u < w - NOISE ? "reproduced" : u < w ? "within noise" : "not reproduced",
    numbers: `fiction at the end: upsampled (0.8 in the decay) ${f4(u)}, not (0.5) ${f4(w)}; news: ${
      f4(upsample.end.news)
    } vs ${f4(wsd.end.news)}`,
    chart: "5_upsample.svg",
  });
  chart("5_upsample.svg", "Held-out loss (fiction): upsampled in the decay or not", [
    { name: "upsample", points: heldOutAt(upsample, "fiction") },
    { name: "wsd", points: heldOutAt(wsd, "fiction") },
  ], [{ x: at(0.8), label: "decay" }]);
}
{
  const early = (r: RunResult) => r.metrics.filter((m) => m.step < at(0.2));
  const maxEarly = (r: RunResult) =>
    Math.max(...early(r).map((m) => Number.isFinite(m.loss) ? m.loss : Infinity));
  const spikes = (r: RunResult) =>
    r.metrics.filter((m, i) => i > 0 && m.loss > r.metrics[i - 1].loss + 0.3 && m.step > 2).length;
  const [a, b] = [highNoWarmup, highWarmup];
  const worse = mean(a) > mean(b) + NOISE || spikes(a) > spikes(b);
  outcomes.push({
    check: `6. High LR (${HIGH}) without warmup spikes or diverges where warmup trains`,
    outcome: worse ? "reproduced" : "not reproduced",
    numbers: `end held-out: no warmup ${f4(mean(a))}, warmup ${f4(mean(b))}; loss jumps > 0.3: ${
      spikes(a)
    } vs ${spikes(b)}; max loss in the first 20%: ${f4(maxEarly(a))} vs ${f4(maxEarly(b))}`,
    chart: "6_warmup.svg",
  });
  chart("6_warmup.svg", `Training loss at LR ${HIGH}: with and without warmup`, [
    { name: "no warmup", points: trainLoss(a) },
    { name: "warmup", points: trainLoss(b) },
  ]);
}
{
  // Check 7: each loss law of src/predict fitted on the training loss of two runs (constant + WSD),
  // predicting five runs it did not see: cosine, WSD with a 10% decay, two cooldowns branched from the
  // constant run, and a rewarm child of the WSD run (same data). Errors are predicted minus measured: at
  // the end (mean of the last 5 logged losses) and over the whole logged curve (mean absolute error).
  const curveOf = (r: RunResult): LossCurve => {
    const history = lrHistory(r.plan, [constPlan, wsdPlan]);
    return {
      name: r.plan.name,
      history,
      points: r.metrics.map((m) => ({ updates: history.offset + m.step, loss: m.loss })),
    };
  };
  const targets = [cosine, wsd90, branch20, branch10, rewarm];
  const lines: string[] = [];
  const worst: number[] = [];
  const charted: Series[] = [];
  for (const law of ["tissue", "multi-power"] as const) {
    const fit = fitLossLaw([curveOf(constRun), curveOf(wsd)], { law, bootstrap: 20 });
    const rows = targets.map((r) => {
      const curve = curveOf(r);
      const points = curve.points.filter((p) => p.updates > Math.max(W, curve.history.offset));
      const predicted = predictLoss(fit, curve.history, { at: points.map((p) => p.updates) });
      const errors = points.map((p, i) => predicted.curve[i].loss - p.loss);
      const tail = (xs: number[]) => xs.slice(-5).reduce((s, x) => s + x, 0) / Math.min(5, xs.length);
      const end = tail(errors);
      if (law === "tissue") {
        charted.push({ name: `${r.plan.name}`, points: points.map((p) => [p.updates, p.loss]) });
        charted.push({
          name: `${r.plan.name} (law)`,
          points: points.map((p, i) => [p.updates, predicted.curve[i].loss]),
        });
      }
      worst.push(Math.abs(end));
      const last = predicted.curve.at(-1)!;
      return `${r.plan.name} end ${f4(tail(points.map((p) => p.loss)))} predicted ${
        f4(end + tail(points.map((p) => p.loss)))
      } ` +
        `[${f4(last.lower)}, ${f4(last.upper)}] (error ${f4(end)}, curve MAE ${
          f4(errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length)
        })`;
    });
    lines.push(
      `${law} (fit R² ${fit.quality.r2.toFixed(3)}, RMSE ${f4(fit.quality.rmse)}): ${rows.join("; ")}`,
    );
  }
  outcomes.push({
    check: "7. Loss laws fitted on constant + WSD predict five other schedules' end loss (within 0.05)",
    outcome: worst.every((e) => e <= 0.05) ? "reproduced" : "not reproduced",
    numbers: lines.join(" / ") +
      " (training loss; end = mean of the last 5 logged; [5%, 95%] of 20 bootstrap refits)",
    chart: "7_scaling_law.svg",
  });
  chart(
    "7_scaling_law.svg",
    "Training loss and the tissue law's prediction (fitted on constant + wsd)",
    charted.slice(0, 8),
  );
}

// ---- the report -------------------------------------------------------------------------------------
await Deno.mkdir(OUT, { recursive: true });
for (const [file, svg] of Object.entries(charts)) await Deno.writeTextFile(join(OUT, file), svg);
const report = [
  "# What a small trainer can check",
  "",
  `The seven checks of docs/papers.md on a ${MODEL.layers}-layer, width-${MODEL.width} byte-level GPT ` +
  `(context 64, batch 8, peak LR ${PEAK}, AdamW), ${T} updates for a full run, Brown corpus genres ` +
  `(news and fiction as the base mixture, learned as the new data). ${runs.size} runs, ${
    Math.round(wall)
  } s ` +
  `of training in all. Held-out losses are in nats per byte over 4 x 8 x 64 held-out bytes per source; ` +
  `differences under ${NOISE} are treated as noise.`,
  "",
  "| Check | Outcome | Numbers | Chart |",
  "| --- | --- | --- | --- |",
  ...outcomes.map((o) => `| ${o.check} | ${o.outcome} | ${o.numbers} | [${o.chart}](${o.chart}) |`),
  "",
  "Runs: " +
  [...runs.values()].map((r) => `${r.plan.name} (${r.plan.steps} updates, ${Math.round(r.seconds)} s)`).join(
    ", ",
  ) + ".",
  "",
].join("\n");
await Deno.writeTextFile(join(OUT, "report.md"), report);
console.log(report);
