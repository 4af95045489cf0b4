/**
 * The `optax` target: an importable Python module whose `schedule(count)` is the plan's LR at update
 * `count`, built from jax.numpy so that it traces under jit, for every plan. Weight decay is a schedule too:
 * `optimizer()` injects both into optax.adamw with `optax.inject_hyperparams`. Exact to 1e-12 with
 * `jax.config.update("jax_enable_x64", True)`; in float32 to float32 rounding of the plan's formulas (so
 * to about 1e-7 of the phase's peak: the last updates of a decay towards 0 carry a larger relative error).
 * Under jit too: no update is NaN, and where the plan is 0 the schedule is exactly 0 (see `_fraction`).
 * A plan with parameter groups gets `optimizer()` as `optax.multi_transform` over `labels(params)`, one
 * AdamW per (group, decays) with the group's multiples of the schedules (see _param_groups.ts). A plan's
 * EMA of the weights is `update_ema(ema_params, params, step)` (optax.incremental_update).
 * @module
 */
import type { Target } from "./target.ts";
import { quantityPieces } from "../plan/pieces.ts";
import {
  extraSchedules,
  MATH,
  optaxClip,
  pieceTable,
  PYTHON_LOOKUPS,
  type PythonDialect,
  pythonPreamble,
} from "./_python.ts";
import { floatLiteral, moduleStem, quoted } from "./_literals.ts";
import { emaPython } from "./_ema.ts";
import { optaxGroups } from "./_param_groups.ts";

/**
 * jax.numpy, traceable under jit. The operations of `shapeValue` in the same order, except that the phase
 * fraction is `_fraction(t, n)`, t / n clamped to [0, 1] and exactly 1 at t = n (XLA divides by a constant
 * as a multiply by its reciprocal, and fuses a multiply and add, so a bare `1 - t / n` can end below 0),
 * and a fractional power's base is clamped at 0, so that no update is NaN and an inclusive decay to 0 ends
 * at exactly 0.
 *
 * @example
 * ```ts
 * import { JNP } from "./optax.ts";
 * import { shapeExpression } from "./_python.ts";
 * const linear = shapeExpression({ shape: "linear", from: 0, to: 1 }, 4, 0, JNP);
 * console.assert(linear === "(0.0 + (1.0 - 0.0) * _fraction(i, 4))");
 * ```
 */
export const JNP: PythonDialect = {
  cos: "jnp.cos",
  sqrt: "jnp.sqrt",
  pi: "jnp.pi",
  fraction: (t, n) => `_fraction(${t}, ${n})`,
  pow: (base, exponent, clamp) => `jnp.power(${clamp ? `jnp.maximum(${base}, 0.0)` : base}, ${exponent})`,
  select: (condition, then, otherwise) => `jnp.where(${condition}, ${then}, ${otherwise})`,
};

/** The releases the module was checked with. */
const RELEASE = "optax 0.2.8, jax 0.10.2";

/** The `optax` target. */
export const optax: Target = {
  name: "optax",
  timelines: ["batch", "context", "weightDecay", "beta1", "beta2", "clip", "emaDecay"],
  release: RELEASE,
  description: "Python module (jax, optax): schedule(count) and optimizer(), any plan",
  carriesEma: true,
  emit(plan) {
    const [b1, b2] = plan.optimizer.betas;
    const extras = extraSchedules(plan, JNP, "_select");
    const content = [
      pythonPreamble(plan, `The schedule of plan ${quoted(plan.name)} for optax.`, [
        ...(plan.groups ? ["import fnmatch", "import re"] : []),
        "import math",
        "",
        ...(plan.groups ? ["import jax"] : []),
        "import jax.numpy as jnp",
        "import optax",
      ], RELEASE),
      `CLIP = ${
        plan.optimizer.clip === null && !extras.clip ? "None" : floatLiteral(plan.optimizer.clip ?? 0)
      }`,
      "",
      pieceTable("_LR", quantityPieces(plan, "lr"), JNP),
      pieceTable("_WEIGHT_DECAY", quantityPieces(plan, "weightDecay"), JNP),
      pieceTable("_BATCH", quantityPieces(plan, "batch"), MATH),
      PYTHON_LOOKUPS,
      ...(extras.code ? [extras.code] : []),
      `
def _fraction(t, n):
    """The phase fraction t / n in [0, 1], exactly 1 at t = n whatever XLA makes of the division."""
    return jnp.where(t >= n, 1.0, jnp.clip(t / n, 0.0, 1.0))


def _select(table, count):
    t = jnp.clip(jnp.asarray(count), 0, STEPS - 1)

    def local(start, end):  # the local index as a float (float64 under jax_enable_x64)
        return jnp.clip(t - start, 0, end - start - 1).astype(float)

    start, end, value = table[-1]
    out = value(local(start, end))
    for start, end, value in reversed(table[:-1]):
        out = jnp.where(t < end, value(local(start, end)), out)
    return jnp.asarray(out)


def schedule(count):
    """The learning rate of update \`count\` (an optax schedule)."""
    return _select(_LR, count)


def weight_decay_schedule(count):
    """The decoupled weight decay of update \`count\` (optax.adamw's weight_decay)."""
    return _select(_WEIGHT_DECAY, count)
`,
      plan.groups ? optaxGroups(plan) : `
def optimizer():
    """AdamW with the plan's LR and weight decay schedules, betas, eps and gradient clipping."""
    adamw = optax.inject_hyperparams(optax.adamw)(
        learning_rate=schedule,
        b1=${extras.betas ? "beta1_at" : floatLiteral(b1)},
        b2=${extras.betas ? "beta2_at" : floatLiteral(b2)},
        eps=${floatLiteral(plan.optimizer.eps)},
        weight_decay=weight_decay_schedule,
    )
    return adamw if CLIP is None else optax.chain(${optaxClip(plan)}, adamw)
`,
      ...(plan.ema ? [emaPython(plan, "optax")] : []),
    ].join("\n");
    const notes = plan.init
      ? [
        `restore the parameters of ${JSON.stringify(plan.init.recipe)} at ${
          JSON.stringify(plan.init.checkpoint)
        } and start the optimizer count at 0`,
      ]
      : [];
    const module = `${moduleStem(plan.name)}_optax`;
    return {
      files: [{ name: `${module}.py`, content }],
      notes,
      maxDeviation: 0,
      tier: "universal",
      usage: [
        `from ${module} import optimizer${plan.ema ? ", update_ema" : ""}`,
        plan.groups
          ? "tx = optimizer()  # optax.multi_transform: one AdamW per parameter group, labelled by labels(params)"
          : "tx = optimizer()  # optax.adamw with the plan's schedules",
        ...(plan.ema ? ["ema_params = update_ema(ema_params, params, step)  # after every update"] : []),
      ],
    };
  },
};
