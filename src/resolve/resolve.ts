/**
 * The resolve stage: one recipe of a loaded program, under one sweep choice, to a {@link ResolvedRecipe},
 * reporting every problem of the language on the way. Its steps, in order, each in its own module:
 * inheritance ({@link effectiveRecipe}), the parent checkpoint (parent.ts), the optimizer, batch, model and
 * budget (settings.ts), the parameter groups (groups.ts), the sources and mixtures (mixtures.ts), the timeline (timeline.ts), the phases
 * (phases.ts), the checkpoints (checkpoints.ts) and warnings (warnings.ts).
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
import { placeSchedule } from "./timeline.ts";
import { resolvePhases } from "./phases.ts";
import { nameCheckpoints, recipeCheckpoints } from "./checkpoints.ts";
import { resolveAverages } from "./averages.ts";
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
    batch.sequences === null ||
    batch.context === null || budget === null || mix === null
  ) return null;

  const start = { mix, sequences: batch.sequences, context: batch.context, budget };
  const schedule = placeSchedule(mixtures, effective.schedule, start);
  if (!schedule) return null;
  const steps = schedule.timeline.steps;
  const spans = schedule.timeline.phases.map((p) => ({
    start: p.start,
    end: p.end,
    offset: p.slot.phase.node.inclusive ? 1 as const : 0 as const,
    batch: schedule.templates.get(p.slot.phase.node)!.batch,
  }));
  const initLr = parent?.init.lr ?? null;
  const phaseStart = {
    peak: optimizer.lr,
    initLr,
    weightDecay: optimizer.weightDecay,
    context: batch.context,
  };
  const { phases, checkpoints: phaseCheckpoints } = resolvePhases(context, schedule, spans, phaseStart);
  if (hasNewErrors(context)) return null;
  const pending = [...phaseCheckpoints, ...recipeCheckpoints(context, spans, batch.context, budget, steps)];
  const checkpoints = nameCheckpoints(context, pending, steps);
  const averages = resolveAverages(context, checkpoints);
  if (hasNewErrors(context)) return null;
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
    checkpoints,
    averages,
    init: parent?.init ?? null,
  };
}
