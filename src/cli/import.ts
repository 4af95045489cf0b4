/**
 * `recipe import FILE [--from FORMAT] [-o OUT]`: a trainer's config as a recipe.
 * @module
 */
import { dirname, join } from "node:path";
import { type Command, EXIT, UsageError } from "./command.ts";
import { parseCommandArgs, recipeArgument } from "./args.ts";
import { ConfigError, type Format, FORMATS, importConfig, readSidecar, type Sidecar } from "../import/mod.ts";

/** The mixture sidecar Recipe writes beside a config (`x.hf.json` -> `x.hf.data.json`), if present. */
async function findSidecar(file: string, given?: string): Promise<Sidecar | undefined> {
  const candidates = given ? [given] : [file.replace(/\.(json|ya?ml|py)$/, ".data.json")];
  const module = /^(.*)_torchtitan\.py$/.exec(file.split(/[\/\\]/).at(-1)!);
  if (!given && module) {
    for await (const entry of Deno.readDir(dirname(file) || ".")) {
      const stem = entry.name.replace(/\.torchtitan\.data\.json$/, "");
      if (stem !== entry.name && stem.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "") === module[1]) {
        candidates.push(join(dirname(file), entry.name));
      }
    }
  }
  for (const path of candidates.filter((c) => c !== file)) {
    try {
      return readSidecar(await Deno.readTextFile(path), path);
    } catch (error) {
      if (given || !(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return undefined;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`${flag} expects a whole number >= 1, got "${value}"`);
  }
  return n;
}

/** `import`: the recipe on stdout or in -o, notes and leftover keys on stderr. */
export const command: Command = {
  name: "import",
  help: `Usage: deno task import FILE [--from FORMAT] [-o OUT.recipe]

Writes a recipe for a trainer's config: budget, batch, optimizer, the LR schedule
as phases (each trainer's convention written out, e.g. \`inclusive\`), weight
decay, data mixture and stages, checkpoints and the parent checkpoint. Settings a
recipe cannot hold (model, parallelism, precision...) are listed as comments at
the end and named on stderr.

Formats (detected when --from is omitted):
  megatron    pretrain_gpt.py arguments: a launch script or the argument list
  hf          TrainingArguments JSON or YAML
  nanotron    nanotron YAML
  torchtitan  the Python config module Recipe writes, or TOML (v0.2.2 and earlier)
  olmo        OLMo-core config JSON
  deepspeed   DeepSpeed config JSON

Options:
  --from FORMAT   the config's trainer: ${FORMATS.join(", ")}
  -o, --out PATH  write the recipe there instead of stdout
  --data FILE     the mixture sidecar (default: <config>.data.json beside it)
  --steps N       updates, for configs that do not say (DeepSpeed's)
  --context N     tokens per sequence, for configs that do not say (hf, deepspeed)
  -h, --help      show this help`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      from: { type: "string" },
      out: { type: "string", short: "o" },
      data: { type: "string" },
      steps: { type: "string" },
      context: { type: "string" },
    });
    const file = recipeArgument(positionals);
    if (values.from !== undefined && !FORMATS.includes(values.from as Format)) {
      throw new UsageError(`Unknown format "${values.from}"; the formats are ${FORMATS.join(", ")}`);
    }
    try {
      const result = importConfig({
        file,
        text: await Deno.readTextFile(file),
        from: values.from as Format | undefined,
        sidecar: await findSidecar(file, values.data),
        steps: positiveInt(values.steps, "--steps"),
        context: positiveInt(values.context, "--context"),
      });
      for (const warning of result.warnings) console.error(warning);
      if (values.out) {
        await Deno.writeTextFile(values.out, result.recipe);
        console.error(`wrote ${values.out}`);
      } else console.log(result.recipe.trimEnd());
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`error: ${error.message}`);
      return EXIT.errors;
    }
  },
};
