/**
 * Laying an import's pieces out as recipe phases: one phase wherever the LR, the weight decay or the
 * mixture changes, cutting a trainer's piece where another setting changes (or where the run ends before
 * the trainer's schedule does) when its shape can be cut exactly, and refusing where it cannot.
 * @module
 */
import type { Shape } from "../plan/schema.ts";
import { ConfigError } from "./config_error.ts";
import type { Imported, Piece } from "./imported.ts";

/** One phase of the recipe: updates [start, end), its LR and weight decay with the phase's offset. */
export interface LaidPhase {
  start: number;
  end: number;
  offset: 0 | 1;
  lr: Shape;
  /** Null when the optimizer's weight decay holds throughout. */
  weightDecay: Shape | null;
  /** The mixture stage in effect (index into `Imported.stages`), or -1 without data. */
  stage: number;
}

/**
 * The part [a, b) of `piece`, as a shape evaluated with offset `offset` over b - a updates: the same values
 * at every update, or null when the shape cannot be cut (a cosine or 1-sqrt is not one on part of its span).
 *
 * @example
 * ```ts
 * import { cutPiece } from "./phases.ts";
 * cutPiece({ start: 0, end: 10, offset: 0, shape: { shape: "linear", from: 0, to: 1 } }, 5, 10, 0);
 * // { shape: "linear", from: 0.5, to: 1 }
 * ```
 */
export function cutPiece(piece: Piece, a: number, b: number, offset: 0 | 1): Shape | null {
  const { shape } = piece;
  if (piece.start === a && piece.end === b && piece.offset === offset) return shape;
  if (shape.shape === "constant") return shape;
  const n = piece.end - piece.start;
  // The new phase's p = 0 and p = 1 fall at these positions of the piece's own p.
  const p0 = (a - offset - piece.start + piece.offset) / n;
  const p1 = (b - offset - piece.start + piece.offset) / n;
  switch (shape.shape) {
    case "linear": {
      const at = (p: number) =>
        p === 0 ? shape.from : p === 1 ? shape.to : shape.from + (shape.to - shape.from) * p;
      return { shape: "linear", from: at(p0), to: at(p1) };
    }
    case "exponential": {
      const at = (p: number) =>
        p === 0 ? shape.from : p === 1 ? shape.to : shape.from * (shape.to / shape.from) ** p;
      return { shape: "exponential", from: at(p0), to: at(p1) };
    }
    case "inverse-sqrt": {
      const timescale = shape.timescale + p0 * n;
      if (!(timescale > 0)) return null;
      return { shape: "inverse-sqrt", from: shape.from * Math.sqrt(shape.timescale / timescale), timescale };
    }
    default:
      return null;
  }
}

const CUTTABLE = new Set(["constant", "linear", "exponential", "inverse-sqrt"]);

/** Adjacent constant pieces of one value as one piece. */
function merged(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const last = out.at(-1);
    if (
      last && last.end === p.start && last.shape.shape === "constant" && p.shape.shape === "constant" &&
      last.shape.value === p.shape.value
    ) out[out.length - 1] = { ...last, end: p.end };
    else out.push(p);
  }
  return out;
}

/**
 * Where a setting changes one update into an exclusive piece that cannot be cut (a trainer that reaches
 * values one update early wrote an \`inclusive\` phase as an exclusive one started an update sooner), the
 * piece as it was written: its first update held at \`from\`, then the shape \`inclusive\` one update later,
 * taking the first update of the constant piece after it, which holds \`to\`.
 */
function inclusiveTwins(pieces: Piece[], cuts: Set<number>): Piece[] {
  const out = pieces.map((p) => ({ ...p }));
  for (let i = 0; i + 1 < out.length; i++) {
    const [p, next] = [out[i], out[i + 1]];
    const to = "to" in p.shape ? p.shape.to : NaN;
    if (
      p.offset !== 0 || CUTTABLE.has(p.shape.shape) || !cuts.has(p.start + 1) || p.end - p.start < 2 ||
      next.start !== p.end || next.shape.shape !== "constant" || next.shape.value !== to
    ) continue;
    const from = (p.shape as { from: number }).from;
    out.splice(i, 1, {
      start: p.start,
      end: p.start + 1,
      shape: { shape: "constant", value: from },
      offset: 0,
    }, {
      ...p,
      start: p.start + 1,
      end: p.end + 1,
      offset: 1,
    });
    next.start++;
    if (next.start >= next.end) out.splice(i + 2, 1);
  }
  return merged(out);
}

const covering = (pieces: Piece[], k: number) => pieces.findLast((p) => p.start <= k && k < p.end);

/**
 * The phases of an import: cut wherever the LR, the weight decay or the mixture changes, and at the end
 * of the run. Throws a ConfigError where a piece would have to be cut and its shape cannot be.
 *
 * @example
 * ```ts
 * import { layPhases } from "./phases.ts";
 * // layPhases(imported).map((p) => [p.start, p.end]) // [[0, 100], [100, 800], [800, 1000]]
 * ```
 */
export function layPhases(source: Imported): LaidPhase[] {
  const T = source.steps;
  const others = [...source.weightDecay.map((p) => p.start), ...source.stages.map((s) => s.start)];
  const imported = { ...source, lr: inclusiveTwins(merged(source.lr), new Set(others)) };
  const starts = [...imported.lr.map((p) => p.start), ...imported.lr.map((p) => p.end), ...others];
  const cuts = [...new Set([0, T, ...starts.filter((s) => s > 0 && s < T)])].sort((a, b) => a - b);
  const phases: LaidPhase[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    const lrPiece = covering(imported.lr, a);
    if (!lrPiece) {
      throw new ConfigError(imported.file, 0, "schedule", `the LR schedule does not cover update ${a}`);
    }
    const lr = cutPiece(lrPiece, a, b, lrPiece.offset) ?? refuseCut(imported, lrPiece, a, b, "LR");
    const wdPiece = covering(imported.weightDecay, a);
    const weightDecay = wdPiece
      ? cutPiece(wdPiece, a, b, lrPiece.offset) ?? refuseCut(imported, wdPiece, a, b, "weight decay")
      : null;
    const stage = imported.stages.findLastIndex((s) => s.start <= a);
    phases.push({ start: a, end: b, offset: lrPiece.offset, lr, weightDecay, stage });
  }
  return phases;
}

function refuseCut(imported: Imported, piece: Piece, a: number, b: number, what: string): never {
  const cut = a === piece.start ? b : a;
  const stage = imported.stages.find((s) => s.start === cut && s.key);
  const why = b === imported.steps && piece.end > b
    ? `the run ends at update ${b}, before the ${what} schedule's ${piece.shape.shape} part does (update ${piece.end})`
    : `${stage ? "the data stage" : "another setting"} changes at update ${cut}, inside the ${what}'s ` +
      `${piece.shape.shape} part over updates ${piece.start}..${piece.end}`;
  throw new ConfigError(
    imported.file,
    stage?.line ?? 0,
    stage?.key ?? "schedule",
    `${why}: a recipe phase cannot hold part of a ${piece.shape.shape} curve; align the change with the ` +
      `schedule's boundaries`,
  );
}
