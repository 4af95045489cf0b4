/**
 * The difference of two plans: settings, phases, and update by update where the LR, weight decay, batch
 * and mixture first diverge and by how much.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { SCHEDULED_COLUMNS, scheduleTable } from "../schedule/table.ts";
import {
  areaBetween,
  columnDivergence,
  type Divergence,
  type MixDivergence,
  mixDivergence,
} from "./divergence.ts";
import { type PhaseChange, phaseChanges } from "./phase_changes.ts";
import { type SettingChange, settingChanges } from "./settings.ts";

/** Everything `diff` reports about two plans. */
export interface PlanDiff {
  a: Plan;
  b: Plan;
  settings: SettingChange[];
  phases: PhaseChange[];
  lr: Divergence | null;
  /** The area between the LR curves (LR x updates) over the updates both plans have. */
  lrArea: number;
  weightDecay: Divergence | null;
  batch: Divergence | null;
  /** Context, betas and clip: compared when either plan schedules them (else both are constant settings). */
  scheduled: { name: (typeof SCHEDULED_COLUMNS)[number]; divergence: Divergence }[];
  mix: MixDivergence | null;
  /** Whether the plans are the same: no setting but their names differs, nor any phase or update. */
  identical: boolean;
}

/**
 * Compares plan A with plan B.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { diffPlans } from "./plan_diff.ts";
 * const { plans } = await compileFile("recipes/sweep.recipe");
 * diffPlans(plans[0], plans[1]).lr?.first; // the first update whose LR differs
 * ```
 */
export function diffPlans(a: Plan, b: Plan): PlanDiff {
  const [ta, tb] = [scheduleTable(a), scheduleTable(b)];
  const settings = settingChanges(a, b);
  const phases = phaseChanges(a.phases, b.phases);
  const diff = {
    a,
    b,
    settings,
    phases,
    lr: columnDivergence(ta.lr, tb.lr),
    lrArea: areaBetween(ta.lr, tb.lr),
    weightDecay: columnDivergence(ta.weightDecay, tb.weightDecay),
    batch: columnDivergence(ta.batch, tb.batch),
    scheduled: SCHEDULED_COLUMNS.flatMap((name) => {
      if (!a.timelines?.[name] && !b.timelines?.[name]) return [];
      const [ca, cb] = [ta[name], tb[name]];
      const divergence = ca && cb ? columnDivergence(ca, cb) : null;
      return divergence ? [{ name, divergence }] : [];
    }),
    mix: mixDivergence(a, ta, b, tb),
  };
  const identical = settings.every((s) => s.key === "name" || s.key.startsWith("sweep.")) &&
    phases.length === 0 && !diff.lr && !diff.weightDecay && !diff.batch && !diff.scheduled.length &&
    !diff.mix;
  return { ...diff, identical };
}
