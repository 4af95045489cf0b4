/**
 * The data side of emitting: mixture stages, the paths external trainers read, the sidecar file for
 * targets without mixtures, and the checkpoint a continual-pretraining plan starts from.
 *
 * Sources of kind "dataset" carry the path external trainers read, written as is. Sources of kind "corpus"
 * (built into the recipe trainer) and "files" (a local glob the recipe trainer tokenizes) have no path an
 * external trainer can read: configs write the source's name as a placeholder path, and a note says so.
 * @module
 */
import type { Phase, Plan, Source } from "../plan/schema.ts";
import type { EmittedFile } from "./target.ts";
import type { Fit } from "./_fit.ts";
import { fileStem } from "./_literals.ts";

/** Consecutive updates with one mixture. */
interface MixStage {
  start: number;
  end: number;
  /** The sources with a positive weight, in the plan's source order. */
  weights: { source: Source; weight: number }[];
  /** The first phase of the stage. */
  phase: Phase;
}

function sameMix(a: Phase["mix"], b: Phase["mix"]): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The plan's mixture stages: adjacent phases with the same mixture merged. */
export function mixStages(plan: Plan): MixStage[] {
  const stages: MixStage[] = [];
  for (const phase of plan.phases) {
    const last = stages.at(-1);
    if (last && sameMix(last.phase.mix, phase.mix)) {
      last.end = phase.end;
      continue;
    }
    const weights = plan.sources.filter((s) => phase.mix[s.name] !== undefined)
      .map((source) => ({ source, weight: phase.mix[source.name] }));
    stages.push({ start: phase.start, end: phase.end, weights, phase });
  }
  return stages;
}

/** The one mixture of the plan, or a refusal at the phase that changes it. */
export function constantMix(fit: Fit, plan: Plan): MixStage {
  const stages = mixStages(plan);
  if (stages.length > 1) {
    fit.refuseAt(`a change of data mixture: ${fit.target} keeps one mixture for the whole run`, stages[1]);
  }
  return stages[0];
}

/** The path an external trainer reads for a source: the dataset's path, or the source's name as a placeholder. */
export function dataPath(source: Source): string {
  return source.kind === "dataset" ? source.uri : source.name;
}

/** Notes for the sources that only the recipe trainer can read, used by the plan's mixtures. */
export function placeholderNotes(plan: Plan): string[] {
  const used = new Set(plan.phases.flatMap((p) => Object.keys(p.mix)));
  return plan.sources.filter((s) => s.kind !== "dataset" && used.has(s.name)).map((s) =>
    `source ${JSON.stringify(s.name)} is ${s.kind} ${JSON.stringify(s.uri)} of the recipe trainer: ` +
    `the config names it by the placeholder path ${
      JSON.stringify(s.name)
    }; replace it with the path of its ` +
    `tokenized data`
  );
}

/**
 * The per-phase mixtures as a JSON sidecar, for targets that have no data mixtures: the user's data
 * pipeline follows it (e.g. with `datasets.interleave_datasets(probabilities=...)` per stage).
 */
export function mixtureSidecar(plan: Plan, target: string): { file: EmittedFile; note: string } {
  const name = `${fileStem(plan.name)}.${target}.data.json`;
  const used = new Set(plan.phases.flatMap((p) => Object.keys(p.mix)));
  const content = JSON.stringify(
    {
      plan: plan.name,
      steps: plan.steps,
      sources: plan.sources.filter((s) => used.has(s.name)).map((s) => ({
        name: s.name,
        kind: s.kind,
        uri: s.uri,
        path: dataPath(s),
      })),
      stages: mixStages(plan).map((stage) => ({
        start: stage.start,
        end: stage.end,
        mix: Object.fromEntries(stage.weights.map(({ source, weight }) => [source.name, weight])),
      })),
    },
    null,
    2,
  ) + "\n";
  const note = `${target} has no data mixtures: wrote the mixture of each stage (updates [start, end)) ` +
    `to ${JSON.stringify(name)} for your data pipeline to follow`;
  return { file: { name, content }, note };
}

/**
 * The placeholder path of the checkpoint a continual-pretraining plan starts from, and a note saying what
 * to put there. Null when the plan starts from scratch.
 */
export function initCheckpoint(plan: Plan): { path: string; note: string } | null {
  if (!plan.init) return null;
  const path = `checkpoints/${fileStem(plan.init.recipe)}/${fileStem(plan.init.checkpoint)}`;
  const note = `the plan continues ${JSON.stringify(plan.init.recipe)} from its checkpoint ` +
    `${
      JSON.stringify(plan.init.checkpoint)
    } (after update ${plan.init.step}): the config loads it from the ` +
    `placeholder path ${JSON.stringify(path)}; replace it with that run's checkpoint`;
  return { path, note };
}
