/**
 * `recipe plot FILE... [--runs DIR...] -o out.svg`: plans and runs as charts.
 * @module
 */
import { safeFileName } from "../diagnostics/file_name.ts";
import { InputError } from "../diagnostics/input_error.ts";
import { dirname, join } from "node:path";
import { type Command, EXIT, UsageError } from "./command.ts";
import { outputDirectory, parseCommandArgs } from "./args.ts";
import { compileForCommand } from "./compile_recipe.ts";
import { planPanels, plotPlan } from "../plot/plan_chart.ts";
import { runPanels, type RunSeries } from "../plot/run_chart.ts";
import { renderPanels } from "../plot/chart.ts";
import { AXES, type Axis, type ChartOptions } from "../plot/axis.ts";
import { readMetrics } from "../train/metrics.ts";
import { Plan } from "../plan/schema.ts";

/**
 * Splits `--runs A B ...` (every argument up to the next flag) out of `args`, so that the rest parses as
 * usual. `--runs=A` takes one.
 */
export function splitRuns(args: string[]): { rest: string[]; runs: string[] } {
  const rest: string[] = [];
  const runs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith("--runs=")) runs.push(args[i].slice("--runs=".length));
    else if (args[i] !== "--runs") rest.push(args[i]);
    else {
      const before = runs.length;
      while (i + 1 < args.length && !args[i + 1].startsWith("-")) runs.push(args[++i]);
      if (runs.length === before) throw new UsageError("--runs needs at least one run directory");
    }
  }
  return { rest, runs };
}

/** A run directory: its metrics (a missing or half-written file gives what is there) and, if valid, its plan. */
async function readRun(dir: string): Promise<RunSeries> {
  let records;
  try {
    records = await readMetrics(join(dir, "metrics.jsonl"));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new InputError(`"${dir}" is not a run directory: it has no metrics.jsonl`);
    }
    throw error;
  }
  let plan: Plan | null = null;
  try {
    const value = JSON.parse(await Deno.readTextFile(join(dir, "plan.json")));
    plan = Plan.safeParse(Array.isArray(value) ? value[0] : value).data ?? null;
  } catch {
    // No plan (or a damaged one): the run is drawn without its checkpoints.
  }
  return { name: dir.replace(/\/+$/, "").split("/").at(-1) || dir, records, plan };
}

function chartOptions(values: { "log-y"?: boolean; axis?: string }): ChartOptions {
  const axis = values.axis ?? "updates";
  if (!AXES.includes(axis as Axis)) {
    throw new UsageError(`--axis must be one of ${AXES.join(", ")}, not "${axis}"`);
  }
  return { logY: values["log-y"] ?? false, axis: axis as Axis };
}

async function writeSvg(path: string, svg: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeTextFile(path, svg);
  console.error(`wrote ${path}`);
}

/** `plot`: SVG to a file (one per plan with sweeps, unless overlaid), or to stdout. */
export const command: Command = {
  name: "plot",
  help: `Usage: deno task plot FILE... [--runs DIR...] [-o OUT.svg] [options]

Writes an SVG chart of the plan: learning rate, weight decay, batch size and the
stacked data mixture over updates, with phase boundaries and checkpoints marked.
Without -o the SVG goes to stdout. A recipe with sweeps writes one file per plan
into the directory -o names, unless --overlay draws them in one chart. A recipe
with branches is one chart: each branch continues from its recipe's checkpoint.

Several recipes are overlaid in one chart (every plan of each). --runs adds the
training and held-out loss, LR and throughput of runs of \`deno task run\` (their
metrics.jsonl), several runs compared on one chart; it may come without recipes.

Options:
  -o, --out PATH     output file (or directory, for sweeps)
  --runs DIR...      run directories to chart (everything up to the next flag)
  --overlay          one chart with every plan of a sweep
  --log-y            log scale on the LR and loss axes
  --axis AXIS        x axis: updates (default) or tokens
  --recipe NAME      which recipe of the file (when it defines several)
  -h, --help         show this help`,
  async run(args) {
    const { rest, runs } = splitRuns(args);
    const { values, positionals } = parseCommandArgs(rest, {
      out: { type: "string", short: "o" },
      recipe: { type: "string" },
      overlay: { type: "boolean" },
      "log-y": { type: "boolean" },
      axis: { type: "string" },
    });
    const options = chartOptions(values);
    if (!positionals.length && !runs.length) throw new UsageError("Expected a recipe file or --runs DIR");
    const plans: Plan[] = [];
    for (const file of positionals) {
      const compiled = await compileForCommand(file, { recipe: values.recipe });
      if (!compiled) return EXIT.errors;
      plans.push(...compiled);
    }
    // A recipe and its branches, each branch drawn from the recipe's checkpoint, make one chart.
    const branched = plans.slice(1).every((plan) => plans.some((p) => p.name === plan.init?.recipe));
    const together = runs.length > 0 || positionals.length > 1 || values.overlay || branched;
    if (together) {
      const series = await Promise.all(runs.map(readRun));
      const svg = renderPanels([
        ...runPanels(series, options),
        ...planPanels(plans, options),
      ]);
      if (values.out) await writeSvg(values.out, svg);
      else console.log(svg);
      return EXIT.ok;
    }
    if (!values.out) {
      console.log(plans.map((p) => plotPlan(p, options)).join("\n"));
      return EXIT.ok;
    }
    const dir = outputDirectory(values.out, plans.length, ".svg");
    for (const plan of plans) {
      await writeSvg(
        join(dir, safeFileName(`${plan.name}.svg`, "output file name")),
        plotPlan(plan, options),
      );
    }
    return EXIT.ok;
  },
};
