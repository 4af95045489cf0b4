/**
 * A loss curve from another trainer's log (CSV, or JSON lines), paired with the plan of the recipe that
 * produced it: the plan gives the LR of every update, the log the losses. A logged LR column, when there is
 * one, is checked against the plan, so that a log paired with the wrong recipe is refused.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { extname } from "node:path";
import type { Plan } from "../plan/schema.ts";
import { parseCsv, parseJsonLines, type Table } from "./csv_table.ts";
import { type ColumnNames, logColumns } from "./log_columns.ts";
import { type LrHistory, lrHistory } from "./lr_history.ts";
import type { LossCurve } from "./loss_curve.ts";

/** One row of a log: the step as logged, the loss, and the LR if logged. */
interface Row {
  step: number;
  loss: number;
  lr: number;
}

function rowsOf(file: string, table: Table, named: ColumnNames): Row[] {
  const columns = logColumns(file, table.columns, named);
  const index = (name?: string) => (name === undefined ? -1 : table.columns.indexOf(name));
  const [s, l, r] = [index(columns.step), index(columns.loss), index(columns.lr)];
  const number = (
    text: string | undefined,
  ) => (text === undefined || text.trim() === "" ? NaN : Number(text));
  const rows = table.rows
    .map((row) => ({ step: number(row[s]), loss: number(row[l]), lr: r < 0 ? NaN : number(row[r]) }))
    .filter((row) => Number.isFinite(row.step) && Number.isFinite(row.loss))
    .sort((a, b) => a.step - b.step);
  if (rows.length === 0) {
    throw new InputError(
      `"${file}" has no row with both a step ("${columns.step}") and a loss ("${columns.loss}")`,
    );
  }
  return rows;
}

/** Refuses a log whose LR column does not follow the plan (allowing for a step counted from 1). */
function checkLr(file: string, rows: Row[], history: LrHistory, plan: Plan): void {
  const logged = rows.filter((row) => Number.isFinite(row.lr));
  if (logged.length === 0) return;
  const peak = history.lr.reduce((a, b) => Math.max(a, b), 0);
  const at = (row: Row, shift: number) => history.lr[history.offset + Math.round(row.step) + shift];
  const close = (a: number, b: number | undefined) =>
    b !== undefined && Math.abs(a - b) <= 1e-3 * peak + 0.02 * Math.abs(b);
  const best = [0, -1, 1].map((shift) => ({
    shift,
    ok: logged.filter((row) => close(row.lr, at(row, shift))),
  }))
    .reduce((a, b) => (b.ok.length > a.ok.length ? b : a));
  if (best.ok.length >= 0.9 * logged.length) return;
  const bad = logged.find((row) => !close(row.lr, at(row, best.shift)))!;
  throw new InputError(
    `"${file}": its LR column does not follow plan "${plan.name}": at step ${bad.step} it logs ${bad.lr}, ` +
      `the plan has ${at(bad, best.shift) ?? "no update"} (pair the log with the recipe that produced it)`,
  );
}

/**
 * Reads the log `file` (CSV, or JSON lines for .jsonl/.json) as a curve of `plan`'s schedule. The log's
 * step is the number of updates done when the loss was measured.
 *
 * @example
 * ```ts
 * import { readLogCurve } from "./read_log.ts";
 * import { readRunCurve } from "./read_run.ts";
 * const { plan } = await readRunCurve("tests/testdata/predict/wsd");
 * const curve = await readLogCurve("tests/testdata/predict/logs/wandb_export.csv", plan);
 * console.assert(curve.points.length === 30 && curve.points[0].updates === 1);
 * ```
 */
export async function readLogCurve(
  file: string,
  plan: Plan,
  options: { columns?: ColumnNames; parents?: Plan[] } = {},
): Promise<LossCurve> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new InputError(`"${file}" does not exist`);
    throw new InputError(`"${file}" cannot be read (${(error as Error).message})`);
  }
  if (text.trim() === "") {
    throw new InputError(`"${file}" is empty: expected a header row and rows of step, loss (and lr)`);
  }
  const json = [".jsonl", ".json", ".ndjson"].includes(extname(file).toLowerCase());
  const rows = rowsOf(file, json ? parseJsonLines(text) : parseCsv(text), options.columns ?? {});
  const history = lrHistory(plan, options.parents);
  const steps = plan.steps;
  const beyond = rows.find((row) => row.step > steps);
  if (beyond) {
    throw new InputError(
      `"${file}" logs step ${beyond.step}, beyond the ${steps} updates of plan "${plan.name}" ` +
        "(pair the log with the recipe that produced it)",
    );
  }
  checkLr(file, rows, history, plan);
  const points = rows.map((row) => ({ updates: history.offset + row.step, loss: row.loss }));
  return { name: file, history, points };
}
