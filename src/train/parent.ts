/**
 * Continual pretraining: finding and checking the parent run's checkpoint that a plan with `init` starts
 * from.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { join } from "node:path";
import type { Plan } from "../plan/schema.ts";
import { loadCheckpoint, type LoadedCheckpoint, NoCheckpointError } from "./checkpoint/checkpoint.ts";

/** The default checkpoint directory of a plan's parent: runs/<parent>/checkpoints/<checkpoint>. */
export function defaultParentDir(plan: Plan, runsDir = "runs"): string {
  if (!plan.init) throw new InputError(`Plan "${plan.name}" has no parent checkpoint ('init' is null)`);
  return join(runsDir, plan.init.recipe, "checkpoints", plan.init.checkpoint);
}

/** The parent's checkpoint with the warnings found while checking it against the plan. */
export interface ParentCheckpoint {
  dir: string;
  checkpoint: LoadedCheckpoint;
  warnings: string[];
}

/**
 * Loads the checkpoint `dir` (default `defaultParentDir(plan)`) that `plan.init` names and checks its
 * plan hash against `plan.init.planHash`: a mismatch is a warning, or an error with `strict`. A missing
 * parent is an error that says which command to run first (with `--proxy proxy` for a proxy run).
 */
export async function loadParent(
  plan: Plan,
  options: { dir?: string; strict?: boolean; proxy?: string } = {},
): Promise<ParentCheckpoint> {
  const init = plan.init;
  if (!init) throw new InputError(`Plan "${plan.name}" has no parent checkpoint ('init' is null)`);
  const dir = options.dir ?? defaultParentDir(plan);
  const parentFile = plan.sources.find((s) => s.recipe === init.recipe)?.origin.file;
  let checkpoint: LoadedCheckpoint;
  try {
    checkpoint = await loadCheckpoint(dir);
  } catch (error) {
    if (!(error instanceof NoCheckpointError)) throw error;
    throw new InputError(
      `Recipe "${plan.name}" starts from checkpoint "${init.checkpoint}" of "${init.recipe}", but "${dir}" ` +
        `holds no checkpoint: run the parent first (deno task run ${
          parentFile ?? `<the file of "${init.recipe}">`
        }), ` +
        "or point --init at its checkpoint directory",
    );
  }
  const warnings: string[] = [];
  const found = checkpoint.state.recipePlanHash;
  if (found !== init.planHash) {
    const message = `The parent checkpoint "${dir}" was made by another version of "${init.recipe}" ` +
      `(plan hash "${found.slice(0, 12)}", the recipe expects "${init.planHash.slice(0, 12)}"): ` +
      "rerun the parent to start from what the recipe says";
    if (options.strict) throw new InputError(message);
    warnings.push(message);
  }
  if (!checkpoint.state.names.includes(init.checkpoint)) {
    const message = `The parent checkpoint "${dir}" is "${checkpoint.state.names.join('", "')}" ` +
      `(step ${checkpoint.state.step}), not "${init.checkpoint}" as the recipe says (step ${init.step})`;
    if (options.strict) throw new InputError(message);
    warnings.push(message);
  }
  return { dir, checkpoint, warnings };
}
