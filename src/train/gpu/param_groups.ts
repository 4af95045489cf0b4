/**
 * The plan's parameter groups on the built-in GPT: which group each parameter belongs to, the AdamW
 * settings of each parameter, and the runs of the flat buffer that share them (one AdamW dispatch each).
 *
 * Roles on the built-in GPT: `embeddings` are wte and wpe, `matrices` the 2-D weights of the blocks,
 * `vectors` the LayerNorm weights and every bias, and `head` selects nothing (the head is tied to wte; the
 * compiler warns, W0005). `params` patterns are fnmatch patterns (`*`, `?`, `[...]`, `[!...]`; `*` crosses
 * dots) over the Hugging Face GPT-2 names (`h.0.attn.c_attn.weight`). A parameter belongs to the first
 * group that selects it. A group with a weight decay decays all its parameters, vectors too; the others
 * keep the optimizer's rule (2-D weights only).
 * @module
 */
import type { Group } from "../../plan/schema.ts";
import type { UpdateSettings } from "../engine.ts";
import type { ParamLayout, ParamSlot } from "./params.ts";

/** How one parameter is updated: its group (null: the optimizer's settings) and whether it decays. */
export interface SlotUpdate {
  group: Group | null;
  decays: boolean;
}

/** A range of the flat buffer, [start, end) in floats, whose parameters share their AdamW settings. */
export interface UpdateRun extends SlotUpdate {
  start: number;
  end: number;
}

/**
 * Whether a name matches an fnmatch pattern, as Python's `fnmatch.fnmatchcase`.
 *
 * @example
 * ```ts
 * import { fnmatch } from "./param_groups.ts";
 * console.assert(fnmatch("h.0.attn.c_attn.weight", "h.*.attn.*") && !fnmatch("wte.weight", "h.*"));
 * ```
 */
export function fnmatch(name: string, pattern: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const close = c === "[" ? pattern.indexOf("]", i + 2) : -1;
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (close > 0) {
      const body = pattern.slice(i + 1, close).replace(/\\/g, "\\\\");
      source += body.startsWith("!") ? `[^${body.slice(1)}]` : `[${body}]`;
      i = close;
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s").test(name);
}

/** Whether `group` selects the parameter of `slot` on the built-in GPT. */
function selects(group: Group, slot: ParamSlot): boolean {
  const embedding = slot.name === "wte.weight" || slot.name === "wpe.weight";
  switch (group.role) {
    case "embeddings":
      return embedding;
    case "head":
      return false;
    case "matrices":
      return !embedding && slot.shape.length >= 2;
    case "vectors":
      return slot.shape.length < 2;
    case "params":
      return group.patterns.some((pattern) => fnmatch(slot.name, pattern));
  }
}

/**
 * The group of a parameter (the first that selects it) and whether weight decay applies to it.
 *
 * @example
 * ```ts
 * import { slotUpdate } from "./param_groups.ts";
 * import { paramLayout } from "./params.ts";
 * import type { Group } from "../../plan/schema.ts";
 * const layout = paramLayout({ kind: "gpt", layers: 1, width: 8, heads: 2, context: 4, vocab: 8 });
 * const origin = { file: "r.recipe", line: 1, column: 1 };
 * const vectors: Group = { name: "v", role: "vectors", patterns: [], lrScale: 1, weightDecayScale: 0.5, betas: null, eps: null, origin };
 * const bias = layout.slots.find((s) => s.name === "h.0.ln_1.bias")!;
 * console.assert(slotUpdate(bias, [vectors]).decays && !slotUpdate(bias, []).decays);
 * ```
 */
export function slotUpdate(slot: ParamSlot, groups: readonly Group[]): SlotUpdate {
  const group = groups.find((g) => selects(g, slot)) ?? null;
  return { group, decays: group?.weightDecayScale != null || slot.decay };
}

/** The runs of the flat buffer, in order, that share a group and a decay: one AdamW dispatch each. */
export function updateRuns(layout: ParamLayout, groups: readonly Group[]): UpdateRun[] {
  const runs: UpdateRun[] = [];
  layout.slots.forEach((slot, i) => {
    const end = layout.slots[i + 1]?.offset ?? layout.total;
    const update = slotUpdate(slot, groups);
    const last = runs.at(-1);
    if (last && last.group === update.group && last.decays === update.decays) last.end = end;
    else runs.push({ ...update, start: slot.offset, end });
  });
  return runs;
}

/**
 * The AdamW settings of a parameter: the update's, with its group's LR and weight decay multipliers,
 * betas and eps, and no weight decay where it does not decay.
 *
 * @example
 * ```ts
 * import { tensorSettings } from "./param_groups.ts";
 * const settings = { lr: 1e-3, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, clip: null };
 * console.assert(tensorSettings(settings, { group: null, decays: false }).weightDecay === 0);
 * ```
 */
export function tensorSettings(settings: UpdateSettings, update: SlotUpdate): UpdateSettings {
  const group = update.group;
  const decay = update.decays ? settings.weightDecay * (group?.weightDecayScale ?? 1) : 0;
  return {
    lr: settings.lr * (group?.lrScale ?? 1),
    weightDecay: decay,
    beta1: group?.betas?.[0] ?? settings.beta1,
    beta2: group?.betas?.[1] ?? settings.beta2,
    eps: group?.eps ?? settings.eps,
    clip: settings.clip,
  };
}

/**
 * The warnings of the groups that select no parameter of the built-in GPT (a `head` group, or patterns
 * written for another model's names), one per group.
 *
 * @example
 * ```ts
 * import { emptyGroupWarnings } from "./param_groups.ts";
 * import { paramLayout } from "./params.ts";
 * import type { Group } from "../../plan/schema.ts";
 * const layout = paramLayout({ kind: "gpt", layers: 1, width: 8, heads: 2, context: 4, vocab: 8 });
 * const origin = { file: "r.recipe", line: 1, column: 1 };
 * const head: Group = { name: "out", role: "head", patterns: [], lrScale: 1, weightDecayScale: null, betas: null, eps: null, origin };
 * console.assert(emptyGroupWarnings(layout, [head]).length === 1);
 * ```
 */
export function emptyGroupWarnings(layout: ParamLayout, groups: readonly Group[]): string[] {
  const used = new Set(layout.slots.map((slot) => slotUpdate(slot, groups).group));
  return groups.filter((g) => !used.has(g)).map((g) =>
    `parameter group "${g.name}" (${g.origin.file}:${g.origin.line}) selects no parameter of the built-in GPT`
  );
}
