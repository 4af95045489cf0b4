/**
 * The parent of a continual-pretraining recipe (`recipe "b" from "a" at "ckpt"`, or a `branch "b" at "ckpt"`
 * inside "a"): the checkpoint training starts from, the LR there and the mixture its last update used (what
 * `replay` stands for).
 * @module
 */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import type { Init, Plan } from "../plan/schema.ts";
import { evaluate } from "../plan/evaluate.ts";
import { planHash } from "../plan/hash.ts";
import { originOf, type RecipeContext, report } from "./context.ts";

/** What compiling a parent recipe on its own gave: its plan (null after errors), its errors, its sweeps. */
export interface ParentOutcome {
  plan: Plan | null;
  /** The errors (not warnings) of the parent, reported again at every child. */
  errors: Diagnostic[];
  /** Whether the parent uses a sweep, and so has no single checkpoint to start from. */
  swept: boolean;
}

/**
 * The plans of parent recipes, by name. The compilation provides it (it alone can lower a plan) and
 * compiles each parent once, whatever the number of children and sweep choices asking for it.
 */
export interface ParentPlans {
  /** The outcome of compiling recipe `name` of the same program on its own. */
  outcome(name: string): Promise<ParentOutcome>;
}

/** The parent a recipe starts from: its plan, where training starts, and the mixture `replay` repeats. */
export interface ResolvedParent {
  plan: Plan;
  init: Init;
  /** The mixture of the parent's update before the checkpoint. */
  replayMix: Record<string, number>;
}

/**
 * The parent of the recipe of `context`: undefined when it has none, null after a diagnostic (the parent's
 * own errors, a parent with sweeps (R0023), or a checkpoint the parent does not have (R0017)).
 */
export async function resolveParent(
  context: RecipeContext,
  parents: ParentPlans,
): Promise<ResolvedParent | null | undefined> {
  const from = context.effective.init;
  if (!from) return undefined;
  const parentName = from.parent.recipe.name;
  const refAt = { node: from.ref, source: from.source };
  const outcome = await parents.outcome(parentName);
  context.diagnostics.push(...outcome.errors);
  if (outcome.swept) {
    reportSweptParent(context, parentName);
    return null;
  }
  const plan = outcome.plan;
  if (!plan) return null;
  const named = [...plan.checkpoints, ...plan.averages ?? [], ...plan.ema ? [plan.ema] : []];
  const checkpoint = named.find((c) => c.name === from.ref.checkpoint);
  if (!checkpoint) {
    const names = named.map((c) => c.name);
    report(
      context.diagnostics,
      "R0017",
      refAt,
      `Recipe "${parentName}" has no checkpoint "${from.ref.checkpoint}"`,
      didYouMean(from.ref.checkpoint!, names) ??
        `its checkpoints are ${names.map((n) => `"${n}"`).join(", ")}`,
    );
    return null;
  }
  const before = evaluate(plan, Math.max(0, checkpoint.step - 1));
  const init: Init = {
    recipe: parentName,
    checkpoint: checkpoint.name,
    step: checkpoint.step,
    planHash: await planHash(plan),
    lr: before.lr,
    origin: originOf(from.source, from.ref.span),
  };
  return { plan, init, replayMix: plan.phases[before.phase].mix };
}

/** Reports that the parent has sweeps: R0032 at a branch's name, R0023 at a `from` recipe's parent. */
function reportSweptParent(context: RecipeContext, parentName: string): void {
  const from = context.effective.init!;
  const branch = from.child.recipe.branchOf;
  if (!branch) {
    report(
      context.diagnostics,
      "R0023",
      { node: from.ref, source: from.source },
      `Parent recipe "${parentName}" has sweeps, so it has no single checkpoint to start from`,
      "start from a recipe without sweeps",
    );
    return;
  }
  report(
    context.diagnostics,
    "R0032",
    { node: { span: from.child.recipe.nameSpan }, source: from.source },
    `Recipe "${parentName}" has sweeps, so its branch "${branch.name}" has no single checkpoint to start from`,
    "give the recipe one value for each swept setting; a branch may sweep its own settings",
  );
}
