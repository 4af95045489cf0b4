/**
 * Parameter groups: `group "name" <role> { settings }` in the optimizer block. A group's `lr` and
 * `weight_decay` become multipliers of the plan's values of every update (relative values are the
 * multiplier; an absolute one is divided by the optimizer's `lr` or `weight_decay`), `betas` and `eps`
 * replace the optimizer's. Problems: an unknown role or misplaced patterns or `clip` (R0046), an absolute
 * weight decay over a zero base (R0047), a `head` group for the built-in GPT, whose head is tied (W0005), a
 * group whose role an earlier group already takes (W0006).
 * @module
 */
import type * as A from "../syntax/ast.ts";
import { type Group, GroupRole } from "../plan/schema.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import { originOf, type RecipeContext, report, settingArgument } from "./context.ts";
import type { Located } from "./effective.ts";
import type { OptimizerSettings } from "./settings.ts";

/** The roles a group may name, `params` last (it takes patterns). */
const ROLES = GroupRole.options;

/**
 * The recipe's parameter groups in order (those it inherits first), or null after a diagnostic.
 * `hasModel`: the recipe runs on the built-in GPT, where a `head` group selects nothing (W0005).
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const text = `recipe "r" { budget 10 steps  batch 1 x 8
 *   optimizer adamw { lr 1e-3  weight_decay 0.1  group "hidden" matrices { lr 0.5x  weight_decay 0 } }
 *   schedule { stable rest } }`;
 * const { plans: [plan] } = await compileFile("r.recipe", { readFile: () => Promise.resolve(text) });
 * console.assert(plan.groups![0].lrScale === 0.5 && plan.groups![0].weightDecayScale === 0);
 * ```
 */
export function readGroups(
  context: RecipeContext,
  optimizer: OptimizerSettings,
  hasModel: boolean,
): Group[] | null {
  const groups = [...context.effective.groups.values()].map((group) => readGroup(context, group, optimizer));
  if (groups.some((g) => g === null)) return null;
  const firstOfRole = new Map<string, string>();
  for (const { node, source } of context.effective.groups.values()) {
    const earlier = node.role === "params" ? undefined : firstOfRole.get(node.role);
    if (earlier !== undefined) {
      report(
        context.diagnostics,
        "W0006",
        { node: { span: node.roleSpan }, source },
        `Group "${node.name}" selects nothing: group "${earlier}" before it takes every ${node.role} parameter`,
        `remove one of them, or narrow the first with \`params "glob"\``,
      );
    } else if (node.role !== "params") firstOfRole.set(node.role, node.name);
    if (hasModel && node.role === "head") {
      report(
        context.diagnostics,
        "W0005",
        { node: { span: node.roleSpan }, source },
        `Group "${node.name}" selects the output head, which the built-in GPT ties to its token embeddings`,
        "select `embeddings` to change wte (and so the head) when the recipe is run",
      );
    }
  }
  return groups as Group[];
}

/** One group, or null after a diagnostic. */
function readGroup(
  context: RecipeContext,
  group: Located<A.GroupDecl>,
  optimizer: OptimizerSettings,
): Group | null {
  const { node, source } = group;
  if (node.name === "") {
    report(
      context.diagnostics,
      "R0046",
      { node: { span: node.nameSpan }, source },
      "A group has an empty name",
    );
    return null;
  }
  const role = readRole(context, group);
  const settings = new Map(node.settings.map((s) => [s.key, { node: s, source }]));
  const clip = settings.get("clip");
  if (clip) {
    report(
      context.diagnostics,
      "R0046",
      { node: { span: clip.node.keySpan }, source },
      `Group "${node.name}" sets clip, which clips the gradients of every parameter together`,
      "set `clip` in the optimizer block, outside the group",
    );
  }
  const lr = settings.get("lr");
  const lrScale = lr ? readScale(context, settingArgument(lr), optimizer.lr, "the group's lr", true) : 1;
  const decay = settings.get("weight_decay");
  const weightDecayScale = decay
    ? readScale(context, settingArgument(decay), optimizer.weightDecay, "the group's weight decay", false)
    : null;
  const betasSetting = settings.get("betas");
  const betas = betasSetting
    ? [0, 1].map((i) =>
      context.read.number(settingArgument(betasSetting, i), `the group's beta${i + 1}`, {
        min: 0,
        max: 0.9999999999,
      })
    )
    : null;
  const epsSetting = settings.get("eps");
  const eps = epsSetting
    ? context.read.number(settingArgument(epsSetting), "the group's eps", { min: 0, exclusive: true })
    : null;
  if (
    role === null || clip || lrScale === null || (decay && weightDecayScale === null) ||
    betas?.some((b) => b === null) || (epsSetting && eps === null)
  ) return null;
  return {
    name: node.name,
    role,
    patterns: node.patterns,
    lrScale,
    weightDecayScale,
    betas: betas as [number, number] | null,
    eps,
    origin: originOf(source, node.nameSpan),
  };
}

/** The group's role, checked against its patterns, or null after R0046. */
function readRole(context: RecipeContext, { node, source }: Located<A.GroupDecl>): Group["role"] | null {
  const at = { node: { span: node.roleSpan }, source };
  const role = ROLES.find((r) => r === node.role);
  if (!role) {
    report(
      context.diagnostics,
      "R0046",
      at,
      `Unknown parameter role "${node.role}"`,
      didYouMean(node.role, ROLES) ?? `the roles are ${ROLES.join(", ")}`,
    );
    return null;
  }
  if ((role === "params") === (node.patterns.length > 0)) return role;
  report(
    context.diagnostics,
    "R0046",
    at,
    role === "params"
      ? `Group "${node.name}" selects params but gives no name pattern`
      : `Group "${node.name}" selects by role "${role}" and by name patterns at once`,
    role === "params" ? 'write `params "h.*.attn.*"`' : "drop the patterns, or write `params` before them",
  );
  return null;
}

/**
 * The multiplier a group's value stands for: a relative value (`0.5x`, `1x / m`) is the multiplier, an
 * absolute one is divided by the optimizer's `base`; it must be over 0 when `positive` (an LR), else at
 * least 0. Null after a diagnostic (R0047 for an absolute value over a zero base).
 */
function readScale(
  context: RecipeContext,
  expr: Located<A.Expr>,
  base: number,
  what: string,
  positive: boolean,
): number | null {
  const value = context.read.scope.evaluate(expr.node, expr.source);
  if (!value) return null;
  if (!value.relative && base === 0 && value.value !== 0) {
    report(
      context.diagnostics,
      "R0047",
      { node: expr.node, source: expr.source },
      `${what[0].toUpperCase()}${what.slice(1)} is ${value.value} but the optimizer's is 0`,
      "set the optimizer's weight_decay, or write the group's relative to it (0.5x)",
    );
    return null;
  }
  const scale = value.relative ? value.value : base === 0 ? 0 : value.value / base;
  if (Number.isFinite(scale) && (positive ? scale > 0 : scale >= 0)) return scale;
  report(
    context.diagnostics,
    "R0009",
    { node: expr.node, source: expr.source },
    `${what[0].toUpperCase()}${what.slice(1)} is ${scale} times the optimizer's but must be ${
      positive ? "greater than" : "at least"
    } 0`,
  );
  return null;
}
