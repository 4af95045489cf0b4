/**
 * Carrying the plan's named checkpoints to a trainer: the checkpoints themselves, the save interval that
 * saves every one of them (the greatest common divisor of their updates), and the notes that say what the
 * trainer will save, so that no checkpoint is dropped silently.
 * @module
 */
import type { Checkpoint, Plan } from "../plan/schema.ts";

/**
 * The plan's named checkpoints other than "final" (the end of training, which every trainer saves when it
 * saves at all), in update order.
 *
 * @example
 * ```ts
 * import { namedCheckpoints } from "./_checkpoints.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * console.assert(namedCheckpoints(plan).map((c) => `${c.name}@${c.step}`).join() === "pre-cooldown@625");
 * ```
 */
export function namedCheckpoints(plan: Plan): Checkpoint[] {
  return plan.checkpoints.filter((c) => c.name !== "final");
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** How a trainer that saves every `interval` updates carries the plan's named checkpoints. */
export interface SaveInterval {
  /**
   * Updates between saves: the gcd of the named checkpoints' updates, or the plan's length when there are
   * none or when the gcd would save more than `MAX_EXTRA_SAVES` times as often as the plan names.
   */
  interval: number;
  /** Whether the trainer saves exactly the named checkpoints (and the end), nothing else. */
  exact: boolean;
  /** How many saves the interval adds that the plan does not name. */
  extra: number;
  /** The named checkpoints at update 0 (the initial weights), which no interval saves. */
  atStart: Checkpoint[];
  /** Named checkpoints the interval does not save (the gcd was too fine to use). */
  missed: Checkpoint[];
}

/** Unnamed saves allowed per named checkpoint before the gcd interval is judged too fine. */
export const MAX_EXTRA_SAVES = 4;

/**
 * The save interval that saves every named checkpoint after update 0: a trainer saving when
 * `updates % interval == 0` (and at the end) then saves each of them, plus `extra` others. When that would
 * mean more than `MAX_EXTRA_SAVES` unnamed saves per named one (checkpoints at 946 and 1557: every update),
 * the interval is the plan's length and the checkpoints it misses are listed.
 *
 * @example
 * ```ts
 * import { saveInterval } from "./_checkpoints.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const save = saveInterval(plan); // one checkpoint, at update 625 of 781
 * console.assert(save.interval === 625 && save.exact && save.extra === 0);
 * ```
 */
export function saveInterval(plan: Plan): SaveInterval {
  const named = namedCheckpoints(plan);
  const atStart = named.filter((c) => c.step === 0);
  const steps = [...new Set(named.map((c) => c.step).filter((s) => s > 0 && s < plan.steps))];
  const none = { interval: plan.steps, exact: true, extra: 0, atStart, missed: [] };
  if (steps.length === 0) return none;
  const interval = steps.reduce(gcd);
  const extra = Math.floor((plan.steps - 1) / interval) - steps.length;
  if (extra > MAX_EXTRA_SAVES * steps.length) {
    return { ...none, exact: false, missed: named.filter((c) => c.step > 0 && c.step < plan.steps) };
  }
  return { interval, exact: extra === 0, extra, atStart, missed: [] };
}

/** `<target> <how>: the plan's checkpoints are "a" -> <where a>, ...`, or nothing without checkpoints. */
function whereNote(
  target: string,
  how: string,
  named: Checkpoint[],
  where: (c: Checkpoint) => string,
  extra = 0,
) {
  if (!named.length) return [];
  return [
    `${target} ${how}: the plan's checkpoints are ${
      named.map((c) => `${JSON.stringify(c.name)} -> ${where(c)}`).join(", ")
    }` + (extra ? `; ${extra} other saves in between are not named by the plan` : ""),
  ];
}

/**
 * Notes for a trainer that saves every `interval` updates: where each named checkpoint lands
 * (`where(checkpoint)`, e.g. "iter_0000625"), how many unnamed saves the interval adds, the checkpoints the
 * interval misses, and (unless the trainer saves its initial state) the checkpoints at update 0 that the
 * user must save before training.
 */
export function intervalNotes(
  target: string,
  plan: Plan,
  save: SaveInterval,
  where: (checkpoint: Checkpoint) => string,
  { savesInitial = false } = {},
): string[] {
  const named = namedCheckpoints(plan).filter((c) => c.step > 0 && !save.missed.includes(c));
  const how = save.interval >= plan.steps
    ? "saves at the end of training"
    : `saves every ${save.interval} updates`;
  const notes = whereNote(target, how, named, where, save.extra);
  if (save.missed.length) {
    notes.push(
      `warning: ${target} saves at multiples of one interval, and the plan's checkpoints ${
        save.missed.map((c) => `${JSON.stringify(c.name)} (update ${c.step})`).join(", ")
      } have no common interval that does not save ${MAX_EXTRA_SAVES}x as often: it saves only at the end ` +
        `(update ${plan.steps}); hf, olmo and deepspeed save at any update, or split the run at them`,
    );
  }
  return savesInitial ? notes : [...notes, ...startNotes(target, save.atStart)];
}

/**
 * Notes for a trainer that saves at exactly the plan's updates (`how`, e.g. "saves them with PlanTrainer's
 * callback"): where each named checkpoint lands, and (unless it saves its initial state) the checkpoints at
 * update 0 that the user must save before training.
 */
export function exactNotes(
  target: string,
  plan: Plan,
  how: string,
  where: (checkpoint: Checkpoint) => string,
  { savesInitial = false } = {},
): string[] {
  const named = namedCheckpoints(plan);
  const notes = whereNote(target, how, named.filter((c) => c.step > 0), where);
  return savesInitial ? notes : [...notes, ...startNotes(target, named.filter((c) => c.step === 0))];
}

/** Notes for checkpoints at update 0, which trainers do not save: the user saves the initial weights. */
export function startNotes(target: string, atStart: Checkpoint[]): string[] {
  return atStart.map((c) =>
    `warning: checkpoint ${
      JSON.stringify(c.name)
    } is the initial weights (update 0), which ${target} does not save: ` +
    "save the model yourself before training starts"
  );
}
