/**
 * Hugging Face transformers' schedulers (src/transformers/optimization.py), re-implemented from the source
 * and fed with the emitted TrainingArguments JSON: the Trainer builds get_scheduler(lr_scheduler_type,
 * num_warmup_steps, num_training_steps = max_steps, **lr_scheduler_kwargs), a LambdaLR, so update k uses
 * learning_rate * lambda(k).
 * @module
 */

type Kwargs = Record<string, number | string | undefined>;
type Lambda = (s: number) => number;

function warmupLinear(s: number, W: number): number {
  return s / Math.max(1, W);
}

/** The lambda of each scheduler type, as optimization.py defines it. */
function lambdaOf(type: string, W: number, T: number, kw: Kwargs, lrInit: number): Lambda {
  const num = (key: string, fallback: number) => (kw[key] === undefined ? fallback : Number(kw[key]));
  switch (type) {
    case "constant":
      return () => 1;
    case "constant_with_warmup":
      return (s) => (s < W ? warmupLinear(s, W) : 1);
    case "linear":
      return (s) => (s < W ? warmupLinear(s, W) : Math.max(0, (T - s) / Math.max(1, T - W)));
    case "cosine":
    case "cosine_with_min_lr": {
      const nc = num("num_cycles", 0.5);
      const m = kw.min_lr !== undefined ? Number(kw.min_lr) / lrInit : num("min_lr_rate", 0);
      if (type === "cosine_with_min_lr" && kw.min_lr === undefined && kw.min_lr_rate === undefined) {
        throw new Error("cosine_with_min_lr needs min_lr or min_lr_rate");
      }
      return (s) => {
        if (s < W) return warmupLinear(s, W);
        const progress = (s - W) / Math.max(1, T - W);
        const factor = 0.5 * (1 + Math.cos(Math.PI * nc * 2 * progress));
        return Math.max(0, factor * (1 - m) + m);
      };
    }
    case "cosine_warmup_with_min_lr": {
      const nc = num("num_cycles", 0.5);
      const m = kw.min_lr !== undefined ? Number(kw.min_lr) / lrInit : Number(kw.min_lr_rate);
      return (s) => {
        if (s < W) return (s + 1) / Math.max(1, W);
        const progress = (s - W + 1) / Math.max(1, T - W);
        const factor = 0.5 * (1 + Math.cos(Math.PI * nc * 2 * progress));
        return Math.max(0, factor * (1 - m) + m);
      };
    }
    case "polynomial": {
      const lrEnd = num("lr_end", 1e-7);
      const power = num("power", 1);
      if (!(lrInit > lrEnd)) throw new Error(`lr_end (${lrEnd}) must be smaller than initial lr (${lrInit})`);
      return (s) => {
        if (s < W) return warmupLinear(s, W);
        if (s > T) return lrEnd / lrInit;
        const pctRemaining = 1 - (s - W) / (T - W);
        return ((lrInit - lrEnd) * Math.pow(pctRemaining, power) + lrEnd) / lrInit;
      };
    }
    case "inverse_sqrt": {
      const timescale = W || 10_000;
      return (s) => (s < W ? warmupLinear(s, W) : 1 / Math.sqrt((s + timescale - W) / timescale));
    }
    case "warmup_stable_decay": {
      const D = Number(kw.num_decay_steps);
      const S = kw.num_stable_steps === undefined ? T - W - D : Number(kw.num_stable_steps);
      const m = num("min_lr_ratio", 0);
      const nc = num("num_cycles", 0.5);
      const warmupType = String(kw.warmup_type ?? "linear");
      const decayType = String(kw.decay_type ?? "cosine");
      return (s) => {
        if (s < W) {
          const progress = s / Math.max(1, W);
          const factor = warmupType === "linear"
            ? progress
            : warmupType === "cosine"
            ? 0.5 * (1 - Math.cos(Math.PI * progress))
            : 1 - Math.sqrt(1 - progress);
          return Math.max(0, factor * (1 - m) + m);
        }
        if (s < W + S) return 1;
        if (s < W + S + D) {
          const progress = (s - W - S) / Math.max(1, D);
          const factor = decayType === "linear"
            ? 1 - progress
            : decayType === "cosine"
            ? 0.5 * (1 + Math.cos(Math.PI * nc * 2 * progress))
            : 1 - Math.sqrt(progress);
          return Math.max(0, factor * (1 - m) + m);
        }
        return m;
      };
    }
    default:
      throw new Error(`Unknown lr_scheduler_type "${type}"`);
  }
}

/** The LR the HF Trainer gives updates 0..max_steps-1 for the emitted TrainingArguments JSON. */
export function lrTrace(json: string): number[] {
  const args = JSON.parse(json);
  const T = args.max_steps;
  const W = args.warmup_steps >= 1 ? Math.trunc(args.warmup_steps) : Math.ceil(T * args.warmup_steps);
  const kwargs = typeof args.lr_scheduler_kwargs === "string"
    ? JSON.parse(args.lr_scheduler_kwargs)
    : args.lr_scheduler_kwargs ?? {};
  for (const key of ["num_warmup_steps", "num_training_steps"]) {
    if (key in kwargs) throw new TypeError(`got multiple values for argument '${key}'`);
  }
  const lambda = lambdaOf(args.lr_scheduler_type ?? "linear", W, T, kwargs, args.learning_rate);
  return Array.from({ length: T }, (_, k) => args.learning_rate * lambda(k));
}
