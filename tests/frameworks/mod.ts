/**
 * Every target's own scheduler, re-implemented from its framework's source (one file each), behind one
 * function: the LR the framework gives updates 0..T-1 when fed the emitted files.
 * @module
 */
import type { Emitted } from "../../src/emit/target.ts";
import { lrTrace as hf } from "./hf.ts";
import { lrTrace as torchtitan } from "./torchtitan.ts";
import { lrTrace as megatron } from "./megatron.ts";
import { lrTrace as nanotron } from "./nanotron.ts";
import { lrTrace as olmo } from "./olmo.ts";
import { lrTrace as optax } from "./optax.ts";
import { lrTrace as pytorch } from "./pytorch.ts";
import { lrTrace as deepspeed } from "./deepspeed.ts";
import { lrTrace as csv } from "./csv.ts";

/** The LR trace a target's framework follows for its emitted files (`steps`: for configs without a length). */
export const FRAMEWORKS: Record<string, (emitted: Emitted, steps: number) => number[]> = {
  hf: (e) => hf(e.files[0].content),
  torchtitan: (e) => torchtitan(e.files[0].content),
  megatron: (e) => megatron(e.files[0].content),
  nanotron: (e) => nanotron(e.files[0].content),
  olmo: (e) => olmo(e.files[0].content),
  optax: (e) => optax(e.files[0].content),
  pytorch: (e) => pytorch(e.files[0].content),
  deepspeed: (e, steps) => deepspeed(e.files[0].content, steps),
  csv: (e) => csv(e.files[0].content),
};

/** The first update where `actual` differs from `expected` by more than 1e-12 relative (0 must be exactly 0), or null. */
export function traceMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  if (actual.length !== expected.length) return `${actual.length} updates instead of ${expected.length}`;
  for (let k = 0; k < expected.length; k++) {
    const [a, e] = [actual[k], expected[k]];
    if (!(Math.abs(a - e) <= 1e-12 * Math.max(Math.abs(a), Math.abs(e)))) {
      return `update ${k}: the framework gives ${a}, the plan ${e} (relative error ${
        Math.abs(a - e) / Math.abs(e)
      })`;
    }
  }
  return null;
}
