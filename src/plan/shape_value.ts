/**
 * Evaluating shapes. One implementation serves `evaluate` and the table, so both give identical bits.
 * @module
 */
import type { Shape } from "./schema.ts";

/**
 * The function i -> value of `shape` over a phase of `n` updates, evaluated at p = (i + offset) / n. The
 * dispatch on the shape happens once, so filling a column is a tight loop.
 *
 * @example
 * ```ts
 * import { shapeFunction } from "./shape_value.ts";
 * const f = shapeFunction({ shape: "cosine", from: 1, to: 0 }, 100, 0);
 * f(0); // 1
 * ```
 */
export function shapeFunction(shape: Shape, n: number, offset: 0 | 1): (i: number) => number {
  switch (shape.shape) {
    case "constant": {
      const value = shape.value;
      return () => value;
    }
    case "linear": {
      const { from, to } = shape;
      return (i) => from + (to - from) * ((i + offset) / n);
    }
    case "cosine": {
      const { from, to } = shape;
      return (i) => to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * ((i + offset) / n)));
    }
    case "1-sqrt": {
      const { from, to } = shape;
      return (i) => to + (from - to) * (1 - Math.sqrt((i + offset) / n));
    }
    case "exponential": {
      const { from, to } = shape;
      return (i) => from * Math.pow(to / from, (i + offset) / n);
    }
    case "polynomial": {
      const { from, to, power } = shape;
      return (i) => to + (from - to) * Math.pow(1 - (i + offset) / n, power);
    }
    case "inverse-sqrt": {
      const { from, timescale } = shape;
      return (i) => from * Math.sqrt(timescale / (i + offset + timescale));
    }
    case "rex": {
      const { from, to } = shape;
      return (i) => {
        const p = (i + offset) / n;
        return to + (from - to) * ((1 - p) / (1 - p / 2));
      };
    }
    case "step": {
      const { values, boundaries } = shape;
      return (i) => {
        let j = 0;
        while (j < boundaries.length && boundaries[j] <= i + offset) j++;
        return values[j];
      };
    }
  }
}

/**
 * The value of `shape` at local update `i` of a phase of `n` updates, evaluated at p = (i + offset) / n.
 *
 * @example
 * ```ts
 * import { shapeValue } from "./shape_value.ts";
 * shapeValue({ shape: "linear", from: 0, to: 1 }, 1, 4, 0); // 0.25
 * ```
 */
export function shapeValue(shape: Shape, i: number, n: number, offset: 0 | 1): number {
  return shapeFunction(shape, n, offset)(i);
}

/** The value a shape approaches at the end of its phase (p = 1), which the next phase starts from by default. */
export function shapeEndValue(shape: Shape, n: number): number {
  return shapeValue(shape, n, n, 0);
}
