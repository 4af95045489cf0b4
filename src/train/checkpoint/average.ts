/**
 * Weight averaging as a recipe step: the element-wise mean of the model weights of several checkpoints
 * (`checkpoint average "avg" of "a", "b", "c"`), written as a checkpoint of its own.
 * @module
 */
import type { HostTensor } from "../engine.ts";
import { InputError } from "../../diagnostics/input_error.ts";

/**
 * The element-wise mean of the same tensors of several checkpoints, summed in float64 in the order given
 * and rounded to float32 once. Throws an InputError when the checkpoints do not hold the same tensors.
 *
 * @example
 * ```ts
 * import { averageWeights } from "./average.ts";
 * const t = (x: number) => [{ name: "w", shape: [2], data: new Float32Array([x, 2 * x]) }];
 * const [mean] = averageWeights([t(1), t(2), t(6)]);
 * console.assert(mean.data[0] === 3 && mean.data[1] === 6);
 * ```
 */
export function averageWeights(checkpoints: HostTensor[][]): HostTensor[] {
  const [first, ...rest] = checkpoints;
  return first.map((tensor, i) => {
    const sum = Float64Array.from(tensor.data);
    for (const other of rest) {
      const match = other[i];
      if (!match || match.name !== tensor.name || match.data.length !== tensor.data.length) {
        throw new InputError(`Cannot average checkpoints that hold different tensors ("${tensor.name}")`);
      }
      for (let j = 0; j < sum.length; j++) sum[j] += match.data[j];
    }
    const data = new Float32Array(sum.length);
    for (let j = 0; j < sum.length; j++) data[j] = sum[j] / checkpoints.length;
    return { name: tensor.name, shape: tensor.shape, data };
  });
}
