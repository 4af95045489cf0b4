/**
 * The loss laws by name.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import type { LawName, LossLaw } from "./loss_law.ts";
import { tissueLaw } from "./tissue_law.ts";
import { multiPowerLaw } from "./multi_power_law.ts";

/** Every law `fitLossLaw` can fit, by the name `--law` takes. */
export const LAWS: Record<LawName, LossLaw> = { "tissue": tissueLaw, "multi-power": multiPowerLaw };

/**
 * The law named `name`; an unknown name is an error listing the known ones.
 *
 * @example
 * ```ts
 * import { lawNamed } from "./laws.ts";
 * console.assert(lawNamed("multi-power").params.length === 7);
 * ```
 */
export function lawNamed(name: string): LossLaw {
  const law = LAWS[name as LawName];
  if (!law) {
    throw new InputError(`Unknown loss law "${name}": expected one of ${Object.keys(LAWS).join(", ")}`);
  }
  return law;
}
