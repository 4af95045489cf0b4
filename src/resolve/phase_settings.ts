/**
 * The shaped settings of a phase body: `weight_decay` and `batch`, each a constant or a shape that starts
 * from the value carried in from the phases before (`batch linear from 32 to 128`).
 * @module
 */
import type * as A from "../syntax/ast.ts";
import { formatCount } from "../diagnostics/format_number.ts";
import type { Shape, ShapeName } from "../plan/schema.ts";
import { MAX_BATCH } from "../plan/invariants.ts";
import { shapeEndValue, shapeValue } from "../plan/shape_value.ts";
import { type RecipeContext, report } from "./context.ts";
import type { Measured } from "./durations.ts";
import type { Located } from "./effective.ts";
import { buildShape } from "./shapes.ts";

/** The shapes a batch may follow: those whose value does not depend on the phase's length. */
export const BATCH_SHAPES: readonly ShapeName[] = [
  "constant",
  "linear",
  "cosine",
  "1-sqrt",
  "exponential",
  "polynomial",
  "rex",
];

/** One shaped setting to resolve, and what it is resolved against. */
export interface SettingRequest {
  setting: Located<A.ShapedSetting>;
  /** The value in effect before the phase (a shape's default `from`). */
  carried: Shape;
  /** What a relative value (`0.1x`) multiplies. */
  base: number;
  /** The phase's updates. */
  n: number;
  /** The updates into the phase at which a position is reached. */
  localUpdates: (position: Measured) => number;
  /** "the weight decay", "the batch size": for messages. */
  what: string;
}

/** A shaped per-phase setting: a constant, or a shape from the carried value; null after a diagnostic. */
export function settingShape(context: RecipeContext, request: SettingRequest): Shape | null {
  const { setting, what } = request;
  const rule = setting.node.key === "batch"
    ? {
      base: request.base,
      min: 1,
      max: MAX_BATCH,
      maxHint: `a batch is at most ${formatCount(MAX_BATCH)} sequences per update`,
    }
    : { base: request.base, min: 0 };
  const valueAt = (expr: A.Expr, label: string) =>
    context.read.number({ node: expr, source: setting.source }, `${what} (${label})`, rule);
  if (setting.node.value) {
    const value = valueAt(setting.node.value, setting.node.key);
    return value === null ? null : { shape: "constant", value };
  }
  const spec = setting.node.shape!;
  const option = (key: string) => setting.node.options.find((o) => o.key === key);
  if (option("at")) {
    report(
      context.diagnostics,
      "R0020",
      { node: option("at")!, source: setting.source },
      `The option \`at\` does not apply to ${what}`,
      "use `from` and `to`",
    );
    return null;
  }
  if (setting.node.key === "batch" && !BATCH_SHAPES.includes(spec.name)) {
    report(
      context.diagnostics,
      "R0020",
      { node: spec, source: setting.source },
      `The batch size cannot follow a "${spec.name}" shape`,
      `use one of ${BATCH_SHAPES.join(", ")}`,
    );
    return null;
  }
  const from = option("from") ? valueAt(option("from")!.expr, "from") : shapeEndValue(request.carried, 1);
  const to = option("to") ? valueAt(option("to")!.expr, "to") : from;
  if (from === null || to === null) return null;
  const written = (key: string) =>
    option(key) ? { node: option(key)!.expr, source: setting.source } : undefined;
  return buildShape({
    name: spec.name,
    spec: { node: spec, source: setting.source },
    at: setting,
    ends: { from: written("from"), to: written("to") },
    from,
    to,
    n: request.n,
    localUpdates: request.localUpdates,
    defaultTimescale: null,
    what,
  }, context.read);
}

/**
 * The mean of a shape over its phase (continuous, midpoint rule): the batch a duration converts with.
 *
 * @example
 * ```ts
 * import { meanValue } from "./phase_settings.ts";
 * meanValue({ shape: "linear", from: 32, to: 64 }); // 48
 * ```
 */
export function meanValue(shape: Shape): number {
  if (shape.shape === "constant") return shape.value;
  const samples = 1024;
  let sum = 0;
  for (let i = 0; i < samples; i++) sum += shapeValue(shape, i + 0.5, samples, 0);
  return sum / samples;
}
