/**
 * Resolving `checkpoint` statements to named update indices, for a phase or for the whole recipe.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Checkpoint } from "../plan/schema.ts";
import { type BudgetUnit, type Measured, roundHalfUp } from "./durations.ts";
import { FILE_NAME_HINT, fileNameProblem } from "../diagnostics/file_name.ts";
import { originOf, type RecipeContext, recipeNameAt, report } from "./context.ts";
import type { RateMap } from "../plan/rates.ts";
import type { Located } from "./effective.ts";
import type { ValueReader } from "./values.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import { formatCount } from "../diagnostics/format_number.ts";
import type { SourceText } from "../diagnostics/source_text.ts";

/** The most checkpoints one `checkpoint every` may make. */
export const MAX_CHECKPOINTS = 10_000;

/** A checkpoint with the statement that made it, for error locations. */
export type PendingCheckpoint = Checkpoint & { at: Located<{ span: A.Span }> };

/** What a checkpoint statement's positions refer to: a phase, or the whole plan. */
export interface CheckpointFrame {
  start: number;
  end: number;
  /** An absolute update index for a position written in the statement (a % is of the frame). */
  toStep(position: Measured): number;
  /** Default names for `at start` / `at end`: `<prefix>-start`, or plain `start` without a prefix. */
  prefix: string | null;
  /** Appended to given names (a phase inside `cycles` checkpoints once per repetition). */
  suffix: string;
}

/** The checkpoints one statement makes, or none after a diagnostic. */
export function resolveCheckpoint(
  stmt: Located<A.CheckpointStmt>,
  frame: CheckpointFrame,
  read: ValueReader,
  originOf: (source: SourceText, span: A.Span) => Checkpoint["origin"],
): PendingCheckpoint[] {
  const { node, source } = stmt;
  const make = (name: string, step: number): PendingCheckpoint => ({
    name,
    step,
    origin: originOf(source, node.span),
    at: stmt,
  });
  const given = node.name === null ? null : node.name + frame.suffix;
  if (node.at === "start" || node.at === "end") {
    const name = given ?? (frame.prefix ? `${frame.prefix}-${node.at}` : node.at);
    return [make(name, node.at === "start" ? frame.start : frame.end)];
  }
  const m = read.measure({ node: node.at ?? node.every!, source }, "the checkpoint position", [
    "%",
    "steps",
    "tokens",
    "samples",
  ]);
  if (!m) return [];
  if (node.at) {
    const step = frame.toStep(m);
    if (step < frame.start || step > frame.end) {
      const where = frame.prefix ? `phase "${frame.prefix}"` : "the plan";
      read.diagnostics.push(
        diagnostic(
          "R0021",
          source,
          node.span,
          `Checkpoint at update ${step} lies outside ${where}, which covers updates ${frame.start} to ${frame.end}`,
          frame.prefix
            ? "move it into the phase, or write it at recipe level"
            : "checkpoints lie between update 0 and the last",
        ),
      );
      return [];
    }
    return [make(given ?? `step-${step}`, step)];
  }
  const made: PendingCheckpoint[] = [];
  for (let j = 1, previous = frame.start;; j++) {
    const step = frame.toStep({ value: m.value * j, unit: m.unit });
    if (step >= frame.end) return made;
    if (step <= previous) {
      read.diagnostics.push(
        diagnostic(
          "R0008",
          source,
          node.span,
          `Checkpoints this often fall less than one update apart (${
            j > 1 ? `update ${step} twice` : `the first at update ${step}, where they start`
          })`,
          "checkpoint at most once per update",
        ),
      );
      return [];
    }
    previous = step;
    if (j > MAX_CHECKPOINTS) {
      read.diagnostics.push(
        diagnostic(
          "R0009",
          source,
          node.span,
          `This makes more than ${formatCount(MAX_CHECKPOINTS)} checkpoints`,
          "checkpoint less often",
        ),
      );
      return [];
    }
    made.push(make(given ? `${given}-${step}` : `step-${step}`, step));
  }
}

/** The frame of positions written at recipe level: the whole plan; a position in % is of the budget. */
export function recipeFrame(
  rates: RateMap,
  budget: { unit: BudgetUnit; value: number },
  steps: number,
): CheckpointFrame {
  return {
    start: 0,
    end: steps,
    toStep: (m) =>
      roundHalfUp(
        m.unit === "%"
          ? rates.updatesFor((m.value / 100) * budget.value, budget.unit)
          : rates.updatesFor(m.value, m.unit as BudgetUnit),
      ),
    prefix: null,
    suffix: "",
  };
}

/** The checkpoints of the recipe's own `checkpoint` statements, in the recipe's frame (`recipeFrame`). */
export function recipeCheckpoints(context: RecipeContext, frame: CheckpointFrame): PendingCheckpoint[] {
  return context.effective.checkpoints.flatMap((stmt) =>
    resolveCheckpoint(stmt, frame, context.read, originOf)
  );
}

/**
 * The plan's checkpoints by name, `final` (after the last update) last: a checkpoint may not be named
 * `final` or nothing (R0004), nor with a name a directory cannot have (R0025), nor share its name with a
 * checkpoint at another step (R0004). Each problem is reported and the checkpoint left out.
 */
export function nameCheckpoints(
  context: RecipeContext,
  pending: PendingCheckpoint[],
  steps: number,
): Checkpoint[] {
  const diagnostics = context.diagnostics;
  const byName = new Map<string, Checkpoint>();
  for (const { at, ...checkpoint } of pending) {
    if (checkpoint.name === "final" || checkpoint.name === "") {
      report(
        diagnostics,
        "R0004",
        at,
        checkpoint.name
          ? 'The checkpoint name "final" is reserved for the weights after the last update'
          : "A checkpoint name cannot be empty",
        "choose another name",
      );
      continue;
    }
    const problem = fileNameProblem(checkpoint.name);
    if (problem) {
      report(
        diagnostics,
        "R0025",
        at,
        `The checkpoint name ${JSON.stringify(checkpoint.name)} names a directory of the run, but ${problem}`,
        FILE_NAME_HINT,
      );
      continue;
    }
    const other = byName.get(checkpoint.name);
    if (other && other.step !== checkpoint.step) {
      report(
        diagnostics,
        "R0004",
        at,
        `Checkpoint name "${checkpoint.name}" is used twice (steps ${other.step} and ${checkpoint.step})`,
        "give each checkpoint its own name",
      );
      continue;
    }
    byName.set(checkpoint.name, checkpoint);
  }
  const home = recipeNameAt(context.effective);
  byName.set("final", { name: "final", step: steps, origin: originOf(home.source, home.node.span) });
  return [...byName.values()];
}
