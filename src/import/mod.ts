/**
 * `import`: a trainer's config in, recipe text out. One importer per format (hf, torchtitan, megatron,
 * nanotron, olmo, deepspeed), each the inverse of the emitter of the same name, detected from the file
 * when the format is not given.
 *
 * @example
 * ```ts
 * import { importConfig } from "./mod.ts";
 * const text = '{"max_steps": 100, "learning_rate": 1e-3, "lr_scheduler_type": "linear"}';
 * const { recipe } = importConfig({ file: "run.hf.json", text, context: 512 });
 * recipe.includes("budget 100 steps"); // true
 * ```
 * @module
 */
import type { Imported } from "./imported.ts";
import type { ImportInput } from "./pieces.ts";
import { recipeText } from "./recipe_text.ts";
import { detectFormat, type Format, FORMATS } from "./detect.ts";
import { importHf } from "./hf.ts";
import { importMegatron } from "./megatron.ts";
import { importNanotron } from "./nanotron.ts";
import { importTorchtitan } from "./torchtitan.ts";
import { importOlmo } from "./olmo.ts";
import { importDeepspeed } from "./deepspeed.ts";

export { ConfigError } from "./config_error.ts";
export { detectFormat, type Format, FORMATS } from "./detect.ts";
export type { ImportInput } from "./pieces.ts";
export { readSidecar, type Sidecar } from "./sources.ts";

const IMPORTERS: Record<Format, (input: ImportInput) => Imported> = {
  hf: importHf,
  torchtitan: importTorchtitan,
  megatron: importMegatron,
  nanotron: importNanotron,
  olmo: importOlmo,
  deepspeed: importDeepspeed,
};

/** The recipe of an import, and the warnings for stderr: keys left as comments, assumptions made. */
export interface ImportResult {
  recipe: string;
  format: Format;
  warnings: string[];
}

/**
 * Imports one trainer config (`from`: its format, else detected). Throws ConfigError for a config its
 * trainer would not accept, or one whose schedule has no recipe phases.
 *
 * @example
 * ```ts
 * import { importConfig } from "./mod.ts";
 * // importConfig({ file: "train.sh", text: await Deno.readTextFile("train.sh") }).recipe
 * ```
 */
export function importConfig(input: ImportInput & { from?: Format }): ImportResult {
  const format = input.from ?? detectFormat(input.file, input.text);
  const imported = IMPORTERS[format](input);
  const warnings = imported.notes.map((n) => `note: ${n}`);
  if (imported.leftovers.length) {
    warnings.push(
      `warning: ${imported.leftovers.length} setting(s) of the ${format} config have no place in a recipe and ` +
        `are listed as comments at its end: ${imported.leftovers.map((l) => l.key).join(", ")}`,
    );
  }
  return { recipe: recipeText(imported), format, warnings };
}

/** The formats, for `--from`. */
export const IMPORT_FORMATS: readonly Format[] = FORMATS;
