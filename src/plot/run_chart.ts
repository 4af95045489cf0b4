/**
 * The chart of training runs: training and held-out loss, learning rate and throughput of each run, several
 * runs overlaid, from the records of their metrics.jsonl.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { type Marker, PALETTE, type Panel, renderPanels, type Series } from "./chart.ts";
import { axisLabel, type ChartOptions } from "./axis.ts";

/** What the chart reads of a metrics.jsonl record; anything missing or not finite is left out. */
export interface RunRecord {
  step: number;
  tokens?: number;
  lr?: number;
  loss?: number;
  tokensPerSecond?: number;
  heldOut?: Record<string, number>;
}

/** One run: its name, its records, and the plan it followed (for its checkpoints), when known. */
export interface RunSeries {
  name: string;
  records: RunRecord[];
  plan?: Plan | null;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function meanHeldOut(record: RunRecord): number | undefined {
  const values = Object.values(record.heldOut ?? {}).filter(finite);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

/** The x of a record: its update, or the tokens trained on (read from the record). */
function xOf(record: RunRecord, options: ChartOptions): number | undefined {
  return options.axis === "tokens" ? record.tokens : record.step;
}

function series(run: RunSeries, options: ChartOptions, y: (r: RunRecord) => number | undefined): Series {
  const points: [number, number][] = [];
  for (const record of run.records) {
    const [x, value] = [xOf(record, options), y(record)];
    if (finite(x) && finite(value)) points.push([x, value]);
  }
  points.sort((a, b) => a[0] - b[0]);
  return { name: run.name, points };
}

/** The checkpoints of each run's plan, on the x axis of the chart (tokens from the records near them). */
function checkpointMarkers(runs: RunSeries[], options: ChartOptions): Marker[] {
  return runs.flatMap((run, i) =>
    (run.plan?.checkpoints ?? []).flatMap((c): Marker[] => {
      const near = run.records.find((r) => r.step >= c.step - 1);
      const x = options.axis === "tokens" ? near?.tokens : c.step;
      if (!finite(x)) return [];
      const label = `checkpoint "${c.name}" after update ${c.step} (${run.name})`;
      return [{ x, label, kind: "checkpoint", color: PALETTE[i % PALETTE.length] }];
    })
  );
}

/**
 * An SVG of the runs' training loss, held-out loss (mean over sources, when any run evaluated), learning
 * rate and throughput, one line per run. Records with missing or non-finite values are skipped, so a run
 * still being written (or a damaged line) draws what it has.
 *
 * @example
 * ```ts
 * import { plotRuns } from "./run_chart.ts";
 * const records = [0, 1, 2].map((step) => ({ step, tokens: 128 * (step + 1), lr: 1e-3, loss: 5 - step }));
 * const svg = plotRuns([{ name: "a", records }], { logY: true });
 * console.assert(svg.includes("training loss"));
 * ```
 */
export function plotRuns(runs: RunSeries[], options: ChartOptions = {}): string {
  return renderPanels(runPanels(runs, options));
}

/** The panels of {@link plotRuns}, to stack with others (the plans') in one document; none for no runs. */
export function runPanels(runs: RunSeries[], options: ChartOptions = {}): Panel[] {
  if (!runs.length) return [];
  const xs = runs.flatMap((run) => run.records.map((r) => xOf(r, options)).filter(finite));
  const x: [number, number] = [0, Math.max(1, ...xs)];
  const xLabel = axisLabel(options.axis);
  const markers = checkpointMarkers(runs, options);
  const panel = (title: string, y: (r: RunRecord) => number | undefined, logY = false): Panel => ({
    title,
    xLabel,
    x,
    lines: runs.map((run) => series(run, options, y)),
    markers,
    logY,
  });
  const panels = [panel("training loss", (r) => r.loss, options.logY)];
  if (runs.some((run) => run.records.some((r) => meanHeldOut(r) !== undefined))) {
    panels.push(panel("held-out loss (mean over sources)", meanHeldOut, options.logY));
  }
  panels.push(panel("learning rate", (r) => r.lr), panel("throughput (tokens/s)", (r) => r.tokensPerSecond));
  return panels;
}
