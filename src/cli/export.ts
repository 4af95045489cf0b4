/**
 * `recipe export CHECKPOINT --to hf OUT`: a trained checkpoint in another framework's layout.
 * @module
 */
import { type Command, EXIT, UsageError } from "./command.ts";
import { parseCommandArgs } from "./args.ts";
import { exportHf } from "../train/export_hf.ts";

/** The formats `export` writes. */
const FORMATS = ["hf"];

/** `export`: a checkpoint to Hugging Face GPT-2 files. */
export const command: Command = {
  name: "export",
  help: `Usage: deno task export CHECKPOINT --to hf OUT

Writes the weights of a checkpoint directory (e.g. runs/wsd-small/checkpoints/final)
in another framework's layout into the directory OUT.

Formats:
  hf   config.json + model.safetensors for transformers' GPT2LMHeadModel
       (GPT2LMHeadModel.from_pretrained(OUT); tied embeddings; byte-level
       vocabulary: token ids are the bytes of the text)

Options:
  --to FORMAT   the format to write (hf)
  -h, --help    show this help`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { to: { type: "string" } });
    if (positionals.length !== 2) {
      throw new UsageError(
        `Expected a checkpoint directory and an output directory, got ${positionals.length} arguments`,
      );
    }
    if (!values.to) throw new UsageError(`Expected --to FORMAT; the formats are ${FORMATS.join(", ")}`);
    if (!FORMATS.includes(values.to)) {
      throw new UsageError(`Unknown format "${values.to}"; the formats are ${FORMATS.join(", ")}`);
    }
    const [checkpoint, out] = positionals;
    try {
      for (const path of await exportHf(checkpoint, out)) console.error(`wrote ${path}`);
    } catch (error) {
      if ((error as Error).constructor !== Error) throw error;
      console.error(`error: ${(error as Error).message}`);
      return EXIT.errors;
    }
    return EXIT.ok;
  },
};
