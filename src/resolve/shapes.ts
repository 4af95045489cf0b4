/**
 * Building a Plan shape from what a phase says: the shape's name, its end values and its parameters.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Shape, ShapeName } from "../plan/schema.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import { type Measured, roundHalfUp } from "./durations.ts";
import type { Located } from "./effective.ts";
import type { ValueReader } from "./values.ts";
import { formatNumber } from "../diagnostics/format_number.ts";

/** The widest ratio between the ends of an exponential shape (a double overflows near 1.8e308). */
export const MAX_RATIO = 1e300;

/** What a shape is built from. */
export interface ShapeRequest {
  name: ShapeName;
  /** The shape as written (for its parameters and error locations); null when the default was used. */
  spec: Located<A.ShapeSpec> | null;
  /** Where to point when there is no spec. */
  at: Located<{ span: A.Span }>;
  from: number;
  to: number;
  /** The phase's updates, and the (fractional) updates into the phase at which a position is reached. */
  n: number;
  localUpdates: (position: Measured) => number;
  /** The default inverse-sqrt timescale (the previous phase's length), if any. */
  defaultTimescale: number | null;
  /** Where `from` and `to` were written, if they were: an error about an end points there. */
  ends?: { from?: Located<{ span: A.Span }>; to?: Located<{ span: A.Span }> };
  /** "the LR", "the weight decay", "the batch size": for messages. */
  what: string;
}

/** Builds the shape, or returns null after a diagnostic. */
export function buildShape(request: ShapeRequest, reader: ValueReader): Shape | null {
  const { name, from, to, spec } = request;
  switch (name) {
    case "constant":
      return { shape: "constant", value: from };
    case "linear":
    case "cosine":
    case "1-sqrt":
    case "rex":
      return { shape: name, from, to };
    case "exponential":
      return exponentialShape(request, reader);
    case "polynomial": {
      const power = spec?.node.power
        ? reader.number({ node: spec.node.power, source: spec.source }, "the power", {
          min: 0,
          exclusive: true,
        })
        : 1;
      return power === null ? null : { shape: "polynomial", from, to, power };
    }
    case "inverse-sqrt":
      return inverseSqrtShape(request, reader);
    case "step":
      return stepShape(request, reader);
  }
}

/** Reports R0020 at the shape as written (or where the request points without one); returns null. */
function shapeProblem(
  request: ShapeRequest,
  reader: ValueReader,
  message: string,
  hint: string | null = null,
): null {
  const at = request.spec ?? request.at;
  reader.diagnostics.push(diagnostic("R0020", at.source, at.node.span, message, hint));
  return null;
}

/** A geometric shape: both ends above 0, and their ratio at most {@link MAX_RATIO}. */
function exponentialShape(request: ShapeRequest, reader: ValueReader): Shape | null {
  const { from, to } = request;
  if (from <= 0 || to <= 0) {
    return shapeProblem(
      request,
      reader,
      `An exponential shape cannot reach 0 (${request.what} goes from ${from} to ${to})`,
      "end on a small positive value such as `to 0.01x`, or use another shape",
    );
  }
  if (to / from <= MAX_RATIO && from / to <= MAX_RATIO) return { shape: "exponential", from, to };
  const small = from < to ? "from" : "to";
  const written = request.ends?.[small] ?? request.ends?.[small === "from" ? "to" : "from"];
  const large = Math.max(from, to);
  const message = `An exponential shape from ${formatNumber(from)} to ${
    formatNumber(to)
  } spans a ratio of more than 1e300, which overflows`;
  const hint = `make \`${small}\` at least ${formatNumber(large / MAX_RATIO)}, or use a linear shape`;
  if (!written) return shapeProblem(request, reader, message, hint);
  reader.diagnostics.push(diagnostic("R0020", written.source, written.node.span, message, hint));
  return null;
}

/** `from * sqrt(t / (i + t))`, with the timescale as written or the previous phase's length. */
function inverseSqrtShape(request: ShapeRequest, reader: ValueReader): Shape | null {
  const spec = request.spec;
  let timescale = request.defaultTimescale;
  if (spec?.node.timescale) {
    const m = reader.measure({ node: spec.node.timescale, source: spec.source }, "the timescale", [
      "steps",
      "tokens",
      "samples",
    ]);
    if (!m) return null;
    timescale = request.localUpdates(m);
  }
  if (timescale === null) {
    return shapeProblem(
      request,
      reader,
      "An inverse-sqrt shape needs a timescale",
      "write `inverse-sqrt timescale 1000 steps`, or put a warmup before it",
    );
  }
  return { shape: "inverse-sqrt", from: request.from, timescale };
}

/** `step F at M1, M2, ...`: milestones that increase inside the phase, and values that stay finite. */
function stepShape(request: ShapeRequest, reader: ValueReader): Shape | null {
  const { from, n } = request;
  const spec = request.spec!;
  const factor = reader.number({ node: spec.node.factor!, source: spec.source }, "the step factor", {
    min: 0,
    exclusive: true,
  });
  if (factor === null) return null;
  const boundaries: number[] = [];
  for (const milestone of spec.node.milestones!) {
    const m = reader.measure({ node: milestone, source: spec.source }, "a milestone", [
      "%",
      "steps",
      "tokens",
      "samples",
    ]);
    if (!m) return null;
    const local = roundHalfUp(m.unit === "%" ? (m.value / 100) * n : request.localUpdates(m));
    if (local <= (boundaries.at(-1) ?? 0) || local >= n) {
      return shapeProblem(
        request,
        reader,
        `Milestone ${m.value}${
          m.unit === "%" ? "%" : ` ${m.unit}`
        } falls at update ${local} of a ${n}-update phase`,
        "milestones must increase and lie inside the phase",
      );
    }
    boundaries.push(local);
  }
  const values = [from, ...boundaries.map((_, j) => from * factor ** (j + 1))];
  if (values.every(Number.isFinite)) return { shape: "step", values, boundaries };
  const k = boundaries.length;
  reader.diagnostics.push(
    diagnostic(
      "R0020",
      spec.source,
      spec.node.factor!.span,
      `The step factor ${formatNumber(factor)} makes ${request.what} overflow after ${k} milestones`,
      `use a factor below ${
        formatNumber(Number(((Number.MAX_VALUE / Math.max(from, 1)) ** (1 / k) / 2).toPrecision(2)))
      }`,
    ),
  );
  return null;
}
