/**
 * The piecewise-formula writer the Python targets share: each phase's shape as a Python expression of the
 * local update index `i`, in the same operations and order as `shapeValue`, so that Python computes the
 * plan's values (transcendental functions aside, bit for bit). Names and paths go through `quoted`.
 * @module
 */
import type { Phase, Plan, Shape } from "../plan/schema.ts";
import { type Piece, quantityPieces } from "../plan/pieces.ts";
import { floatLiteral, quoted } from "./_literals.ts";
import { mixStages } from "./_data.ts";

/**
 * How a Python target writes the operations of a shape: plain Python floats (`math`), or jax.numpy for
 * traceable modules (see optax.ts's `JNP`).
 */
export interface PythonDialect {
  cos: string;
  sqrt: string;
  pi: string;
  /** The phase fraction `t / n`. */
  fraction(t: string, n: number): string;
  /** `base ** exponent`; `clamp` for a base that must not round below 0 (a fractional power's). */
  pow(base: string, exponent: string, clamp?: boolean): string;
  /** `then` where `condition` holds, else `otherwise`. */
  select(condition: string, then: string, otherwise: string): string;
}

/** Plain Python floats and the `math` module: the operations of `shapeValue`, bit for bit. */
export const MATH: PythonDialect = {
  cos: "math.cos",
  sqrt: "math.sqrt",
  pi: "math.pi",
  fraction: (t, n) => `(${t} / ${n})`,
  pow: (base, exponent) => `math.pow(${base}, ${exponent})`,
  select: (condition, then, otherwise) => `(${then} if ${condition} else ${otherwise})`,
};

/**
 * A shape as a Python expression of the local update index `i` in a phase of `n` updates, in `dialect`:
 * with MATH, a linear shape from 0 to 1 over 4 updates is `(0.0 + (1.0 - 0.0) * (i / 4))`.
 */
export function shapeExpression(shape: Shape, n: number, offset: 0 | 1, dialect: PythonDialect): string {
  const f = dialect;
  const t = offset === 0 ? "i" : "(i + 1)";
  const p = f.fraction(t, n);
  const num = floatLiteral;
  switch (shape.shape) {
    case "constant":
      return num(shape.value);
    case "linear":
      return `(${num(shape.from)} + (${num(shape.to)} - ${num(shape.from)}) * ${p})`;
    case "cosine":
      return `(${num(shape.to)} + (${num(shape.from)} - ${
        num(shape.to)
      }) * 0.5 * (1 + ${f.cos}(${f.pi} * ${p})))`;
    case "1-sqrt":
      return `(${num(shape.to)} + (${num(shape.from)} - ${num(shape.to)}) * (1 - ${f.sqrt}(${p})))`;
    case "exponential":
      return `(${num(shape.from)} * ${f.pow(`${num(shape.to)} / ${num(shape.from)}`, p)})`;
    case "polynomial":
      return `(${num(shape.to)} + (${num(shape.from)} - ${num(shape.to)}) * ${
        f.pow(`1 - ${p}`, num(shape.power), true)
      })`;
    case "inverse-sqrt":
      return `(${num(shape.from)} * ${f.sqrt}(${num(shape.timescale)} / (${t} + ${num(shape.timescale)})))`;
    case "rex":
      return `(${num(shape.to)} + (${num(shape.from)} - ${num(shape.to)}) * ((1 - ${p}) / (1 - ${p} / 2)))`;
    case "step":
      return shape.boundaries.reduce(
        (expression, b, j) => f.select(`${t} >= ${b}`, num(shape.values[j + 1]), expression),
        num(shape.values[0]),
      );
  }
}

/**
 * A Python tuple of `(start, end, lambda i: value)` rows, one per piece, for one per-update quantity.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { MATH, pieceTable } from "./_python.ts";
 * import { quantityPieces } from "../plan/pieces.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const table = pieceTable("_LR", quantityPieces(plan, "lr"), MATH);
 * console.assert(table.startsWith("_LR = (\n    (0, 16, lambda i: (0.0 + (0.003 - 0.0) * (i / 16))),"));
 * ```
 */
export function pieceTable(name: string, pieces: readonly Piece[], dialect: PythonDialect): string {
  const rows = pieces.map((piece) =>
    `    (${piece.start}, ${piece.end}, lambda i: ${
      shapeExpression(piece.shape, piece.end - piece.start, piece.offset, dialect)
    }),`
  );
  return `${name} = (\n${rows.join("\n")}\n)\n`;
}

/** The Python of a plan's schedules of context, betas and clip, when it has them. */
export interface ExtraSchedules {
  /** Their tables and `context_at`, `beta1_at`, `beta2_at`, `clip_at` (empty when the plan has none). */
  code: string;
  /** Whether the betas change during training (the optimizer must take `beta1_at` and `beta2_at`). */
  betas: boolean;
  /** Whether the clipping threshold changes during training (`clip_at`). */
  clip: boolean;
}

/** Whether the plan schedules beta1 or beta2 (the optimizer then takes `beta1_at` and `beta2_at`). */
export function scheduledBetas(plan: Plan): boolean {
  return Boolean(plan.timelines?.beta1 || plan.timelines?.beta2);
}

/**
 * The optax gradient-clipping transform of a plan that clips: at `clip_at(count)` when it schedules the
 * threshold, else at `CLIP`.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { optaxClip } from "./_python.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * console.assert(optaxClip(plan) === "optax.clip_by_global_norm(CLIP)");
 * ```
 */
export function optaxClip(plan: Plan): string {
  return plan.timelines?.clip
    ? "optax.inject_hyperparams(optax.clip_by_global_norm)(max_norm=clip_at)"
    : "optax.clip_by_global_norm(CLIP)";
}

/**
 * The tables and lookups of the quantities with schedules of their own beyond LR, weight decay and batch:
 * context (for the data loader), betas and clip, with `lookup` the module's table function (`_value` for
 * torch, `_select` for jax) in `dialect`.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { extraSchedules, MATH } from "./_python.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * console.assert(extraSchedules(plan, MATH, "_value").code === "");
 * ```
 */
export function extraSchedules(plan: Plan, dialect: PythonDialect, lookup: string): ExtraSchedules {
  const own = plan.timelines ?? {};
  const betas = scheduledBetas(plan);
  const parts: string[] = [];
  const lookupOf = (name: string, table: string, what: string, body = `${lookup}(${table}, step)`) =>
    `def ${name}(step):\n    """${what} of update \`step\`."""\n    return ${body}\n`;
  if (own.context) {
    parts.push(
      pieceTable("_CONTEXT", quantityPieces(plan, "context"), MATH),
      lookupOf(
        "context_at",
        "_CONTEXT",
        "Tokens per sequence",
        "max(1, math.floor(_value(_CONTEXT, step) + 0.5))",
      ),
    );
  }
  if (betas) {
    parts.push(
      pieceTable("_BETA1", quantityPieces(plan, "beta1"), dialect),
      pieceTable("_BETA2", quantityPieces(plan, "beta2"), dialect),
      lookupOf("beta1_at", "_BETA1", "AdamW's beta1"),
      lookupOf("beta2_at", "_BETA2", "AdamW's beta2"),
    );
  }
  if (own.clip) {
    parts.push(
      pieceTable("_CLIP", quantityPieces(plan, "clip"), dialect),
      lookupOf("clip_at", "_CLIP", "The gradient-norm clipping threshold"),
    );
  }
  return { code: parts.join("\n"), betas, clip: Boolean(own.clip) };
}

/** The plan's mixture stages and sources as Python literals (`MIXTURES`, `SOURCES`). */
function dataTables(plan: Plan, stages: { start: number; end: number; mix: Phase["mix"] }[]): string {
  const mixRows = stages.map((s) =>
    `    (${s.start}, ${s.end}, {${
      Object.entries(s.mix).map(([name, w]) => `${quoted(name)}: ${floatLiteral(w)}`).join(", ")
    }}),`
  );
  const sourceRows = plan.sources.map((s) =>
    `    ${quoted(s.name)}: {"kind": ${quoted(s.kind)}, "uri": ${quoted(s.uri)}},`
  );
  return [
    "# (first update, end update, normalised source weights) for each mixture stage.",
    `MIXTURES = (\n${mixRows.join("\n")}\n)`,
    "# Each source's kind and URI: a dataset's path, or a corpus/files source of the recipe trainer.",
    `SOURCES = {\n${sourceRows.join("\n")}\n}`,
    "",
  ].join("\n");
}

/** `BASE_LR` of the Python modules: the optimizer's peak, or 1 when it is 0 (lambdas divide by it). */
export function baseLr(plan: Plan): number {
  return plan.optimizer.lr > 0 ? plan.optimizer.lr : 1;
}

/** The header and tables the Python modules share: plan identity and the per-update pieces in `dialect`. */
export function pythonPreamble(plan: Plan, purpose: string, imports: string[], release: string): string {
  const stages = mixStages(plan).map((s) => ({ start: s.start, end: s.end, mix: s.phase.mix }));
  return [
    `"""${purpose}`,
    "",
    `Written for ${release}.`,
    "",
    "Generated by recipe from a plan: do not edit. Update `step` counts optimizer updates from 0; steps past",
    "the plan keep its last value. Each table row is (first update, end update, value at local update i).",
    '"""',
    ...imports,
    "",
    `PLAN = ${quoted(plan.name)}`,
    `RECIPE_FILE = ${quoted(plan.file)}`,
    `STEPS = ${plan.steps}`,
    `BASE_LR = ${floatLiteral(baseLr(plan))}`,
    "",
    dataTables(plan, stages),
  ].join("\n");
}

/** The plain-Python lookups (batch size, mixture) both Python modules define. */
export const PYTHON_LOOKUPS = `
def _value(table, step):
    t = min(max(int(step), 0), STEPS - 1)
    for start, end, value in table:
        if t < end:
            return value(t - start)
    raise AssertionError("the tables cover every update")


def batch_size_at(step):
    """Sequences in the batch of update \`step\`."""
    return max(1, math.floor(_value(_BATCH, step) + 0.5))


def mixture_at(step):
    """The normalised source weights of update \`step\`."""
    t = min(max(int(step), 0), STEPS - 1)
    for start, end, mix in MIXTURES:
        if t < end:
            return dict(mix)
    raise AssertionError("the stages cover every update")
`;
