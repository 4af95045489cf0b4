/**
 * The training loop of the built-in trainer: follows the plan update by update (LR, weight decay, batch
 * size, mixture), keeps the plan's EMA of the weights on the GPU, records metrics, evaluates held-out loss
 * per source, writes checkpoints (named ones, "final", averages, the EMA, and a periodic "latest" to resume
 * from) and stops on a NaN or infinite loss.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { join } from "node:path";
import type { Group, Model, Plan } from "../plan/schema.ts";
import { planHash } from "../plan/hash.ts";
import { type ScheduleTable, scheduleTable } from "../schedule/table.ts";
import type { Engine, HostTensor, TokenBatch, UpdateSettings } from "./engine.ts";
import {
  type CheckpointState,
  type EngineState,
  loadCheckpoint,
  type LoadedCheckpoint,
  readEngineState,
  restoreCheckpoint,
  saveCheckpoint,
} from "./checkpoint/checkpoint.ts";
import { writeFileAtomic } from "./checkpoint/atomic_write.ts";
import { heldOutBatches, Sampler } from "./data/sampler.ts";
import { loadSource, type SourceData } from "./data/source_data.ts";
import { type MetricsRecord, MetricsWriter } from "./metrics.ts";
import { modelFor } from "./model_config.ts";
import { loadParent, type ParentCheckpoint } from "./parent.ts";
import { Progress } from "./progress.ts";
import { completeCheckpoints, resumeCandidates } from "./resume.ts";
import { checkRunFiles } from "./run_files.ts";
import { trainerPlanProblems } from "./plan_limits.ts";
import { writeRunReport } from "./report.ts";
import { averageWeights } from "./checkpoint/average.ts";
import type { RunSummary } from "./run_summary.ts";
import { safeFileName } from "../diagnostics/file_name.ts";
import { emaDecay } from "../plan/ema_decay.ts";
import { emptyGroupWarnings } from "./gpu/param_groups.ts";
import { paramLayout } from "./gpu/params.ts";

/** Creates the engine a run trains (src/train/gpt.ts's `createEngine`, or a fake in tests). */
export type EngineFactory = (
  config: Model,
  options: { seed: number; groups: readonly Group[] },
) => Promise<Engine>;

/** Options of `train`. */
export interface TrainOptions {
  /** The run directory: metrics.jsonl, plan.json, checkpoints/, report.md. */
  out: string;
  createEngine: EngineFactory;
  /** Seed of the weight initialisation and of the sampler (default 1; a resumed run keeps its own). */
  seed?: number;
  /** Continue the run in `out` from its latest checkpoint instead of starting afresh. */
  resume?: boolean;
  /** Replace a run already in `out` (otherwise that is an error). */
  force?: boolean;
  /** planHash of the plan before a `--proxy` scaling (recorded in checkpoints for child recipes). */
  recipePlanHash?: string;
  /**
   * For a plan with `init`: the parent checkpoint directory, whether to load its AdamW state too, whether
   * a plan-hash mismatch is an error, and the `--proxy` size (for the hint when the parent is missing).
   */
  init?: { dir?: string; optimizer?: boolean; strict?: boolean; proxy?: string };
  /** Updates between loss readbacks (default 10). */
  logEvery?: number;
  /** Updates between held-out evaluations (default: about ten per run; always at the end). */
  evalEvery?: number;
  /** Updates between "latest" checkpoints (default: about ten per run). */
  saveEvery?: number;
  /** Held-out batches per source at each evaluation (default 2), each of the first update's batch size. */
  evalBatches?: number;
  /** Stop after this many updates in total, as if killed (tests of resume). */
  stopAfter?: number;
  /** Where progress goes (default: a bar on a terminal, lines otherwise). */
  progress?: Progress;
  /** Let `files` sources read files outside their recipe's directory (`--allow-outside`). */
  allowOutside?: boolean;
}

/** What a run writes into its directory (and a fresh run with --force replaces). */
const RUN_FILES = ["checkpoints", "metrics.jsonl", "plan.json", "report.md"];

/** Names of the plan's checkpoints by the update count they are taken at. */
function checkpointNames(plan: Plan): Map<number, string[]> {
  const byStep = new Map<number, string[]>();
  for (const c of plan.checkpoints) byStep.set(c.step, [...byStep.get(c.step) ?? [], c.name]);
  if (![...byStep.values()].flat().includes("final")) {
    byStep.set(plan.steps, [...byStep.get(plan.steps) ?? [], "final"]);
  }
  return byStep;
}

/**
 * The plan's sources, loaded with their held-out split: every source the mixtures draw from, and the
 * plan's other readable sources too (a continual-pretraining plan lists its parent's, so that forgetting
 * shows in their held-out loss). An unused `dataset` source is skipped rather than refused.
 */
async function loadSources(plan: Plan, allowOutside: boolean): Promise<SourceData[]> {
  const used = new Set(plan.phases.flatMap((p) => Object.keys(p.mix)));
  const sources = plan.sources.filter((s) => used.has(s.name) || s.kind !== "dataset");
  return await Promise.all(
    sources.map((s) => loadSource(s, plan.file, 4 * (plan.context + 1), { allowOutside })),
  );
}

/** A run directory holds a run once it holds a complete checkpoint (a kill before the first leaves none). */
async function isRun(out: string): Promise<boolean> {
  return (await completeCheckpoints(join(out, "checkpoints"))).length > 0;
}

/**
 * The checkpoint a resumed run continues from: the one with the most updates whose files all verify. A
 * damaged one is skipped with a warning naming it and the one used instead; null when the run has no
 * complete checkpoint (it was killed before its first was written), which starts the run afresh.
 */
async function resumePoint(
  out: string,
  hash: string,
  warnings: string[],
): Promise<{ dir: string; checkpoint: LoadedCheckpoint } | null> {
  const checkpointsDir = join(out, "checkpoints");
  const { candidates, damaged } = await resumeCandidates(checkpointsDir, hash);
  for (const { dir } of candidates) {
    try {
      const checkpoint = await loadCheckpoint(dir);
      for (const d of damaged) {
        warnings.push(
          `${d.reason}: resuming from "${dir}" (step ${checkpoint.state.step}) instead of "${d.dir}"`,
        );
      }
      return { dir, checkpoint };
    } catch (error) {
      damaged.push({ dir, reason: (error as Error).message });
    }
  }
  if (damaged.length > 0) {
    throw new InputError(
      `No intact checkpoint to resume from in "${checkpointsDir}": ${
        damaged.map((d) => d.reason).join("; ")
      }; start afresh with --force`,
    );
  }
  return null;
}

/**
 * Refuses a plan the trainer must not run, before anything is written or removed: checkpoint names that
 * could reach outside the run directory, and (a plan JSON may have been edited by hand) broken invariants
 * and sizes beyond the trainer's bounds.
 */
function checkTrainable(plan: Plan): void {
  for (const c of plan.checkpoints) safeFileName(c.name, "checkpoint name");
  if (plan.ema) safeFileName(plan.ema.name, "EMA name");
  const problems = trainerPlanProblems(plan);
  if (problems.length > 0) {
    throw new InputError(
      `Plan "${plan.name}" cannot be trained: ${problems.slice(0, 3).join("; ")}` +
        (problems.length > 3 ? `; and ${problems.length - 3} more` : ""),
    );
  }
}

/**
 * Where a run starts: the checkpoint it resumes from (null for a fresh start), its seed (a resumed run keeps
 * its own, so that its batches are the ones the interrupted run would have drawn) and, for a plan with
 * `init`, the parent checkpoint (its model must be the plan's). Refuses to overwrite a run without --force.
 */
async function startingPoint(
  plan: Plan,
  options: TrainOptions,
  { hash, model, warnings }: { hash: string; model: Model; warnings: string[] },
): Promise<
  { resumed: Awaited<ReturnType<typeof resumePoint>>; seed: number; parent: ParentCheckpoint | null }
> {
  const out = options.out;
  await checkRunFiles(out, { resume: Boolean(options.resume) });
  let resumed: Awaited<ReturnType<typeof resumePoint>> = null;
  if (options.resume) {
    resumed = await resumePoint(out, hash, warnings);
    if (!resumed) {
      warnings.push(
        `"${out}" holds no complete checkpoint (the run was stopped before its first one was written): ` +
          "starting it afresh",
      );
    }
  } else if (await isRun(out) && !options.force) {
    throw new InputError(
      `Run directory "${out}" already holds a run: continue it with --resume "${out}", ` +
        "or choose another --out (or --force to replace it)",
    );
  }
  const seed = resumed ? resumed.checkpoint.state.sampler.seed : options.seed ?? 1;
  const parent = plan.init && !resumed ? await loadParent(plan, options.init) : null;
  if (parent && JSON.stringify(parent.checkpoint.state.model) !== JSON.stringify(model)) {
    throw new InputError(
      `The parent checkpoint "${parent.dir}" holds a model '${
        JSON.stringify(parent.checkpoint.state.model)
      }', ` +
        `but "${plan.name}" trains '${JSON.stringify(model)}': give the recipe the parent's model`,
    );
  }
  warnings.push(...parent?.warnings ?? []);
  return { resumed, seed, parent };
}

/**
 * Makes `out` a run directory: a fresh run first removes what an earlier run wrote there (only that: --out
 * may hold other files too), then plan.json is written before checkpoints/, so that a run killed at any
 * point after checkpoints/ appears can be resumed by its directory.
 */
async function prepareRunDirectory(out: string, plan: Plan, fresh: boolean): Promise<void> {
  if (fresh) {
    for (const name of RUN_FILES) await Deno.remove(join(out, name), { recursive: true }).catch(() => {});
  }
  await Deno.mkdir(out, { recursive: true });
  await writeFileAtomic(
    join(out, "plan.json"),
    new TextEncoder().encode(JSON.stringify(plan, null, 2) + "\n"),
  );
  await Deno.mkdir(join(out, "checkpoints"), { recursive: true });
}

/** What a run's checkpoints record of the run besides the step: its plan, model and sampler seed. */
interface RunIdentity {
  planHash: string;
  recipePlanHash: string;
  model: Model;
  seed: number;
}

/**
 * The checkpoints of one run: after each update, the plan's named checkpoints due then, a periodic
 * "latest" (and one at step 0, so that a run killed or diverging early has one to go back to), the
 * averages whose last checkpoint was just written, and after the last update the EMA of the weights.
 * Remembers the last good checkpoint.
 */
class RunCheckpoints {
  /** The held-out loss of each average written, by name. */
  readonly averages: Record<string, Record<string, number>> = {};
  /** The EMA of the weights once written, with its held-out loss. */
  ema: RunSummary["ema"];
  /** The checkpoint to go back to after a divergence, and its step. */
  lastGood: { checkpoint: string | null; checkpointStep: number };

  constructor(
    readonly plan: Plan,
    readonly run: {
      out: string;
      engine: Engine;
      evalSets: Map<string, TokenBatch[]>;
      progress: Progress;
      names: Map<number, string[]>;
      saveEvery: number;
      start: number;
      lastGood: string | null;
      identity: RunIdentity;
    },
  ) {
    this.lastGood = { checkpoint: run.lastGood, checkpointStep: run.start };
  }

  /** Writes the checkpoints due after `done` updates; false when the weights are not finite. */
  async save(done: number, tokens: number): Promise<boolean> {
    const { out, engine, names, saveEvery, start } = this.run;
    const due = [...names.get(done) ?? []];
    if (done === 0 && !due.includes("latest")) due.push("latest");
    if (done > start && (done % saveEvery === 0 || done === this.plan.steps) && !due.includes("latest")) {
      due.push("latest");
    }
    const ema = done === this.plan.steps ? this.plan.ema : undefined;
    const averages = (this.plan.averages ?? []).filter((average) => average.step === done);
    if (!due.length && !ema && !averages.length) return true;
    // Read back once: every checkpoint of this update holds the same optimizer state (and EMA).
    const snapshot = await readEngineState(engine);
    // The EMA before "final" and "latest": a run killed in between resumes from an earlier one and rewrites it.
    if (ema && !await this.#writeEma(ema, done, tokens, snapshot)) return false;
    for (const name of due) {
      const dir = join(out, "checkpoints", safeFileName(name, "checkpoint name"));
      if (!await saveCheckpoint(dir, snapshot, this.#state(done, tokens, due))) return false;
      this.lastGood = { checkpoint: dir, checkpointStep: done };
    }
    for (const average of averages) {
      const state = this.#state(done, tokens, []);
      this.averages[average.name] = await writeAverage(average, {
        out,
        engine,
        snapshot,
        evalSets: this.run.evalSets,
        state,
      });
      this.run.progress.message(`Averaged "${average.of.join('", "')}" into "${average.name}"`);
    }
    return true;
  }

  /**
   * Writes the checkpoint of the EMA of the weights (with the current optimizer state) and evaluates it;
   * false, writing nothing, when the EMA is not finite.
   */
  async #writeEma(
    ema: NonNullable<Plan["ema"]>,
    done: number,
    tokens: number,
    snapshot: EngineState,
  ): Promise<boolean> {
    const { out, engine, evalSets } = this.run;
    const weights = snapshot.ema;
    if (!weights) throw new Error(`The engine kept no EMA of the weights for "${ema.name}"`);
    const state = { ...this.#state(done, tokens, [ema.name]), ema: ema.decay };
    const dir = join(out, "checkpoints", safeFileName(ema.name, "EMA name"));
    if (!await saveCheckpoint(dir, snapshot, state, weights)) return false;
    this.ema = {
      name: ema.name,
      heldOut: await heldOutLossesOf(engine, weights, evalSets, snapshot.weights),
    };
    this.run.progress.message(`Wrote the EMA of the weights (decay ${ema.decay}) as "${ema.name}"`);
    return true;
  }

  #state(step: number, tokens: number, names: string[]): CheckpointState {
    const { planHash, recipePlanHash, model, seed } = this.run.identity;
    return {
      format: "recipe-checkpoint",
      version: 2,
      step,
      plan: this.plan.name,
      planHash,
      recipePlanHash,
      model,
      sampler: { seed, step },
      tokens,
      names,
    };
  }
}

/**
 * Writes the checkpoint `average.name`: the mean of the model weights of the checkpoints it averages (read
 * back from their files, which are checksummed), with the engine's current optimizer state, and returns the
 * held-out loss of the averaged weights. The engine's own weights are put back afterwards.
 */
async function writeAverage(
  average: NonNullable<Plan["averages"]>[number],
  run: {
    out: string;
    engine: Engine;
    snapshot: EngineState;
    evalSets: Map<string, TokenBatch[]>;
    state: CheckpointState;
  },
): Promise<Record<string, number>> {
  const dirOf = (name: string) => join(run.out, "checkpoints", safeFileName(name, "checkpoint name"));
  const sources = await Promise.all(
    average.of.map(async (name) => (await loadCheckpoint(dirOf(name))).weights),
  );
  const mean = averageWeights(sources);
  const state = { ...run.state, names: [average.name], average: average.of };
  await saveCheckpoint(dirOf(average.name), run.snapshot, state, mean);
  return await heldOutLossesOf(run.engine, mean, run.evalSets, run.snapshot.weights);
}

/** The held-out losses of other weights than the engine's `current` ones, which are put back afterwards. */
async function heldOutLossesOf(
  engine: Engine,
  weights: HostTensor[],
  evalSets: Map<string, TokenBatch[]>,
  current: HostTensor[],
): Promise<Record<string, number>> {
  await engine.writeWeights(weights);
  const heldOut = await heldOutLosses(engine, evalSets);
  await engine.writeWeights(current);
  return heldOut;
}

/** The mean held-out loss of each source over its evaluation batches. */
async function heldOutLosses(
  engine: Engine,
  evalSets: Map<string, TokenBatch[]>,
): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const [name, batches] of evalSets) {
    let sum = 0;
    for (const batch of batches) sum += await engine.evaluate(batch);
    result[name] = sum / batches.length;
  }
  return result;
}

/**
 * The clock of a run's updates: tokens per second since the last pause and on average, leaving out the
 * time spent evaluating and checkpointing (each a pause, from the update's end to `resume`).
 */
class RunClock {
  readonly #began = performance.now();
  readonly #startTokens: number;
  /** Seconds spent evaluating and checkpointing. */
  #overhead = 0;
  #mark: { time: number; tokens: number };

  constructor(tokens: number) {
    this.#startTokens = tokens;
    this.#mark = { time: this.#began, tokens };
  }

  /** Seconds since the run began, at `now` (performance.now()). */
  elapsed(now: number): number {
    return (now - this.#began) / 1000;
  }

  /** Tokens per second since the last pause ended. */
  sinceMark(tokens: number, now: number): number {
    return (tokens - this.#mark.tokens) / Math.max(1e-6, (now - this.#mark.time) / 1000);
  }

  /** Tokens per second over the run, pauses left out. */
  average(tokens: number, now: number): number {
    return (tokens - this.#startTokens) / Math.max(1e-6, this.elapsed(now) - this.#overhead);
  }

  /** Ends a pause that began at `pausedAt` (an update's end), now. */
  resume(tokens: number, pausedAt: number): void {
    this.#mark = { time: performance.now(), tokens };
    this.#overhead += (this.#mark.time - pausedAt) / 1000;
  }
}

/** The values of the quantities the plan schedules beyond LR, weight decay and batch, for metrics.jsonl. */
function scheduledValues(plan: Plan, settings: UpdateSettings, context: number): Partial<MetricsRecord> {
  const own = plan.timelines ?? {};
  return {
    ...(own.context ? { context } : {}),
    ...(own.beta1 || own.beta2 ? { beta1: settings.beta1, beta2: settings.beta2 } : {}),
    ...(own.clip && settings.clip !== null ? { clip: settings.clip } : {}),
  };
}

/** What update `k` of the plan sets in the optimizer: LR, weight decay, betas, eps, clip and EMA decay. */
function updateSettings(plan: Plan, table: ScheduleTable, k: number): UpdateSettings {
  return {
    lr: table.lr[k],
    weightDecay: table.weightDecay[k],
    beta1: table.beta1[k],
    beta2: table.beta2[k],
    eps: plan.optimizer.eps,
    clip: table.clip ? table.clip[k] : null,
    ...(plan.ema ? { emaDecay: emaDecay(plan.ema, k, plan.timelines?.emaDecay) } : {}),
  };
}

/**
 * Loads where a run starts into `engine`: the run's own checkpoint when resuming (its step, tokens and the
 * recipe's plan hash), else the parent's weights (and optimizer state with `init.optimizer`), else nothing.
 */
async function restoreStart(
  engine: Engine,
  plan: Plan,
  from: {
    resumed: Awaited<ReturnType<typeof resumePoint>>;
    parent: ParentCheckpoint | null;
    options: TrainOptions;
    progress: Progress;
  },
): Promise<{ start: number; tokens: number; recipePlanHash?: string }> {
  const { resumed, parent, options, progress } = from;
  if (resumed) {
    const { checkpoint } = resumed;
    await restoreCheckpoint(engine, checkpoint);
    const { step, tokens, recipePlanHash } = checkpoint.state;
    progress.message(`Resuming "${plan.name}" from "${resumed.dir}" at step ${step}`);
    return { start: step, tokens, recipePlanHash };
  }
  if (parent) {
    // A child keeps its own EMA of the weights (from its own start), never its parent's.
    const weightsAndOptimizer = { ...parent.checkpoint, ema: null };
    await restoreCheckpoint(engine, weightsAndOptimizer, { weightsOnly: !options.init?.optimizer });
    progress.message(`Starting "${plan.name}" from "${parent.dir}" (step ${parent.checkpoint.state.step})`);
  }
  return { start: 0, tokens: 0 };
}

/**
 * Trains `plan` into `options.out` and resolves with a summary. Data problems (unknown corpus, empty glob,
 * dataset sources) and a missing parent run are reported before any training.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { createEngine } from "./gpt.ts";
 * import { Progress } from "./progress.ts";
 * const { plans: [plan] } = await compileFile("tests/testdata/train/tiny.recipe");
 * const out = await Deno.makeTempDir();
 * const summary = await train(plan, { out, createEngine, progress: new Progress("quiet") });
 * console.assert(summary.steps === plan.steps && Object.keys(summary.heldOut).length > 0);
 * ```
 */
export async function train(plan: Plan, options: TrainOptions): Promise<RunSummary> {
  const out = options.out;
  checkTrainable(plan);
  const model = modelFor(plan);
  const hash = await planHash(plan);
  const table = scheduleTable(plan);
  const T = plan.steps;
  const logEvery = Math.max(1, options.logEvery ?? 10);
  const evalEvery = Math.max(1, options.evalEvery ?? Math.ceil(T / 10));
  const saveEvery = Math.max(1, options.saveEvery ?? Math.ceil(T / 10));
  const progress = options.progress ?? new Progress();
  const warnings: string[] = [];

  const { resumed, seed, parent } = await startingPoint(plan, options, { hash, model, warnings });
  const resumeFrom = resumed?.dir ?? null;
  const sources = await loadSources(plan, Boolean(options.allowOutside));
  const sampler = new Sampler(sources, plan.context, seed);
  const evalSets = new Map(
    sources.map((s) => [s.name, heldOutBatches(s, plan.context, table.batch[0], options.evalBatches ?? 2)]),
  );
  warnings.push(...emptyGroupWarnings(paramLayout(model), plan.groups ?? []));
  for (const warning of warnings) progress.message(`warning: ${warning}`);

  // The engine checks the model against the adapter's limits: do that before replacing an old run.
  const engine = await options.createEngine(model, { seed, groups: plan.groups ?? [] });
  await prepareRunDirectory(out, plan, !resumeFrom);

  try {
    const restored = await restoreStart(engine, plan, { resumed, parent, options, progress });
    const { start, recipePlanHash } = { recipePlanHash: options.recipePlanHash ?? hash, ...restored };
    let tokens = restored.tokens;
    const metrics = await MetricsWriter.open(join(out, "metrics.jsonl"), resumeFrom ? start : undefined);
    const names = checkpointNames(plan);
    const checkpoints = new RunCheckpoints(plan, {
      out,
      engine,
      evalSets,
      progress,
      names,
      saveEvery,
      start,
      lastGood: resumeFrom,
      identity: { planHash: hash, recipePlanHash, model, seed },
    });
    const save = (done: number) => checkpoints.save(done, tokens);
    const evaluate = () => heldOutLosses(engine, evalSets);

    if (start === 0) await save(0);
    const end = Math.min(T, options.stopAfter ?? T);
    const clock = new RunClock(tokens);
    let lastLoss: number | null = null;
    let heldOut: Record<string, number> = {};
    if (start >= T) {
      progress.message(
        `Run "${plan.name}" in "${out}" is already complete (${T} updates): nothing to resume`,
      );
      heldOut = await evaluate();
    }
    let diverged: RunSummary["diverged"];
    for (let k = start; k < end; k++) {
      const done = k + 1;
      const batch = sampler.batch(k, plan.phases[table.phase[k]].mix, table.batch[k], table.context[k]);
      const evalDue = done % evalEvery === 0 || done === T;
      const read = done % logEvery === 0 || evalDue || names.has(done) || done % saveEvery === 0 ||
        done === end;
      const settings = updateSettings(plan, table, k);
      const { lr, weightDecay } = settings;
      const result = await engine.step(batch, settings, read);
      tokens += batch.batch * batch.context;
      const now = performance.now();
      if (result) {
        lastLoss = result.loss;
        if (!Number.isFinite(result.loss) || !Number.isFinite(result.gradNorm)) {
          diverged = { step: k, loss: result.loss, ...checkpoints.lastGood };
          break;
        }
        const record: MetricsRecord = {
          step: k,
          tokens,
          lr,
          weightDecay,
          batch: batch.batch,
          loss: result.loss,
          gradNorm: result.gradNorm,
          tokensPerSecond: clock.sinceMark(tokens, now),
          elapsed: clock.elapsed(now),
          ...scheduledValues(plan, settings, batch.context),
        };
        if (evalDue) record.heldOut = heldOut = await evaluate();
        await metrics.write(record);
        const saved = await save(done);
        clock.resume(tokens, now);
        if (!saved) {
          diverged = { step: k, loss: result.loss, ...checkpoints.lastGood };
          break;
        }
      }
      progress.update({
        done,
        steps: T,
        loss: lastLoss,
        lr,
        tokensPerSecond: clock.average(tokens, now),
        eta: ((T - done) * clock.elapsed(now)) / (done - start),
      }, result !== null);
    }
    progress.end();
    metrics.close();
    const seconds = clock.elapsed(performance.now());
    const summary: RunSummary = {
      plan: plan.name,
      out,
      adapter: engine.adapter,
      model,
      steps: diverged ? diverged.step : end,
      tokens,
      seconds,
      tokensPerSecond: clock.average(tokens, performance.now()),
      heldOut,
      loss: lastLoss,
      diverged,
      warnings,
      ...(Object.keys(checkpoints.averages).length ? { averages: checkpoints.averages } : {}),
      ...(checkpoints.ema ? { ema: checkpoints.ema } : {}),
    };
    await writeRunReport(join(out, "report.md"), plan, summary);
    return summary;
  } finally {
    engine.destroy();
  }
}
