/**
 * Megatron-LM's OptimizerParamScheduler (megatron/core/optimizer_param_scheduler.py) as
 * megatron/training/training.py builds it for sample-based runs (--train-samples: lengths in samples,
 * wd_incr_steps = train_samples), re-implemented from the source and fed with the emitted bash arrays.
 * step(0) at construction and step(global_batch_size) after each update: update k uses get_lr at
 * num_steps = k * global_batch_size.
 * @module
 */

/** The shell words of a bash array `NAME=( ... )` in the emitted file (single quotes as bash reads them). */
export function bashArray(text: string, name: string): string[] {
  const block = text.match(new RegExp(`^${name}=\\(\\n([\\s\\S]*?)\\n\\)$`, "m"));
  if (!block) throw new Error(`No array "${name}"`);
  const words: string[] = [];
  const body = block[1];
  let i = 0;
  while (i < body.length) {
    if (/\s/.test(body[i])) {
      i++;
      continue;
    }
    let word = "";
    while (i < body.length && !/\s/.test(body[i])) {
      if (body[i] === "'") {
        const end = body.indexOf("'", i + 1);
        word += body.slice(i + 1, end);
        i = end + 1;
      } else if (body[i] === "\\") {
        word += body[i + 1];
        i += 2;
      } else if (/[$`"]/.test(body[i])) throw new Error(`Unquoted shell metacharacter in ${name}`);
      else word += body[i++];
    }
    words.push(word);
  }
  return words;
}

/** argparse over the words: each `--flag` and the values that follow it. */
export function parseArgs(words: string[]): Map<string, string[]> {
  const args = new Map<string, string[]>();
  let current: string[] = [];
  for (const word of words) {
    if (word.startsWith("--")) {
      current = [];
      args.set(word, current);
    } else current.push(word);
  }
  return args;
}

/** The LR Megatron gives updates 0..train_samples/global_batch_size-1 for the emitted arguments. */
export function lrTrace(text: string): number[] {
  const args = parseArgs(bashArray(text, "MEGATRON_ARGS"));
  const num = (flag: string, fallback?: number) => {
    const v = args.get(flag);
    if (v === undefined) {
      if (fallback === undefined) throw new Error(`Missing ${flag}`);
      return fallback;
    }
    return Number(v[0]);
  };
  const GBS = num("--global-batch-size");
  const trainSamples = num("--train-samples");
  const maxLr = num("--lr");
  const minLr = num("--min-lr", 0);
  const initLr = num("--lr-warmup-init", 0);
  const decaySteps = num("--lr-decay-samples", trainSamples);
  const warmupSteps = num("--lr-warmup-samples", 0);
  const style = args.get("--lr-decay-style")?.[0] ?? "linear";
  const wsdSteps = num("--lr-wsd-decay-samples", NaN);
  const wsdStyle = args.get("--lr-wsd-decay-style")?.[0] ?? "exponential";
  if (!(minLr >= 0 && maxLr >= minLr && initLr <= maxLr)) throw new Error("assert min <= init <= max");
  if (!(decaySteps > 0 && warmupSteps < decaySteps)) throw new Error("assert 0 <= warmup < decay steps");
  const getLr = (n: number): number => {
    if (warmupSteps > 0 && n <= warmupSteps) return initLr + (maxLr - initLr) * n / warmupSteps;
    if (style === "constant") return maxLr;
    if (n > decaySteps) return minLr;
    if (style === "inverse-square-root") {
      const lr = maxLr * Math.pow(Math.max(warmupSteps, 1), 0.5) / Math.pow(Math.max(n, 1), 0.5);
      return Math.max(minLr, lr);
    }
    const ratio = (n - warmupSteps) / (decaySteps - warmupSteps);
    if (ratio < 0 || ratio > 1) throw new Error("assert 0 <= decay_ratio <= 1");
    let coeff: number;
    if (style === "linear") coeff = 1 - ratio;
    else if (style === "cosine") coeff = 0.5 * (Math.cos(Math.PI * ratio) + 1);
    else if (style === "WSD") {
      const annealStart = decaySteps - wsdSteps;
      if (n <= annealStart) coeff = 1;
      else {
        const r = (n - annealStart) / wsdSteps;
        coeff = wsdStyle === "linear"
          ? 1 - r
          : wsdStyle === "cosine"
          ? 0.5 * (Math.cos(Math.PI * r) + 1)
          : wsdStyle === "exponential"
          ? 2 * Math.pow(0.5, r) - 1
          : 1 - Math.sqrt(r);
      }
    } else throw new Error(`${style} decay style is not supported.`);
    return minLr + coeff * (maxLr - minLr);
  };
  return Array.from({ length: trainSamples / GBS }, (_, k) => getLr(k * GBS));
}

/** The weight decay Megatron gives each update (get_wd at num_steps = k * global_batch_size). */
export function weightDecayTrace(text: string): number[] {
  const args = parseArgs(bashArray(text, "MEGATRON_ARGS"));
  const get = (flag: string) => args.get(flag)?.[0];
  const GBS = Number(get("--global-batch-size"));
  const incrSteps = Number(get("--train-samples"));
  const wd = Number(get("--weight-decay") ?? 0.01);
  const start = Number(get("--start-weight-decay") ?? wd);
  const end = Number(get("--end-weight-decay") ?? wd);
  const style = get("--weight-decay-incr-style") ?? "constant";
  return Array.from({ length: incrSteps / GBS }, (_, k) => {
    const n = k * GBS;
    if (n > incrSteps) return end;
    if (style === "constant") return end;
    const ratio = n / incrSteps;
    const coeff = style === "linear" ? ratio : 0.5 * (Math.cos(Math.PI * (1 - ratio)) + 1);
    return start + coeff * (end - start);
  });
}

/**
 * The checks of Megatron-LM's validate_args (megatron/training/arguments.py, core_v0.19.0) and of
 * OptimizerParamScheduler.__init__ that concern the arguments the emitter writes: each failed assert as a
 * sentence (empty when Megatron accepts them).
 */
export function validateArgs(text: string): string[] {
  const args = parseArgs(bashArray(text, "MEGATRON_ARGS"));
  const num = (key: string, fallback = NaN) => (args.has(key) ? Number(args.get(key)![0]) : fallback);
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  check(!(args.has("--train-iters") && args.has("--train-samples")), "--train-iters with --train-samples");
  if (args.has("--train-samples")) {
    check(!args.has("--lr-decay-iters"), "--lr-decay-iters in sample mode");
    check(!args.has("--lr-warmup-iters"), "--lr-warmup-iters in sample mode");
    check(
      !(args.has("--lr-warmup-fraction") && args.has("--lr-warmup-samples")),
      "warmup fraction and samples",
    );
  }
  if (args.has("--save")) {
    check(args.has("--save-interval"), "--save without --save-interval");
    check(num("--save-interval", 0) > 0, "--save-interval must be > 0");
  }
  const lr = num("--lr");
  const minLr = num("--min-lr", 0);
  check(minLr <= lr, "--min-lr above --lr");
  check(minLr >= 0, "--min-lr below 0");
  check(num("--lr-warmup-init", 0) <= lr, "--lr-warmup-init above --lr");
  const decay = num("--lr-decay-samples", num("--train-samples"));
  check(decay > 0, "lr_decay_steps must be > 0");
  check(num("--lr-warmup-samples", 0) < decay, "lr_warmup_steps must be < lr_decay_steps");
  if (args.get("--lr-decay-style")?.[0] === "WSD") {
    check(
      args.has("--lr-wsd-decay-samples") || args.has("--lr-wsd-decay-iters"),
      "WSD needs --lr-wsd-decay-*",
    );
  }
  const style = args.get("--weight-decay-incr-style")?.[0] ?? "constant";
  if (style === "constant") {
    check(!args.has("--start-weight-decay") && !args.has("--end-weight-decay"), "constant wd with start/end");
  } else {
    check(args.has("--start-weight-decay") && args.has("--end-weight-decay"), "wd style without start/end");
    check(num("--end-weight-decay") >= num("--start-weight-decay"), "end_wd below start_wd");
  }
  return problems;
}
