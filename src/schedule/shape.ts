/**
 * Evaluating one shape at one update of its phase.
 * @module
 */
import type { Shape } from "../plan/schema.ts";

/**
 * The value of `shape` at local update `i` of a phase of `n` updates, evaluated at p = (i + offset) / n.
 *
 * @example
 * ```ts
 * import { shapeValue } from "./shape.ts";
 * shapeValue({ shape: "linear", from: 0, to: 1 }, 1, 4, 0); // 0.25
 * ```
 */
export function shapeValue(shape: Shape, i: number, n: number, offset: 0 | 1): number {
  const t = i + offset;
  const p = t / n;
  switch (shape.shape) {
    case "constant":
      return shape.value;
    case "linear":
      return shape.from + (shape.to - shape.from) * p;
    case "cosine":
      return shape.to + (shape.from - shape.to) * 0.5 * (1 + Math.cos(Math.PI * p));
    case "1-sqrt":
      return shape.to + (shape.from - shape.to) * (1 - Math.sqrt(p));
    case "exponential":
      return shape.from * Math.pow(shape.to / shape.from, p);
    case "polynomial":
      return shape.to + (shape.from - shape.to) * Math.pow(1 - p, shape.power);
    case "inverse-sqrt":
      return shape.from * Math.sqrt(shape.timescale / (t + shape.timescale));
    case "rex":
      return shape.to + (shape.from - shape.to) * ((1 - p) / (1 - p / 2));
    case "step": {
      let j = 0;
      while (j < shape.boundaries.length && shape.boundaries[j] <= t) j++;
      return shape.values[j];
    }
  }
}

/** The value a shape approaches at the end of its phase (p = 1), which the next phase starts from by default. */
export function shapeEndValue(shape: Shape, n: number): number {
  return shapeValue(shape, n, n, 0);
}
