/**
 * The learning rates a model has been trained with, update by update from its initialisation: what a loss
 * law reads. A plan that continues from a parent checkpoint (`init`) has the parent's LRs up to that
 * checkpoint in front of its own.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import type { Plan } from "../plan/schema.ts";
import { scheduleTable } from "../schedule/table.ts";

/** The LR of every update since initialisation; `offset` is where the plan's own update 0 sits. */
export interface LrHistory {
  /** A name for messages and charts (the plan's). */
  name: string;
  /** `lr[k]` is the LR update k used, counted from the model's initialisation. */
  lr: Float64Array;
  /** Updates of the parents in front of the plan's own (0 without a parent). */
  offset: number;
}

/**
 * The LR history of `plan`: its schedule, after its parents' schedules up to the checkpoints it starts
 * from. `parents` are looked up by recipe name; a missing one is an error naming it.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { lrHistory } from "./lr_history.ts";
 * const { plans } = await compileFile("recipes/wsd.recipe");
 * const history = lrHistory(plans[0]);
 * console.assert(history.lr.length === plans[0].steps && history.offset === 0);
 * ```
 */
export function lrHistory(plan: Plan, parents: Plan[] = []): LrHistory {
  const own = scheduleTable(plan).lr;
  if (!plan.init) return { name: plan.name, lr: own, offset: 0 };
  const init = plan.init;
  const parent = parents.find((p) => p.name === init.recipe);
  if (!parent) {
    throw new InputError(
      `Plan "${plan.name}" continues from recipe "${init.recipe}" (checkpoint "${init.checkpoint}"), ` +
        `whose plan was not given: pass it with --parent (a run directory or a plan JSON file)`,
    );
  }
  const before = lrHistory(parent, parents.filter((p) => p !== parent));
  const cut = before.lr.subarray(0, before.offset + init.step);
  const lr = new Float64Array(cut.length + own.length);
  lr.set(cut);
  lr.set(own, cut.length);
  return { name: plan.name, lr, offset: cut.length };
}

/** The LR history of a schedule given as numbers, e.g. a logged LR column filled to every update. */
export function historyOf(name: string, lr: ArrayLike<number>): LrHistory {
  return { name, lr: Float64Array.from(lr), offset: 0 };
}
