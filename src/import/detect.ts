/**
 * Telling a config's trainer from its file name and text, for `import` without `--from`.
 * @module
 */
import { ConfigError } from "./config_error.ts";

/** The formats `import` reads. */
export const FORMATS = ["hf", "torchtitan", "megatron", "nanotron", "olmo", "deepspeed"] as const;
/** A format `import` reads. */
export type Format = typeof FORMATS[number];

/**
 * The format of a config: shell scripts and argument lists are Megatron's, Python modules and TOML
 * torchtitan's; YAML with `data_stages` or `tokens` nanotron's (else TrainingArguments); JSON with
 * `_CLASS_` OLMo-core's, with `train_batch_size` or `zero_optimization` DeepSpeed's, else TrainingArguments.
 *
 * @example
 * ```ts
 * import { detectFormat } from "./detect.ts";
 * detectFormat("train.sh", "torchrun pretrain_gpt.py --lr 3e-4"); // "megatron"
 * ```
 */
export function detectFormat(file: string, text: string): Format {
  const head = text.trimStart();
  if (/\.(sh|bash)$/.test(file) || head.startsWith("--") || head.startsWith("#!") || /\s--lr\s/.test(text)) {
    return "megatron";
  }
  if (/\.(py|toml)$/.test(file) || /^\[(training|lr_scheduler|optimizer)\]/m.test(text)) return "torchtitan";
  if (/\.ya?ml$/.test(file)) {
    return /^(data_stages|tokens|optimizer):/m.test(text) && /learning_rate_scheduler|train_steps/.test(text)
      ? "nanotron"
      : "hf";
  }
  if (head.startsWith("{")) {
    if (text.includes('"_CLASS_"') || text.includes('"max_duration"')) return "olmo";
    if (/"(train_batch_size|train_micro_batch_size_per_gpu|zero_optimization)"/.test(text)) {
      return "deepspeed";
    }
    return "hf";
  }
  throw new ConfigError(
    file,
    1,
    "(file)",
    `cannot tell which trainer this config is for; pass --from ${FORMATS.join("|")}`,
  );
}
