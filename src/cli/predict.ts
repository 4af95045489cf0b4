/**
 * `recipe predict TARGET... --fit CURVE...`: fit a schedule-aware loss law to measured curves, predict the
 * loss of every plan of the targets, rank them with --choose, and chart it all.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { dirname, join } from "node:path";
import { type Command, EXIT, UsageError } from "./command.ts";
import { parseCommandArgs } from "./args.ts";
import { compileForCommand } from "./compile_recipe.ts";
import type { Plan } from "../plan/schema.ts";
import { readPlanFile } from "../train/load_plans.ts";
import { fitLossLaw } from "../predict/fit.ts";
import { predictLoss } from "../predict/predict.ts";
import { readRunCurve, type RunMetric } from "../predict/read_run.ts";
import { readLogCurve } from "../predict/read_log.ts";
import type { LossCurve } from "../predict/loss_curve.ts";
import { LAWS } from "../predict/laws.ts";
import type { LawName } from "../predict/loss_law.ts";
import { fitReport, predictionTable } from "../predict/report.ts";
import { predictionChart } from "./predict_chart.ts";

const HELP = `Usage: deno task predict TARGET... --fit CURVE... [options]

Fits a schedule-aware loss law to the measured loss curves CURVE, then predicts
the loss curve of every plan of TARGET (a .recipe file: each plan of its sweeps;
or a plan JSON file), with a 5%-95% interval from refits on bootstrap resamples.
Prints the fit (parameters, R², residuals) and a table of predicted final
losses; writes an SVG of measured, fitted and predicted curves.

CURVE is a run directory of \`deno task run\` (metrics.jsonl + plan.json), or
another trainer's log paired with the recipe that produced it: LOG=RECIPE, where
LOG is a CSV (W&B and TensorBoard exports work) or JSON-lines file with step,
loss and (optionally, checked against the plan) lr columns, and RECIPE a .recipe
or plan JSON file (RECIPE#PLAN picks one plan of several).

Options:
  --fit CURVE...       the curves to fit (one or more, after one --fit or several)
  --law NAME           tissue (default): L0 + A*S1^-alpha - C*S2 (Tissue et al. 2024)
                       multi-power: the multi-power law (Luo et al. 2025)
  --choose             rank the plans by predicted final loss, best first
  --metric M           loss (training loss, default), held-out (mean of the
                       sources) or held-out:SOURCE, for run directories
  --step-column NAME   the log's step column (default: recognised by name)
  --loss-column NAME   the log's loss column
  --lr-column NAME     the log's LR column
  --parent FILE        the plan of a parent run (a run directory or plan JSON), for
                       plans that continue from a checkpoint; runs/<parent> is tried
  --bootstrap N        bootstrap refits (default 20; 0 for none)
  --starts N           random starts of the optimiser (default 12)
  --seed N             seed of starts and resamples (default 1)
  --lambda X           fix the tissue law's momentum (default: fitted in 0.9-0.9999)
  --skip N             leave out points before update N (default: the warmup)
  -o, --out FILE       the SVG (default out/predict.svg)
  --json               print the fit and the predictions as JSON
  --recipe NAME        which recipe of a TARGET file (when it defines several)
  -h, --help           show this help`;

/** Splits `--fit A B C` (values up to the next option) from the other arguments. */
export function splitFitArgs(args: string[]): { fit: string[]; rest: string[] } {
  const fit: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith("--fit=")) fit.push(args[i].slice("--fit=".length));
    else if (args[i] === "--fit") {
      const start = fit.length;
      while (i + 1 < args.length && !args[i + 1].startsWith("-")) fit.push(args[++i]);
      if (fit.length === start) {
        throw new UsageError("--fit expects one or more curves (run directories or LOG=RECIPE)");
      }
    } else rest.push(args[i]);
  }
  return { fit, rest };
}

function count(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} expects an integer >= ${min}, got "${value}"`);
  }
  return n;
}

async function plansOf(file: string, recipe?: string): Promise<Plan[]> {
  if (file.endsWith(".json")) return await readPlanFile(file);
  if (!file.endsWith(".recipe")) {
    throw new UsageError(`"${file}" is not a recipe: a target is a .recipe file or a plan JSON file`);
  }
  const plans = await compileForCommand(file, { recipe });
  if (!plans) throw new InputError(`"${file}" has errors (above): fix them to predict its plans`);
  return plans;
}

/** Every plan of every recipe a file defines (a log names one of them). */
async function compiledEvery(file: string): Promise<Plan[]> {
  const plans = await compileForCommand(file, { every: true });
  if (!plans) throw new InputError(`"${file}" has errors (above): fix them to pair a log with it`);
  return plans;
}

/** The one plan a log is paired with: RECIPE or RECIPE#PLAN. */
async function pairedPlan(log: string, spec: string): Promise<Plan> {
  const [file, name] = spec.split("#");
  const plans = file.endsWith(".recipe") ? await compiledEvery(file) : await plansOf(file);
  const plan = name === undefined && plans.length === 1 ? plans[0] : plans.find((p) => p.name === name);
  if (!plan) {
    throw new InputError(
      `"${log}" is paired with "${spec}", which makes ${plans.length} plans${
        name ? `, none named "${name}"` : ""
      }: name one with ` +
        `${file}#PLAN (${plans.map((p) => p.name).join(", ")})`,
    );
  }
  return plan;
}

/** Parent plans: --parent files, then runs/<parent>/plan.json for every continued plan that needs one. */
async function parentsFor(plans: Plan[], given: string[]): Promise<Plan[]> {
  const parents: Plan[] = [];
  for (const path of given) {
    parents.push(...await readPlanFile(path.endsWith(".json") ? path : join(path, "plan.json")));
  }
  const known = () => [...parents, ...plans];
  for (const plan of [...plans, ...parents]) {
    const name = plan.init?.recipe;
    if (!name || known().some((p) => p.name === name)) continue;
    const file = join("runs", name, "plan.json");
    if (await Deno.stat(file).then(() => true, () => false)) parents.push(...await readPlanFile(file));
  }
  return parents;
}

interface CurveOptions {
  metric: RunMetric;
  columns: { step?: string; loss?: string; lr?: string };
  parents: string[];
}

async function readCurves(
  specs: string[],
  options: CurveOptions,
): Promise<{ curves: LossCurve[]; plans: Plan[] }> {
  const curves: LossCurve[] = [];
  const plans: Plan[] = [];
  for (const spec of specs) {
    const eq = spec.lastIndexOf("=");
    const isDir = await Deno.stat(spec).then((s) => s.isDirectory, () => false);
    if (isDir || eq < 0) {
      if (!isDir && /\.(csv|tsv|jsonl|ndjson|json|txt)$/i.test(spec)) {
        throw new InputError(
          `"${spec}" is a log without a recipe: pair it with the recipe that produced it, --fit ${spec}=RECIPE`,
        );
      }
      const parents = await parentsFor([], options.parents);
      const { curve, plan } = await readRunCurve(spec, { metric: options.metric, parents });
      curves.push(curve);
      plans.push(plan);
      continue;
    }
    const [log, recipe] = [spec.slice(0, eq), spec.slice(eq + 1)];
    const plan = await pairedPlan(log, recipe);
    const parents = await parentsFor([plan], options.parents);
    curves.push(await readLogCurve(log, plan, { columns: options.columns, parents }));
    plans.push(plan);
  }
  return { curves, plans };
}

function metricOf(value: string | undefined): RunMetric {
  const metric = value ?? "loss";
  if (metric === "loss" || metric === "held-out" || /^held-out:./.test(metric)) return metric as RunMetric;
  throw new UsageError(`--metric expects loss, held-out or held-out:SOURCE, got "${metric}"`);
}

function lambdaOf(value: string | undefined): { fixed?: Record<string, number> } {
  if (value === undefined) return {};
  const x = Number(value);
  if (!(x >= 0.9 && x <= 0.9999)) {
    throw new UsageError(`--lambda expects a number in [0.9, 0.9999], got "${value}"`);
  }
  return { fixed: { lambda: x } };
}

/** `predict`: fit, predict, rank, chart. */
export const command: Command = {
  name: "predict",
  help: HELP,
  async run(args) {
    const { fit: fitSpecs, rest } = splitFitArgs(args);
    const { values, positionals } = parseCommandArgs(rest, {
      law: { type: "string" },
      choose: { type: "boolean" },
      metric: { type: "string" },
      "step-column": { type: "string" },
      "loss-column": { type: "string" },
      "lr-column": { type: "string" },
      parent: { type: "string", multiple: true },
      bootstrap: { type: "string" },
      starts: { type: "string" },
      seed: { type: "string" },
      lambda: { type: "string" },
      skip: { type: "string" },
      out: { type: "string", short: "o" },
      json: { type: "boolean" },
      recipe: { type: "string" },
    });
    if (positionals.length === 0) throw new UsageError("Expected a recipe (or plan JSON) file to predict");
    if (fitSpecs.length === 0) throw new UsageError("Expected --fit with one or more measured curves");
    const law = (values.law ?? "tissue") as LawName;
    if (!(law in LAWS)) {
      throw new UsageError(`--law expects one of ${Object.keys(LAWS).join(", ")}, got "${law}"`);
    }
    if (values.lambda !== undefined && law !== "tissue") {
      throw new UsageError("--lambda is a parameter of the tissue law");
    }
    const { curves, plans: fitted } = await readCurves(fitSpecs, {
      metric: metricOf(values.metric),
      columns: { step: values["step-column"], loss: values["loss-column"], lr: values["lr-column"] },
      parents: values.parent ?? [],
    });
    const targets: Plan[] = [];
    for (const file of positionals) targets.push(...await plansOf(file, values.recipe));
    const parents = [...await parentsFor(targets, values.parent ?? []), ...fitted];
    const fit = fitLossLaw(curves, {
      law,
      bootstrap: count("bootstrap", values.bootstrap, 20),
      starts: count("starts", values.starts, 12),
      seed: count("seed", values.seed, 1),
      skip: values.skip === undefined ? undefined : count("skip", values.skip, 0),
      ...lambdaOf(values.lambda),
    });
    const predictions = targets.map((plan) => predictLoss(fit, plan, { parents }));
    if (values.json) {
      const { curves: _, ...summary } = fit;
      console.log(
        JSON.stringify({ fit: summary, predictions: predictions.map(({ curve: _, ...p }) => p) }, null, 2),
      );
    } else console.log(`${fitReport(fit)}\n\n${predictionTable(predictions, values.choose)}`);
    const out = values.out ?? join("out", "predict.svg");
    await Deno.mkdir(dirname(out), { recursive: true });
    const ranked = values.choose ? [...predictions].sort((a, b) => a.final.loss - b.final.loss) : predictions;
    await Deno.writeTextFile(out, predictionChart(fit, ranked));
    console.error(`wrote ${out}`);
    return EXIT.ok;
  },
};
