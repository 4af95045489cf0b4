/**
 * `recipe compile FILE`: the plan as JSON, or a target trainer's config.
 * @module
 */
import { dirname, join } from "node:path";
import { safeFileName } from "../diagnostics/file_name.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { outputDirectory, parseCommandArgs, recipeArgument } from "./args.ts";
import { compileForCommand } from "./compile_recipe.ts";
import { planJson } from "../plan/plan_json.ts";
import type { Plan } from "../plan/schema.ts";
import { emitPlan, TARGETS } from "../emit/mod.ts";
import { type Emitted, refusalDiagnostic, UnsupportedFeatureError } from "../emit/target.ts";
import { formatDiagnostics } from "../diagnostics/diagnostic.ts";

/** A refusal as an R0024 diagnostic, its code frame read from the recipe file. */
async function refusal(error: UnsupportedFeatureError, file: string): Promise<string> {
  const text = error.origin ? await Deno.readTextFile(error.origin.file).catch(() => null) : null;
  return formatDiagnostics([refusalDiagnostic(error, text, file)]);
}

async function writeFiles(dir: string, files: { name: string; content: string }[]): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const file of files) {
    const path = join(dir, safeFileName(file.name, "output file name"));
    await Deno.writeTextFile(path, file.content);
    console.error(`wrote ${path}`);
  }
}

/**
 * Says on stderr which tier a target used, why, the lines the user adds to their script, the target's notes
 * and warnings, the approximation (with --approximate) and the files only -o writes.
 */
function reportEmitted(
  target: string,
  emitted: Emitted,
  plan: string | null,
  options: { approximate?: boolean; out?: string },
): void {
  const release = TARGETS.find((t) => t.name === target)!.release;
  const of = ` (for ${release}${plan ? `; plan ${JSON.stringify(plan)}` : ""})`;
  if (emitted.tier === "extension") {
    console.error(
      `${target}${of}: extension tier: its config keys cannot express ${emitted.reason}, so the schedule ` +
        `comes from ${JSON.stringify(emitted.files.at(-1)!.name)} (exact at every update)`,
    );
  } else console.error(`${target}${of}: ${emitted.tier} tier (exact at every update)`);
  if (emitted.usage.length) {
    console.error(`In your training script:\n${emitted.usage.map((l) => `    ${l}`).join("\n")}`);
  }
  for (const note of emitted.notes) console.error(note.startsWith("warning: ") ? note : `note: ${note}`);
  if (options.approximate && emitted.maxDeviation > 0) {
    console.error(
      `note: "${target}" approximates the plan: largest relative LR deviation ${
        emitted.maxDeviation.toExponential(3)
      }`,
    );
  }
  if (options.out) return;
  for (const extra of emitted.files.slice(1)) {
    console.error(`note: "${extra.name}" is written only with -o DIR`);
  }
}

/** `compile`: plan JSON or target configs on stdout or into files. */
export const command: Command = {
  name: "compile",
  help: `Usage: deno task compile FILE [--target NAME | --all] [-o PATH] [--approximate] [--recipe NAME]

Prints the plan as JSON on stdout (a JSON array when the recipe has sweeps).
With --target, prints that trainer's config instead (for a sweep, a JSON array of
the configs of JSON targets; other formats need -o DIR). Targets:
${TARGETS.map((t) => `  ${t.name.padEnd(12)} ${t.description}`).join("\n")}

Options:
  -o, --out PATH   write to PATH instead of stdout; a directory when the recipe has
                   sweeps, with --all, or when the target writes several files
  --target NAME    emit the config of one target trainer
  --all            emit every target that can express the recipe (needs -o DIR)
  --native         only the trainer's own config keys: refuse where they cannot
                   express the plan, instead of adding the extension-tier module
  --approximate    with --native, allow a target's documented approximation, and
                   print its largest deviation from the plan's LR
  --recipe NAME    which recipe of the file (when it defines several), or one
                   of its branches, "recipe.branch"
  -h, --help       show this help

Each target uses its own config keys where they give the plan's LR at every update
(the native tier), else its documented extension point: a Python module beside the
config, <plan>_<target>_schedule.py, whose make_scheduler(optimizer) follows the plan
exactly (hf, deepspeed, olmo, torchtitan). stderr says which tier was used and the
lines to add to your training script. A target that cannot express the recipe in
any tier refuses with an error naming the feature and the targets that can
(pytorch, optax and csv always can); exit code 1.`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: "string", short: "o" },
      target: { type: "string" },
      all: { type: "boolean" },
      approximate: { type: "boolean" },
      native: { type: "boolean" },
      recipe: { type: "string" },
    });
    const file = recipeArgument(positionals);
    if (values.approximate && !values.native) {
      throw new UsageError(
        "--approximate goes with --native: without it, a target whose native keys fall short uses its exact " +
          "extension tier",
      );
    }
    if (values.all && values.target) throw new UsageError("Use either --target or --all, not both");
    if (values.all && !values.out) {
      throw new UsageError("--all writes one file per target: give a directory with -o DIR");
    }
    if (values.target && !TARGETS.some((t) => t.name === values.target)) {
      throw new UsageError(
        `Unknown target "${values.target}"; the targets are ${TARGETS.map((t) => t.name).join(", ")}`,
      );
    }
    const plans = await compileForCommand(file, { recipe: values.recipe });
    if (!plans) return EXIT.errors;

    if (!values.target && !values.all) return await writePlans(plans, values.out);
    const targets = values.all ? TARGETS.map((t) => t.name) : [values.target!];
    return await emitTargets(plans, targets, { ...values, file });
  },
};

/** The plans as JSON: on stdout, into one file, or one file per plan in a directory. */
async function writePlans(plans: Plan[], out: string | undefined): Promise<number> {
  if (!out) await Deno.stdout.write(new TextEncoder().encode(planJson(plans)));
  else if (plans.length === 1 && !out.endsWith("/")) {
    await Deno.mkdir(dirname(out), { recursive: true });
    await Deno.writeTextFile(out, planJson(plans));
  } else {
    const dir = outputDirectory(out, plans.length, ".json");
    await writeFiles(dir, plans.map((p) => ({ name: `${p.name}.json`, content: planJson([p]) })));
  }
  return EXIT.ok;
}

/** What `emitTargets` needs of the command line. */
interface TargetOptions {
  file: string;
  out?: string;
  all?: boolean;
  approximate?: boolean;
  native?: boolean;
}

/**
 * Every plan for every target: files into `out`, or the main file on stdout (a sweep's JSON configs as one
 * array; other formats need `out`). A refusal is an R0024 diagnostic; exit 1 when a chosen target refused.
 */
async function emitTargets(plans: Plan[], targets: string[], options: TargetOptions): Promise<number> {
  let failed = false;
  const sweepDocuments: unknown[] = [];
  for (const plan of plans) {
    for (const target of targets) {
      let emitted: Emitted;
      try {
        emitted = emitPlan(plan, target, { approximate: options.approximate, native: options.native });
      } catch (error) {
        if (!(error instanceof UnsupportedFeatureError)) throw error;
        console.error(await refusal(error, options.file));
        if (!options.all) failed = true;
        continue;
      }
      reportEmitted(target, emitted, plans.length > 1 ? plan.name : null, options);
      if (options.out) await writeFiles(options.out, emitted.files);
      else if (plans.length > 1) sweepDocuments.push(sweepDocument(emitted, target, plans.length));
      else await Deno.stdout.write(new TextEncoder().encode(emitted.files[0].content));
    }
  }
  if (sweepDocuments.length) console.log(JSON.stringify(sweepDocuments, null, 2));
  return failed ? EXIT.errors : EXIT.ok;
}

/** The main file of one plan of a sweep, parsed for the JSON array on stdout; other formats need -o DIR. */
function sweepDocument(emitted: Emitted, target: string, plans: number): unknown {
  const main = emitted.files[0];
  if (!main.name.endsWith(".json")) {
    throw new UsageError(
      `The recipe makes ${plans} plans and "${target}" writes ${
        main.name.slice(main.name.lastIndexOf(".") + 1)
      } files, which do not concatenate: give a directory with -o DIR`,
    );
  }
  return JSON.parse(main.content);
}
