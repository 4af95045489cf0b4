/**
 * The multi-power law of Luo et al. (2025), "A Multi-Power Law for Loss Curve Prediction Across Learning
 * Rate Schedules": L(t) = L0 + A * S1(t)^-alpha - LD(t), with S1 the forward area (warmup included) and
 * the loss reduction of every LR decrease k after the warmup,
 * LD(t) = B * sum_k (lr_{k-1} - lr_k) * G(lr_k^-gamma * S_k(t)),  G(x) = 1 - (C x + 1)^-beta,
 * where S_k(t) is the LR area from update k to t. A decrease pays off gradually, as area accumulates at
 * the lower LR. Increases after the first decrease (a rewarm) enter with their sign.
 * @module
 */
import type { LawInput, LossLaw } from "./loss_law.ts";

/** LR changes, merged into at most this many blocks (consecutive changes), so a law costs O(points x blocks). */
export const MAX_EVENTS = 256;

/** The LR changes of a history after its warmup: update index, change (lr_{k-1} - lr_k), LR after it. */
interface Events {
  k: Int32Array;
  drop: Float64Array;
  lr: Float64Array;
}

const cache = new WeakMap<LawInput, Events>();

/** The history's LR changes after the warmup, merged in blocks of consecutive changes (sum of the changes, middle update). */
export function lrEvents(input: LawInput): Events {
  const cached = cache.get(input);
  if (cached) return cached;
  const ks: number[] = [];
  for (let k = Math.max(1, input.warmup); k < input.u.length; k++) {
    if (input.u[k - 1] !== input.u[k]) ks.push(k);
  }
  const blocks = Math.min(ks.length, MAX_EVENTS);
  const events: Events = {
    k: new Int32Array(blocks),
    drop: new Float64Array(blocks),
    lr: new Float64Array(blocks),
  };
  for (let b = 0; b < blocks; b++) {
    const [from, to] = [Math.floor((b * ks.length) / blocks), Math.floor(((b + 1) * ks.length) / blocks)];
    let drop = 0;
    for (let j = from; j < to; j++) drop += input.u[ks[j] - 1] - input.u[ks[j]];
    const k = ks[(from + to - 1) >> 1];
    events.k[b] = k;
    events.drop[b] = drop;
    events.lr[b] = input.u[k];
  }
  cache.set(input, events);
  return events;
}

/**
 * The law; parameters L0, A (log), alpha, B (log), C (log), beta, gamma.
 *
 * @example
 * ```ts
 * import { multiPowerLaw } from "./multi_power_law.ts";
 * import { lawInput } from "./loss_law.ts";
 * const lr = Float64Array.from({ length: 100 }, (_, k) => (k < 80 ? 1 : 0.1));
 * const p = [2, Math.log(3), 0.5, Math.log(0.2), Math.log(1), 0.5, 0.5];
 * const [before, after] = multiPowerLaw.evaluate(p, lawInput(lr, 1), Int32Array.from([80, 100]));
 * console.assert(after < before); // the decay at update 80 lowers the loss
 * ```
 */
export const multiPowerLaw: LossLaw = {
  name: "multi-power",
  title:
    "L = L0 + A*S1^-alpha - B*sum_k dlr_k*(1-(C*lr_k^-gamma*S_k+1)^-beta) (Luo et al. 2025, multi-power)",
  params: [
    { name: "L0", lower: 0, upper: 20, start: [0.5, 3] },
    { name: "A", lower: -12, upper: 12, start: [-2, 3], scale: "log" },
    { name: "alpha", lower: 0.005, upper: 2, start: [0.1, 1] },
    { name: "B", lower: -10, upper: 2, start: [-4, 1], scale: "log" },
    { name: "C", lower: -12, upper: 8, start: [-5, 3], scale: "log" },
    { name: "beta", lower: 0.2, upper: 1.2, start: [0.3, 1] },
    { name: "gamma", lower: 0.2, upper: 1, start: [0.3, 0.8] },
  ],
  evaluate([l0, logA, alpha, logB, logC, beta, gamma], input, at) {
    const events = lrEvents(input);
    const [a, b, c] = [Math.exp(logA), Math.exp(logB), Math.exp(logC)];
    const weight = Float64Array.from(events.lr, (lr) => c * lr ** -gamma);
    return Float64Array.from(at, (t) => {
      let reduction = 0;
      for (let e = 0; e < events.k.length && events.k[e] < t; e++) {
        const area = input.area[t] - input.area[events.k[e]];
        const x = area === 0 ? 0 : weight[e] * area;
        reduction += events.drop[e] * (1 - (x + 1) ** -beta);
      }
      return l0 + a * input.area[t] ** -alpha - b * reduction;
    });
  },
};
