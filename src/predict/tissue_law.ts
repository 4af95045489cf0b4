/**
 * The LR-annealing law of Tissue et al. (2024), "Scaling Law with Learning Rate Annealing":
 * L(t) = L0 + A * S1^-alpha - C * S2, where S1 is the forward area (the sum of the LRs so far) and S2 the
 * annealing area: the sum over updates of a momentum of LR decreases, m_i = lambda * m_{i-1} +
 * (lr_{i-1} - lr_i), with lambda about 0.999. LR increases after the first decrease (a rewarm) enter m
 * with their sign, so S2 shrinks and the predicted loss rises.
 * @module
 */
import type { LawInput, LossLaw } from "./loss_law.ts";

/** The annealing area S2 after every number of updates 0..T, for momentum `lambda`. */
export function annealingArea(input: LawInput, lambda: number): Float64Array {
  const { u, warmup } = input;
  const s2 = new Float64Array(u.length + 1);
  let m = 0;
  for (let i = 1; i < u.length; i++) {
    m = lambda * m + (i >= warmup ? u[i - 1] - u[i] : 0);
    s2[i + 1] = s2[i] + m;
  }
  return s2;
}

/**
 * The law; parameters L0, A (log), alpha, C (log) and lambda (as -log10(1 - lambda), in [0.9, 0.9999]).
 * Lambda is fitted by default: it is the delay, in updates, between an LR decrease and its effect, and
 * the paper's 0.999 (a memory of about 1,000 updates) suits long runs; runs of a few hundred updates fit
 * a shorter one (fix it with `fixed: { lambda: 0.999 }`).
 *
 * @example
 * ```ts
 * import { tissueLaw } from "./tissue_law.ts";
 * import { lawInput } from "./loss_law.ts";
 * const input = lawInput(new Float64Array(100).fill(1), 1);
 * const loss = tissueLaw.evaluate([2, Math.log(3), 0.5, Math.log(0.01), 3], input, Int32Array.from([100]));
 * console.assert(Math.abs(loss[0] - 2.3) < 1e-12); // 2 + 3 * 100^-0.5: no annealing at constant LR
 * ```
 */
export const tissueLaw: LossLaw = {
  name: "tissue",
  title: "L = L0 + A*S1^-alpha - C*S2 (Tissue et al. 2024, LR annealing)",
  params: [
    { name: "L0", lower: 0, upper: 20, start: [0.5, 3] },
    { name: "A", lower: -12, upper: 12, start: [-2, 3], scale: "log" },
    { name: "alpha", lower: 0.005, upper: 2, start: [0.1, 1] },
    { name: "C", lower: -20, upper: 5, start: [-8, 0], scale: "log" },
    { name: "lambda", lower: 1, upper: 4, start: [2, 3.5], scale: "momentum" },
  ],
  evaluate([l0, logA, alpha, logC, zeta], input, at) {
    const s2 = annealingArea(input, 1 - 10 ** -zeta);
    const [a, c] = [Math.exp(logA), Math.exp(logC)];
    return Float64Array.from(at, (t) => l0 + a * input.area[t] ** -alpha - c * s2[t]);
  },
};
