/**
 * Float64 reference of the optimizer update: global gradient-norm clipping as
 * torch.nn.utils.clip_grad_norm_ followed by torch.optim.AdamW, over named tensors.
 * @module
 */
import type { UpdateSettings } from "../engine.ts";

/** AdamW moments of one tensor. */
export interface Moments {
  m: Float64Array;
  v: Float64Array;
}

/** Global L2 norm of all gradients. */
export function globalNorm(grads: Iterable<ArrayLike<number>>): number {
  let sum = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sum += g[i] * g[i];
  return Math.sqrt(sum);
}

/**
 * One update, in place: clip (coef = clip / (norm + 1e-6), applied when < 1, with `clip` the threshold or
 * null), then for each tensor, with its own settings `settingsOf(name)` (a parameter group's LR, betas and
 * eps; weight decay 0 where it does not decay): p *= 1 - lr * wd, the moment updates and
 * p -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps). `step` counts from 1.
 * Returns the pre-clip norm.
 */
export function adamwUpdate(
  params: Map<string, Float64Array>,
  grads: Map<string, Float64Array>,
  moments: Map<string, Moments>,
  clip: number | null,
  step: number,
  settingsOf: (name: string) => UpdateSettings,
): number {
  const norm = globalNorm(grads.values());
  const coef = clip === null ? 1 : Math.min(1, clip / (norm + 1e-6));
  for (const [name, p] of params) {
    const settings = settingsOf(name);
    const bc1 = 1 - settings.beta1 ** step;
    const bc2 = 1 - settings.beta2 ** step;
    const g = grads.get(name)!;
    let state = moments.get(name);
    if (!state) moments.set(name, state = { m: new Float64Array(p.length), v: new Float64Array(p.length) });
    const { m, v } = state;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * coef;
      p[i] *= 1 - settings.lr * settings.weightDecay;
      m[i] = settings.beta1 * m[i] + (1 - settings.beta1) * gi;
      v[i] = settings.beta2 * v[i] + (1 - settings.beta2) * gi * gi;
      p[i] -= (settings.lr / bc1) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + settings.eps);
    }
  }
  return norm;
}
