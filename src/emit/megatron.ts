/**
 * The `megatron` target: a bash file of argument arrays for Megatron-LM's pretrain_gpt.py, one argument
 * (with its values) per line, every word shell-quoted. Megatron counts the schedule in samples
 * (megatron/core/optimizer_param_scheduler.py): after k updates of a constant global batch B it evaluates
 * n = k * B, so every length is written as updates x B (`--*-samples`). Warmup: init + (max - init) n / W
 * for n <= W (from any start: a rewarm); then constant, linear, cosine, inverse-square-root or WSD (linear,
 * cosine, minus_sqrt) decay to --min-lr, held after. "Inclusive" phases are translated (see `lrArgs`). Mixture stages are
 * blends (`--data-path w1 p1 ...`) switched at `--phase-transition-iterations`, where Megatron saves and exits.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import type { Target } from "./target.ts";
import { endValue, Fit, same, startValue } from "./_fit.ts";
import { dataPath, initCheckpoint, mixStages, placeholderNotes } from "./_data.ts";
import { fileStem, floatLiteral, shellWord } from "./_literals.ts";
import { scheduleTable } from "../schedule/table.ts";
import { intervalNotes, namedCheckpoints, saveInterval } from "./_checkpoints.ts";
import { refuseGroups } from "./_param_groups.ts";

type Args = [string, ...(string | number)[]][];

/** The release whose arguments and validate_args the output was read against. */
const RELEASE = "Megatron-LM core_v0.19.0";

const WSD_STYLES: Record<string, string> = { linear: "linear", cosine: "cosine", "1-sqrt": "minus_sqrt" };

/**
 * The LR arguments that reproduce the plan's LR with global batch `B`, or a refusal. Megatron's warmup
 * and WSD decay are exclusive (f(n) with n = k B); an "inclusive" phase, f(k + 1), is the same line or curve
 * one update earlier, so it is written with its boundaries moved back by one: an inclusive warmup of W updates
 * from `a` is a warmup of W - 1 from a + (peak - a) / W, and an inclusive decay over [s, e) is a WSD decay
 * annealing from s - 1 to e - 1.
 */
function lrArgs(fit: Fit, plan: Plan, B: number): Args {
  const form = fit.wsd();
  const { warmup, stable, decay, tail } = form;
  const peak = fit.peak(form);
  const T = plan.steps;
  const args: Args = [["--lr", floatLiteral(peak)]];
  let Wm = 0; // Megatron's warmup, in updates
  if (warmup) {
    fit.linearWarmupToPeak(warmup, peak, "Megatron");
    const W = warmup.end - warmup.start;
    const from = startValue(warmup.shape);
    Wm = W - warmup.offset;
    const init = warmup.offset === 0 ? from : from + (peak - from) / W;
    if (Wm > 0) args.push(["--lr-warmup-init", floatLiteral(init)], ["--lr-warmup-samples", Wm * B]);
  }
  if (!decay) {
    return [...args, ["--lr-decay-style", "constant"], ["--lr-decay-samples", Math.max(T, Wm + 1) * B]];
  }
  fit.equal(startValue(decay.shape), peak, "a jump in the LR at the decay", decay);
  // An inclusive decay anneals from one update before its phase: the warmup must have ended by then.
  if (decay.start - decay.offset < Wm) fit.offset(decay, 0);
  const shift = decay.start - decay.offset < Wm ? 0 : decay.offset;
  if (decay.shape.shape === "inverse-sqrt") {
    if (stable || tail || Wm === 0 || decay.shape.timescale !== Wm || decay.start - shift !== Wm) {
      fit.refuseAt(
        "an inverse-sqrt decay other than right after the warmup, with timescale = Megatron's warmup, to the end",
        decay,
      );
    }
    return [...args, ["--min-lr", "0.0"], ["--lr-decay-style", "inverse-square-root"], [
      "--lr-decay-samples",
      T * B,
    ]];
  }
  const floor = endValue(decay.shape)!;
  if (tail) fit.equal(startValue(tail.shape), floor, "a floor that differs from the decay's end", tail);
  args.push(["--min-lr", floatLiteral(floor)]);
  const decayEnd = (decay.end - shift) * B;
  if (
    shift === 0 && decay.start === Wm && (decay.shape.shape === "linear" || decay.shape.shape === "cosine")
  ) {
    return [...args, ["--lr-decay-style", decay.shape.shape], ["--lr-decay-samples", decayEnd]];
  }
  if (!(decay.shape.shape in WSD_STYLES)) {
    fit.refuseAt(
      `a "${decay.shape.shape}" decay: Megatron decays linear, cosine, minus_sqrt or inverse-sqrt`,
      decay,
    );
  }
  return [
    ...args,
    ["--lr-decay-style", "WSD"],
    ["--lr-decay-samples", decayEnd],
    ["--lr-wsd-decay-style", WSD_STYLES[decay.shape.shape]],
    ["--lr-wsd-decay-samples", (decay.end - decay.start) * B],
  ];
}

/** Weight decay: constant, or rising linearly or by a cosine over the whole run (Megatron's only changes). */
function weightDecayArgs(fit: Fit, plan: Plan): Args {
  const table = scheduleTable(plan).weightDecay;
  const start = table[0];
  if (table.every((wd) => same(wd, start))) return [["--weight-decay", floatLiteral(start)]];
  const last = plan.phases.at(-1)!;
  const end = endValue(last.weightDecay) ?? NaN;
  const T = plan.steps;
  const styles = {
    linear: (k: number) => start + (k / T) * (end - start),
    cosine: (k: number) => start + 0.5 * (Math.cos(Math.PI * (1 - k / T)) + 1) * (end - start),
  };
  for (const [style, f] of Object.entries(styles)) {
    if (end > start && table.every((wd, k) => same(wd, f(k)))) {
      return [
        ["--start-weight-decay", floatLiteral(start)],
        ["--end-weight-decay", floatLiteral(end)],
        ["--weight-decay-incr-style", style],
      ];
    }
  }
  const phase = plan.phases.find((p) => p.weightDecay.shape !== "constant") ?? plan.phases[1];
  return fit.refuseAt(
    "weight decay that changes other than rising linearly or by a cosine over the whole run",
    { phase },
  );
}

function bashArray(name: string, args: Args): string {
  const lines = args.map((arg) => `  ${arg.map((w) => shellWord(String(w))).join(" ")}`);
  return `${name}=(\n${lines.join("\n")}\n)\n`;
}

/** The `megatron` target. */
export const megatron: Target = {
  name: "megatron",
  release: RELEASE,
  description: "Megatron-LM pretrain_gpt.py arguments (bash arrays), sample-based, blends per stage",
  emit(plan, options) {
    refuseGroups("megatron", plan);
    const fit = new Fit("megatron", plan, options.approximate ?? false);
    const B = fit.constantBatch(
      "a batch size that changes during training: Megatron's --rampup-batch-size grows the batch in equal " +
        "steps of consumed samples and counts the LR schedule in samples, which the plan's per-update " +
        "batches and LRs do not follow",
    );
    const lr = lrArgs(fit, plan, B);
    const weightDecay = weightDecayArgs(fit, plan);
    const stages = mixStages(plan);
    const init = initCheckpoint(plan);
    const args: Args = [
      ["--train-samples", plan.steps * B],
      ["--global-batch-size", B],
      ["--seq-length", plan.context],
      ...lr,
      ...weightDecay,
      ["--optimizer", "adam"],
      ["--adam-beta1", floatLiteral(plan.optimizer.betas[0])],
      ["--adam-beta2", floatLiteral(plan.optimizer.betas[1])],
      ["--adam-eps", floatLiteral(plan.optimizer.eps)],
      ["--clip-grad", floatLiteral(plan.optimizer.clip ?? 0)],
    ];
    if (stages.length > 1) {
      args.push([
        "--phase-transition-iterations",
        stages.slice(1).map((s) => s.start).join(","),
      ]);
    }
    // A relaunch (at a phase transition, or after a failure) must continue this run, not restart it: the run
    // saves to and loads from its own directory, and a parent checkpoint is only the starting point
    // (Megatron loads --pretrained-checkpoint with finetune semantics while --load holds no checkpoint).
    // Named checkpoints are saved every `interval` iterations (the gcd of their updates); Megatron's
    // validate_args wants --save-interval whenever --save is given.
    const runDir = `runs/${plan.name}`;
    const save = saveInterval(plan);
    const saves = namedCheckpoints(plan).some((c) => c.step > 0);
    if (stages.length > 1 || init || saves) {
      args.push(["--save", runDir], ["--load", runDir], ["--save-interval", save.interval]);
    }
    if (init) args.push(["--pretrained-checkpoint", init.path]);
    const data = stages.map((stage, i) =>
      bashArray(`MEGATRON_DATA_${i + 1}`, [
        ["--data-path"],
        ...stage.weights.map((
          { source, weight },
        ): [string, string] => [floatLiteral(weight), dataPath(source)]),
      ])
    );
    const usage = [
      "# Megatron-LM arguments for pretrain_gpt.py, generated by recipe from a plan: do not edit.",
      `# Written for ${RELEASE}.`,
      '# Usage: source this file, then: torchrun ... pretrain_gpt.py "${MEGATRON_ARGS[@]}" "${MEGATRON_DATA_1[@]}"',
      ...stages.slice(1).map((s, i) =>
        `# At iteration ${s.start} Megatron saves to --save and exits: relaunch with the same arguments and "\${MEGATRON_DATA_${
          i + 2
        }[@]}".`
      ),
      "",
    ];
    const content = [...usage, bashArray("MEGATRON_ARGS", args), ...data].join("\n");
    const notes = [
      "set --micro-batch-size and the parallel sizes for your cluster: the schedule needs only --global-batch-size",
      ...placeholderNotes(plan),
      ...(init
        ? [
          `${init.note}; --pretrained-checkpoint starts the schedule at 0 and does not load the optimizer state`,
        ]
        : []),
      ...intervalNotes("megatron", plan, save, (c) => `${runDir}/iter_${String(c.step).padStart(7, "0")}`),
      ...(stages.length > 1 || init || saves
        ? [
          `--save and --load name the placeholder run directory "${runDir}": every launch of this run must use the same one`,
        ]
        : []),
    ];
    return {
      files: [{ name: `${fileStem(plan.name)}.megatron.sh`, content }],
      notes,
      maxDeviation: fit.deviation(),
      tier: "native",
      usage: [
        `source ${fileStem(plan.name)}.megatron.sh`,
        'torchrun ... pretrain_gpt.py "${MEGATRON_ARGS[@]}" "${MEGATRON_DATA_1[@]}"',
      ],
    };
  },
};
