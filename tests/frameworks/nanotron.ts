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
