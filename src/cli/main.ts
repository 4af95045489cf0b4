/**
 * The `recipe` command line: one entry point, one file per subcommand. deno.json tasks call it.
 * @module
 */
import { type Command, EXIT, UsageError } from "./command.ts";
import { didYouMean } from "../check/suggest.ts";
import { command as check } from "./check.ts";
import { command as explain } from "./explain.ts";
import { command as compile } from "./compile.ts";
import { command as plot } from "./plot.ts";
import { command as schema } from "./schema.ts";

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: Command[] = [check, explain, compile, plot, schema];

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
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const hint = didYouMean(name, COMMANDS.map((c) => c.name));
    console.error(`error: Unknown command "${name}"${hint ? `; ${hint}` : ""}\n\n${USAGE}`);
    return EXIT.usage;
  }
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
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) {
      console.error(`error: ${(error as Error).message}`);
      return EXIT.errors;
    }
    throw error;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
