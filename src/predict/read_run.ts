/**
 * A loss curve from a run of the built-in trainer: runs/X/metrics.jsonl with the plan it followed,
 * runs/X/plan.json.
 * @module
 */
import { join } from "node:path";
import { InputError } from "../diagnostics/input_error.ts";
import { Plan } from "../plan/schema.ts";
import { lrHistory } from "./lr_history.ts";
import type { LossCurve, LossPoint } from "./loss_curve.ts";

/** What a curve reads of a line of metrics.jsonl (the trainer writes more). */
export interface MetricsRecord {
  /** The update (from 0) whose training loss this is: measured after `step` updates. */
  step: number;
  loss: number;
  /** Held-out loss per source of the weights after update `step`. */
  heldOut?: Record<string, number>;
}

/** The records of a metrics.jsonl text; lines that are not records (a torn last line) are skipped. */
export function parseMetrics(text: string): MetricsRecord[] {
  return text.split("\n").flatMap((line) => {
    try {
      const value = JSON.parse(line);
      return value && Number.isSafeInteger(value.step) && typeof value.loss === "number" ? [value] : [];
    } catch {
      return [];
    }
  });
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new InputError(`"${path}" does not exist: ${what}`);
    throw new InputError(`"${path}" cannot be read (${(error as Error).message})`);
  }
}

/** The plan of plan.json text, or a one-line error naming the file and the first problem. */
function parsePlan(path: string, text: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`"${path}" is not JSON (${(error as Error).message})`);
  }
  const result = Plan.safeParse(Array.isArray(value) ? value[0] : value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(`"${path}" is not a valid plan: ${issue.message} at "${issue.path.join(".")}"`);
  }
  return result.data;
}

/** Which loss of metrics.jsonl a curve follows: the training loss, or the held-out loss (mean or one source). */
export type RunMetric = "loss" | "held-out" | `held-out:${string}`;

/** The points of `metric` in `records`: training losses after `step` updates, held-out after `step + 1`. */
export function metricPoints(records: MetricsRecord[], metric: RunMetric, file: string): LossPoint[] {
  if (metric === "loss") return records.map((r) => ({ updates: r.step, loss: r.loss }));
  const source = metric.startsWith("held-out:") ? metric.slice("held-out:".length) : undefined;
  return records.filter((r) => r.heldOut).map((r) => {
    const values = source === undefined ? Object.values(r.heldOut!) : [r.heldOut![source]];
    if (values.some((v) => v === undefined)) {
      throw new InputError(
        `"${file}" has no held-out loss for source "${source}"; its sources: ${
          Object.keys(r.heldOut!).join(", ")
        }`,
      );
    }
    return { updates: r.step + 1, loss: values.reduce((s, v) => s + v, 0) / values.length };
  });
}

/**
 * Reads the run in `dir` as a curve of `metric` (default the training loss). A run that continues from a
 * parent needs the parent's plan among `parents`.
 *
 * @example
 * ```ts
 * import { readRunCurve } from "./read_run.ts";
 * const { curve, plan } = await readRunCurve("tests/testdata/predict/wsd");
 * console.assert(plan.steps === 300 && curve.points[0].updates === 1); // training loss after 1 update, ...
 * ```
 */
export async function readRunCurve(
  dir: string,
  options: { metric?: RunMetric; parents?: Plan[] } = {},
): Promise<{ curve: LossCurve; plan: Plan }> {
  const metricsFile = join(dir, "metrics.jsonl");
  const what = "a run directory of `deno task run` holds metrics.jsonl and plan.json";
  const records = parseMetrics(await readText(metricsFile, what));
  const plan = parsePlan(join(dir, "plan.json"), await readText(join(dir, "plan.json"), what));
  const points = metricPoints(records, options.metric ?? "loss", metricsFile);
  if (points.length === 0) {
    throw new InputError(
      `"${metricsFile}" has no ${options.metric ?? "loss"} records: is the run empty or cut short?`,
    );
  }
  const history = lrHistory(plan, options.parents);
  const shifted = points.map((p) => ({ updates: p.updates + history.offset, loss: p.loss }));
  return { curve: { name: dir.replace(/\/+$/, ""), history, points: shifted }, plan };
}
