/**
 * The resolve stage: one recipe of a loaded program, under one sweep choice, to a {@link ResolvedRecipe},
 * reporting every problem of the language on the way. Its steps, in order, each in its own module:
 * inheritance ({@link effectiveRecipe}), the parent checkpoint (parent.ts), the optimizer, batch, model and
 * budget (settings.ts), the parameter groups (groups.ts), the sources and mixtures (mixtures.ts), the
 * placement of the schedules (placement.ts), the phases (phases.ts), the checkpoints (checkpoints.ts), the
 * averages and EMA (averages.ts, ema.ts), the schedules of weight decay, betas, clip and EMA decay
 * (timelines.ts) and warnings (warnings.ts).
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { SourceText } from "../diagnostics/source_text.ts";
import type { Program } from "../check/load.ts";
import { Scope } from "../check/scope.ts";
import { errorCount, hasNewErrors, type RecipeContext, recipeNameAt, reportMissing } from "./context.ts";
import { effectiveRecipe } from "./effective.ts";
import { ValueReader } from "./values.ts";
import { type ParentPlans, resolveParent } from "./parent.ts";
import { readBatch, readBudget, readModel, readModelNumber, readOptimizer } from "./settings.ts";
import { baseMixture, type MixtureScope, readSources } from "./mixtures.ts";
import { placeRecipe } from "./placement.ts";
import { resolveOtherTimelines, type TimelineBases } from "./timelines.ts";
import { resolvePhases } from "./phases.ts";
import { nameCheckpoints, recipeCheckpoints, recipeFrame } from "./checkpoints.ts";
import { resolveAverages } from "./averages.ts";
import { resolveEma } from "./ema.ts";
import { warnAboutPhases } from "./warnings.ts";
import { readGroups } from "./groups.ts";
import type { ResolvedRecipe } from "./resolved.ts";

/** Which sweep choice to resolve, and where to record the sweeps the recipe uses. */
export interface ResolveOptions {
  /** The chosen index of every sweep (default: the first choice). */
  choices?: ReadonlyMap<A.SweepExpr, number>;
  /** Receives every sweep the resolution evaluated (and the file it is in). */
  sweepsUsed?: Map<A.SweepExpr, SourceText>;
}

/**
 * Resolves recipe `name` of a loaded program. Pushes diagnostics (errors and warnings) and returns the
 * resolved recipe, or null when the recipe has errors. `parents` gives the plans of parent recipes.
 */
export async function resolveRecipe(
  program: Program,
  name: string,
  diagnostics: Diagnostic[],
  parents: ParentPlans,
  options: ResolveOptions = {},
): Promise<ResolvedRecipe | null> {
  const effective = effectiveRecipe(program, name, diagnostics);
  if (!effective) return null;
  const scope = new Scope(effective.lets, diagnostics, options.choices, options.sweepsUsed);
  const context: RecipeContext = {
    effective,
    read: new ValueReader(scope, diagnostics),
    diagnostics,
    errorsBefore: errorCount(diagnostics),
  };
  const parent = await resolveParent(context, parents);
  if (parent === null) return null;

  const optimizer = readOptimizer(context);
  const modelContext = readModelNumber(context, "context", null);
  const batch = readBatch(context, modelContext);
  const model = readModel(context, parent?.plan.model ?? null, batch, modelContext);
  const groups = optimizer && readGroups(context, optimizer, model !== null);
  const budget = readBudget(context);
  const sources = readSources(context);
  const mixtures: MixtureScope = { context, sources, replayMix: parent?.replayMix ?? null };
  const mix = baseMixture(mixtures);
  if (!effective.schedule) reportMissing(context, "schedule", "add `schedule { warmup 1%  stable rest }`");
  if (
    hasNewErrors(context) || !effective.schedule || optimizer === null || groups === null ||
    batch.sequences === null || batch.context === null || budget === null || mix === null
  ) return null;

  const bases: TimelineBases = {
    batch: batch.sequences,
    context: batch.context,
    weightDecay: optimizer.weightDecay,
    betas: optimizer.betas,
    clip: optimizer.clip,
    emaDecay: null,
  };
  const start = { mix, sequences: batch.sequences, context: batch.context, budget };
  const placement = placeRecipe(mixtures, effective.schedule, start, bases);
  if (!placement) return null;
  const { schedule, rates } = placement;
  const steps = schedule.timeline.steps;
  const phaseStart = {
    peak: optimizer.lr,
    initLr: parent?.init.lr ?? null,
    weightDecay: optimizer.weightDecay,
    context: batch.context,
  };
  const { phases, checkpoints: phaseCheckpoints } = resolvePhases(context, schedule, rates, phaseStart);
  if (hasNewErrors(context)) return null;
  const frame = recipeFrame(rates, budget, steps);
  const pending = [...phaseCheckpoints, ...recipeCheckpoints(context, frame)];
  const checkpoints = nameCheckpoints(context, pending, steps);
  const averages = resolveAverages(context, checkpoints);
  const ema = resolveEma(context, frame, [...checkpoints, ...averages].map((c) => c.name));
  const withEma = { ...bases, emaDecay: ema?.decay ?? null };
  const others = resolveOtherTimelines(context, effective.timelines, withEma, budget, rates, steps);
  if (hasNewErrors(context) || !others) return null;
  warnAboutPhases(context, phases, steps);

  return {
    name: effective.recipe.recipe.name,
    nameAt: recipeNameAt(effective),
    file: effective.recipe.file.source.path,
    budget,
    steps,
    context: batch.context,
    optimizer,
    groups,
    model,
    sources,
    phases,
    timelines: { ...placement.timelines, ...others },
    checkpoints,
    averages,
    ema,
    init: parent?.init ?? null,
  };
}
