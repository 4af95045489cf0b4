/**
 * The emitter registry: every target, in the order `--all` writes them, and `emitPlan`, which fills in
 * the targets that can express a plan when one refuses.
 *
 * @example
 * ```ts
 * import { emitPlan, TARGETS } from "./mod.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const { files, tier } = emitPlan(plan, "hf", {});
 * console.assert(tier === "extension" && files[0].name === "wsd-small.hf.json");
 * console.assert(TARGETS[0].name === "hf");
 * ```
 * @module
 */
import { averageNotes } from "./_averages.ts";
import { refuseEma } from "./_ema.ts";
import { InputError } from "../diagnostics/input_error.ts";
import { type Plan, SCHEDULE_WORDS, type Segment, type TimelineName } from "../plan/schema.ts";
import { type EmitOptions, type Emitted, type Target, type Tier, UnsupportedFeatureError } from "./target.ts";
import { hf } from "./hf.ts";
import { torchtitan } from "./torchtitan.ts";
import { megatron } from "./megatron.ts";
import { nanotron } from "./nanotron.ts";
import { olmo } from "./olmo.ts";
import { optax } from "./optax.ts";
import { pytorch } from "./pytorch.ts";
import { deepspeed } from "./deepspeed.ts";
import { csv } from "./csv.ts";

/** The emitter types, so that callers need only this module. */
export {
  type EmitOptions,
  type Emitted,
  type EmittedFile,
  type Target,
  type Tier,
  UnsupportedFeatureError,
} from "./target.ts";

const EMITTERS: readonly Target[] = [
  hf,
  torchtitan,
  megatron,
  nanotron,
  olmo,
  optax,
  pytorch,
  deepspeed,
  csv,
].map(refusingUncarried);

/**
 * `target`, refusing first what it does not carry: the plan's EMA of the weights, then every schedule of a
 * quantity (`schedule batch { ... }`).
 */
function refusingUncarried(target: Target): Target {
  return {
    ...target,
    emit(plan, options) {
      if (!target.carriesEma) refuseEma(target.name, plan);
      const refused = (Object.entries(plan.timelines ?? {}) as [TimelineName, Segment[]][])
        .filter(([name]) => !target.timelines?.includes(name));
      if (refused.length) {
        // Every schedule the target cannot carry, in one refusal, at the first of them.
        const words = refused.map(([name]) => `\`schedule ${SCHEDULE_WORDS[name]} { ... }\``);
        throw new UnsupportedFeatureError(
          target.name,
          `${refused.length > 1 ? "schedules" : "a schedule"} of ${
            refused.map(([name]) => `the ${SCHEDULE_WORDS[name]}`).join(", ").replace(/, ([^,]*)$/, " and $1")
          } (${words.join(", ")})`,
          refused[0][1][0].origin,
          [],
        );
      }
      return target.emit(plan, options);
    },
  };
}

/**
 * The tier each target that can express `plan` (with `options`) uses, in registry order; targets that
 * refuse are left out.
 *
 * @example
 * ```ts
 * import { tiersFor } from "./mod.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const tiers = tiersFor(plan);
 * console.assert(tiers.hf === "extension" && tiers.megatron === "native" && tiers.pytorch === "universal");
 * ```
 */
export function tiersFor(plan: Plan, options: EmitOptions = {}): Record<string, Tier> {
  const tiers: Record<string, Tier> = {};
  for (const target of EMITTERS) {
    try {
      tiers[target.name] = target.emit(plan, options).tier;
    } catch (error) {
      if (!(error instanceof UnsupportedFeatureError)) throw error;
    }
  }
  return tiers;
}

/** The names of the targets that can express `plan` (with `options`), in registry order. */
export function targetsFor(plan: Plan, options: EmitOptions = {}): string[] {
  return Object.keys(tiersFor(plan, options));
}

function withAlternatives(target: Target): Target {
  return {
    ...target,
    emit(plan, options) {
      try {
        const emitted = target.emit(plan, options);
        return { ...emitted, notes: [...emitted.notes, ...averageNotes(target.name, plan)] };
      } catch (error) {
        if (!(error instanceof UnsupportedFeatureError)) throw error;
        throw new UnsupportedFeatureError(
          error.target,
          error.feature,
          error.origin,
          targetsFor(plan, options),
        );
      }
    },
  };
}

/** Every target, in order; a refusal names the targets that can express the plan. */
export const TARGETS: readonly Target[] = EMITTERS.map(withAlternatives);

/**
 * Emits `plan` for the target named `targetName`. Throws `UnsupportedFeatureError` when the target cannot
 * express the plan exactly (unless `options.approximate` allows its documented approximation), and an
 * Error listing the targets for an unknown name.
 *
 * @example
 * ```ts
 * import { emitPlan } from "./mod.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const args = emitPlan(plan, "megatron", {}).files[0].content; // the pretrain_gpt.py arguments
 * console.assert(args.includes("--lr-decay-style WSD"));
 * ```
 */
export function emitPlan(plan: Plan, targetName: string, options: EmitOptions = {}): Emitted {
  const target = TARGETS.find((t) => t.name === targetName);
  if (!target) {
    throw new InputError(
      `Unknown target "${targetName}"; the targets are ${TARGETS.map((t) => t.name).join(", ")}`,
    );
  }
  return target.emit(plan, options);
}
