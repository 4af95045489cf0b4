/**
 * Which columns of a loss log hold the step, the LR and the loss: named by the user, or recognised from
 * the names trainers and exporters use (W&B: "Step", "train/loss", "<run> - train/loss"; TensorBoard's
 * scalar export: "Wall time,Step,Value"; Hugging Face: "step", "loss", "learning_rate").
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";

/** The columns a log's curve is read from; `lr` is optional (it only checks the pairing). */
export interface LogColumns {
  step: string;
  loss: string;
  lr?: string;
}

/** Column names given by the user (flags), each optional. */
export type ColumnNames = Partial<LogColumns>;

const KNOWN = {
  step: ["step", "_step", "global_step", "trainer/global_step", "train/global_step", "iteration", "iter"],
  loss: ["loss", "train/loss", "train_loss", "training_loss", "lm loss", "value"],
  lr: ["lr", "learning_rate", "train/learning_rate", "train/lr", "lr-adamw", "learning-rate"],
} as const;

/** W&B names a column "<run> - <metric>" and adds "__MIN"/"__MAX" companions. */
const metricOf = (column: string) => column.split(" - ").at(-1)!.trim().toLowerCase();

function detect(columns: string[], kind: keyof typeof KNOWN): string[] {
  const usable = columns.filter((c) => !/__(MIN|MAX)$/.test(c));
  const known: readonly string[] = KNOWN[kind];
  const exact = usable.filter((c) => known.includes(metricOf(c)));
  if (exact.length || kind === "step") return exact;
  const loose = kind === "loss"
    ? usable.filter((c) => /loss$/.test(metricOf(c)))
    : usable.filter((c) => /(^|[\/_ -])(lr|learning_rate)([\/_ -]|$)/.test(metricOf(c)));
  const training = loose.filter((c) => /train/.test(metricOf(c)));
  return training.length ? training : loose;
}

/**
 * The step, loss and LR columns of a log with `columns` as its header, `named` taking precedence.
 * A missing or ambiguous column is an error naming the file, the columns there are, and the flag to use.
 *
 * @example
 * ```ts
 * import { logColumns } from "./log_columns.ts";
 * const columns = logColumns("tb.csv", ["Wall time", "Step", "Value"]);
 * console.assert(columns.step === "Step" && columns.loss === "Value" && columns.lr === undefined);
 * ```
 */
export function logColumns(file: string, columns: string[], named: ColumnNames = {}): LogColumns {
  const pick = (kind: keyof LogColumns, flag: string, required: boolean) => {
    const wanted = named[kind];
    if (wanted !== undefined) {
      if (columns.includes(wanted)) return wanted;
      throw new InputError(`"${file}" has no column "${wanted}" (${flag}); its columns: ${list(columns)}`);
    }
    const found = detect(columns, kind as keyof typeof KNOWN);
    if (found.length === 1 || (found.length > 1 && !required)) return found[0];
    if (!required && found.length === 0) return undefined;
    const what = found.length ? `several ${kind} columns (${list(found)})` : `no ${kind} column`;
    throw new InputError(
      `"${file}" has ${what}; its columns: ${list(columns)}: name the one to use with ${flag}`,
    );
  };
  return {
    step: pick("step", "--step-column", true)!,
    loss: pick("loss", "--loss-column", true)!,
    lr: pick("lr", "--lr-column", false),
  };
}

const list = (names: string[]) => names.length ? names.map((n) => `"${n}"`).join(", ") : "(none)";
