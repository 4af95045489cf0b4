/**
 * OLMo-core's schedulers (src/olmo_core/optim/scheduler.py), re-implemented from the source and fed with
 * the emitted JSON: the trainer increments global_step before the train module sets the LR, so update k
 * uses get_lr(initial_lr = optim.lr, current = k + 1, t_max = max_duration).
 * @module
 */
import { pythonConstant } from "./python_expr.ts";
import { moduleLookup } from "./pytorch.ts";

function linearWarmup(lr: number, current: number, warmup: number, min: number): number {
  if (!(0 <= min && min < lr)) throw new Error("assert 0 <= warmup_min_lr < initial_lr");
  return min + (lr - min) * Math.min(current, warmup) / warmup;
}

function linearDecay(lr: number, fromEnd: number, decay: number, min: number): number {
  if (!(0 <= min && min < lr)) throw new Error("assert 0 <= decay_min_lr < initial_lr");
  return min + (lr - min) * Math.min(fromEnd, decay) / decay;
}

/** The LR OLMo-core gives updates 0..max_duration-1 for the emitted JSON. */
export function lrTrace(json: string): number[] {
  const config = JSON.parse(json);
  const s = config.scheduler;
  if (s.units !== "steps") throw new Error("only step units are re-implemented");
  const lr = config.optim.lr;
  const tMax = config.max_duration.value;
  const kind = String(s._CLASS_).split(".").at(-1);
  const getLr = (current: number): number => {
    switch (kind) {
      case "ConstantScheduler":
        return lr;
      case "ConstantWithWarmup":
        return current <= s.warmup ? linearWarmup(lr, current, s.warmup, s.warmup_min_lr) : lr;
      case "WSD":
        if (current <= s.warmup) return linearWarmup(lr, current, s.warmup, s.warmup_min_lr);
        if (current >= tMax - s.decay) return linearDecay(lr, tMax - current, s.decay, s.decay_min_lr);
        return lr;
      case "CosWithWarmup":
      case "LinearWithWarmup": {
        const t = s.t_max ?? tMax;
        const etaMin = lr * (s.alpha_f ?? 0.1);
        if (current < s.warmup) return linearWarmup(lr, current, s.warmup, s.warmup_min_lr);
        if (current >= t) return etaMin;
        const [c, span] = [current - s.warmup, t - s.warmup];
        if (kind === "LinearWithWarmup") return lr - (lr - etaMin) * (c / span);
        return etaMin + (lr - etaMin) * (1 + Math.cos(Math.PI * c / span)) / 2;
      }
      case "InvSqrtWithWarmup": {
        if (current < s.warmup) return linearWarmup(lr, current, s.warmup, s.warmup_min_lr);
        const etaMin = lr * s.alpha_f;
        return etaMin + (lr - etaMin) * Math.sqrt(s.warmup / current);
      }
      default:
        throw new Error(`Scheduler "${s._CLASS_}" is not re-implemented`);
    }
  };
  return Array.from({ length: tMax }, (_, k) => getLr(k + 1));
}

/**
 * The LR OLMo-core gives updates 0..STEPS-1 with the extension-tier module's Scheduler subclass: the train
 * module calls get_lr(initial_lr = BASE_LR, current = k + 1, t_max), which returns
 * initial_lr * lr_lambda(current - 1).
 */
export function extensionTrace(module: string): number[] {
  const steps = pythonConstant(module, "STEPS");
  const base = pythonConstant(module, "BASE_LR");
  const lr = moduleLookup(module, "_LR");
  return Array.from({ length: steps }, (_, k) => {
    const current = k + 1;
    return base * (lr(current - 1) / base);
  });
}
