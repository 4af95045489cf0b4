/**
 * The `recipe` command line: one entry point, one file per subcommand. deno.json tasks call it.
 * @module
 */
import { type Command, EXIT, isInputError, UsageError } from "./command.ts";
import { didYouMean } from "../diagnostics/suggest.ts";

/** A subcommand, loaded only when it runs (so `check` never loads the emitters or the trainer). */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<{ command: Command }>;
}

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: CommandEntry[] = [
  { name: "check", summary: "Check a recipe and report problems", load: () => import("./check.ts") },
  {
    name: "explain",
    summary: "Show the resolved phases: steps, tokens, LR, weight decay, batch, mixture",
    load: () => import("./explain.ts"),
  },
  {
    name: "compile",
    summary: "Compile a recipe to plan JSON, or to a trainer's config with --target",
    load: () => import("./compile.ts"),
  },
  {
    name: "plot",
    summary: "Chart the LR, weight decay, batch and mixture over updates (SVG)",
    load: () => import("./plot.ts"),
  },
  {
    name: "import",
    summary:
      "Write a recipe for a trainer's config (Megatron, HF, nanotron, torchtitan, OLMo-core, DeepSpeed)",
    load: () => import("./import.ts"),
  },
  {
    name: "diff",
    summary: "Compare two recipes or plans: settings, phases, mixtures, and where the schedules diverge",
    load: () => import("./diff.ts"),
  },
  {
    name: "fmt",
    summary: "Rewrite recipe files in the canonical layout (--check: only say which would change)",
    load: () => import("./fmt.ts"),
  },
  { name: "schema", summary: "Print the JSON Schema of the plan", load: () => import("./schema.ts") },
  { name: "run", summary: "Train the recipe on the built-in WebGPU GPT", load: () => import("./run.ts") },
  {
    name: "predict",
    summary: "Fit a loss law to measured curves; predict and rank the loss of schedules",
    load: () => import("./predict.ts"),
  },
  {
    name: "serve",
    summary: "Serve the web studio (editor, live diagnostics, charts) and the run dashboard on 127.0.0.1",
    load: () => import("./serve.ts"),
  },
  {
    name: "export",
    summary: "Export a checkpoint for another framework (--to hf: GPT2LMHeadModel)",
    load: () => import("./export.ts"),
  },
];

const USAGE = `Usage: deno task <command> [options]   (or: deno task recipe <command> ...)

Recipe compiles training recipes (.recipe files) to plans, checks them, explains
them, emits configs for external trainers, and runs them on a small WebGPU GPT.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join("\n")}

Run \`deno task <command> --help\` for a command's options.`;

/**
 * Runs the CLI with `args` (the subcommand first) and resolves with the exit code: 0 ok, 1 errors in the
 * input, 2 usage.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * const code = await main(["check", "recipes/wsd.recipe"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return name ? EXIT.ok : EXIT.usage;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const hint = didYouMean(name, COMMANDS.map((c) => c.name));
    console.error(`error: Unknown command "${name}"${hint ? `; ${hint}` : ""}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { command } = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\nRun \`deno task ${command.name} --help\` for usage.`);
      return EXIT.usage;
    }
    if (isInputError(error)) {
      console.error(`error: ${error.message}`);
      return EXIT.errors;
    }
    console.error(
      `internal error in \`${command.name}\`: this is a bug in recipe, not in your input. Please report it ` +
        "with the command you ran and the trace below.",
    );
    throw error;
  }
}

if (import.meta.main) {
  // `deno task` runs commands in the repository root and passes the directory the user ran it from as
  // INIT_CWD: the user's paths (recipes, --out, runs/) are relative to that one.
  const initCwd = Deno.env.get("INIT_CWD");
  if (initCwd) Deno.chdir(initCwd);
  Deno.exit(await main(Deno.args));
}
