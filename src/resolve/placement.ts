/**
 * Placing a recipe's schedules in updates: its batch and context schedules first (they set how many samples
 * and tokens each update consumes), then the LR's phases against those rates, and the rates every other
 * position of the recipe is measured with.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Timelines } from "../plan/schema.ts";
import { RateMap } from "../plan/rates.ts";
import type { RecipeContext } from "./context.ts";
import type { Located } from "./effective.ts";
import type { MixtureScope } from "./mixtures.ts";
import { placeRateTimelines } from "./rate_timelines.ts";
import { type PlacedSchedule, placeSchedule, type ScheduleStart } from "./timeline.ts";
import { checkScheduledOnce, type TimelineBases } from "./timelines.ts";

/** The placed LR schedule, the plan's rates, and its batch and context schedules (if any). */
export interface Placement {
  schedule: PlacedSchedule;
  rates: RateMap;
  timelines: Pick<Timelines, "batch" | "context">;
}

/**
 * Places the LR schedule `schedule` of a recipe, after its batch and context schedules when it has them;
 * null after a diagnostic.
 */
export function placeRecipe(
  mixtures: MixtureScope,
  schedule: Located<(A.PhaseDecl | A.CyclesDecl)[]>,
  start: ScheduleStart,
  bases: TimelineBases,
): Placement | null {
  const context: RecipeContext = mixtures.context;
  const timelines = context.effective.timelines;
  if (!checkScheduledOnce(context, schedule, timelines)) return null;
  const rated = timelines.has("batch") || timelines.has("context")
    ? placeRateTimelines(context, timelines, bases, start.budget)
    : undefined;
  if (rated === null) return null;
  const placed = placeSchedule(mixtures, schedule, start, rated?.rates);
  if (!placed) return null;
  const rates = rated?.rates ?? RateMap.of(
    placed.timeline.phases.map((p) => ({
      start: p.start,
      end: p.end,
      offset: p.slot.phase.node.inclusive ? 1 as const : 0 as const,
      batch: placed.templates.get(p.slot.phase.node)!.batch,
    })),
    start.context,
  );
  return { schedule: placed, rates, timelines: rated?.timelines ?? {} };
}
