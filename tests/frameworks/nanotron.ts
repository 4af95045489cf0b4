/**
 * nanotron's LR schedule (src/nanotron/helpers.py lr_scheduler_builder), re-implemented from the source and
 * fed with the emitted YAML: a LambdaLR whose lambda returns lr / initial_lr, so update k uses lmbda(k).
 * @module
 */
import YAML from "yaml";

/** The LR nanotron gives updates 0..tokens.train_steps-1 for the emitted YAML. */
export function lrTrace(text: string): number[] {
  const config = YAML.parse(text);
  const a = config.optimizer.learning_rate_scheduler;
  const total = config.tokens.train_steps;
  const initial = a.learning_rate;
  if (!["linear", "constant"].includes(a.lr_warmup_style)) throw new Error("lr_warmup_style must be set");
  const minDecay = a.min_decay_lr ?? a.learning_rate;
  let decaySteps = a.lr_decay_steps;
  if (decaySteps === undefined || decaySteps === null) {
    decaySteps = total - (a.lr_warmup_steps ?? 0) - (a.lr_decay_starting_step ?? 0);
  }
  const decayStart = a.lr_decay_starting_step ?? a.lr_warmup_steps ?? 0;
  const lambda = (s: number) => {
    if (a.lr_warmup_steps === 0 && decaySteps === 0) return initial; // nanotron returns lr itself (a bug) here
    let l: number;
    if (s <= a.lr_warmup_steps) {
      l = a.lr_warmup_style === "linear" ? initial * s / Math.max(a.lr_warmup_steps, 1) : a.learning_rate;
    } else if (s < decayStart) l = initial;
    else if (s < decayStart + decaySteps) {
      const x = (s - decayStart) / decaySteps;
      if (a.lr_decay_style === "cosine") {
        l = minDecay + (initial - minDecay) * (1 + Math.cos(Math.PI * (s - decayStart) / decaySteps)) / 2;
      } else if (a.lr_decay_style === "linear") {
        l = minDecay + (initial - minDecay) * (decaySteps - (s - decayStart)) / decaySteps;
      } else if (a.lr_decay_style === "1-sqrt") l = minDecay + (initial - minDecay) * (1 - Math.sqrt(x));
      else throw new Error(`Unknown decay style ${a.lr_decay_style}`);
    } else l = minDecay;
    return l / initial;
  };
  return Array.from({ length: total }, (_, k) => initial * lambda(k));
}

/**
 * The checks of nanotron's config dataclasses (src/nanotron/config/config.py at 2411b02: LRSchedulerArgs,
 * CheckpointsArgs, Config.__post_init__ data_stages) on the sections the emitter writes: each failure as a
 * sentence (empty when nanotron accepts them).
 */
// deno-lint-ignore no-explicit-any
export function validateConfig(config: any): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  const lr = config.optimizer.learning_rate_scheduler;
  check(["linear", "constant"].includes(lr.lr_warmup_style), "lr_warmup_style must be linear or constant");
  check(["linear", "cosine", "1-sqrt"].includes(lr.lr_decay_style ?? "linear"), "unknown lr_decay_style");
  check(typeof lr.learning_rate === "number", "learning_rate is required");
  check(lr.lr_decay_steps !== undefined, "lr_decay_steps left to default (train_steps - warmup)");
  const stages = config.data_stages ?? [];
  // deno-lint-ignore no-explicit-any
  const starts = stages.map((s: any) => s.start_training_step);
  check(stages.length === 0 || starts.includes(1), "no training stage starting at 1");
  check(new Set(starts).size === starts.length, "duplicate start_training_step");
  // deno-lint-ignore no-explicit-any
  check(new Set(stages.map((s: any) => s.name)).size === stages.length, "duplicate stage name");
  check(starts.every((s: number) => s >= 0), "start_training_step below 0");
  if (config.checkpoints) {
    check(typeof config.checkpoints.checkpoints_path === "string", "checkpoints_path is required");
    check(Number.isInteger(config.checkpoints.checkpoint_interval), "checkpoint_interval is required");
  }
  return problems;
}
