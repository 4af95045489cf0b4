/**
 * torchtitan's LR schedule (torchtitan/components/optimizer/lr_scheduler.py, LRSchedulersContainer.Config
 * build), re-implemented from the source and fed with the emitted Python config module: a LambdaLR, so
 * update k uses optimizer lr * linear_warmup_stable_decay(k).
 * @module
 */

/**
 * One `NAME = {...}` settings dict of the emitted module, read as JSON (its literals are JSON-like:
 * tuples, None, True/False, math.inf, and strings without parentheses).
 */
// deno-lint-ignore no-explicit-any
export function moduleSettings(text: string, name: string): any {
  const line = new RegExp(`^${name} = (.*)$`, "m").exec(text);
  if (!line) throw new Error(`the module has no ${name}`);
  const json = line[1].replaceAll("None", "null").replaceAll("True", "true").replaceAll("False", "false")
    .replaceAll("math.inf", "1e999").replaceAll("(", "[").replaceAll(")", "]");
  return JSON.parse(json);
}

/** The LR torchtitan gives updates 0..training.steps-1 for the emitted module. */
export function lrTrace(text: string): number[] {
  const config = {
    lr_scheduler: moduleSettings(text, "LR_SCHEDULER"),
    training: moduleSettings(text, "TRAINING"),
    optimizer: moduleSettings(text, "OPTIMIZER"),
  };
  const total = config.lr_scheduler.total_steps ?? config.training.steps;
  let warmup = Math.trunc(config.lr_scheduler.warmup_steps ?? 200);
  if (warmup > total) warmup = total;
  let decay: number;
  if (config.lr_scheduler.decay_ratio !== undefined) {
    decay = pythonRound(total * config.lr_scheduler.decay_ratio);
    if (warmup + decay > total) decay = total - warmup;
  } else decay = total - warmup;
  const stable = total + 1 - warmup - decay;
  const type = config.lr_scheduler.decay_type ?? "linear";
  const minFactor = config.lr_scheduler.min_lr_factor ?? 0;
  const lambda = (s: number) => {
    const warmupStable = warmup + stable;
    if (s < warmup) return (s + 1) / warmup;
    if (s < warmupStable) return 1;
    const progress = (s + 1 - warmupStable) / decay;
    const x = type === "linear"
      ? 1 - progress
      : type === "sqrt"
      ? 1 - Math.sqrt(progress)
      : type === "cosine"
      ? 0.5 * (1 + Math.cos(Math.PI * progress))
      : NaN;
    return minFactor + (1 - minFactor) * x;
  };
  return Array.from({ length: config.training.steps }, (_, k) => config.optimizer.lr * lambda(k));
}

/** Python's round(): half to even. */
function pythonRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
