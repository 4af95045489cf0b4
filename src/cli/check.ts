/**
 * `recipe check FILE`: diagnostics only.
 * @module
 */
import { type Command, EXIT } from "./command.ts";
import { parseCommandArgs, recipeArgument } from "./args.ts";
import { compileForCommand } from "./compile_recipe.ts";

/** `check`: exit 0 when clean (warnings allowed), 1 with errors, 2 on usage errors. */
export const command: Command = {
  name: "check",
  help: `Usage: deno task check FILE [--json] [--recipe NAME]

Checks every recipe of FILE and everything it imports, and prints the diagnostics on stderr
(file:line:col, the line, a caret and a hint). Exits 0 when there are no errors
(warnings allowed), 1 when there are, 2 on bad usage.

Options:
  --json           print the diagnostics as a JSON array on stdout
  --recipe NAME    check only this recipe of the file
  -h, --help       show this help`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: "boolean" },
      recipe: { type: "string" },
    });
    const file = recipeArgument(positionals);
    const plans = await compileForCommand(file, { recipe: values.recipe, json: values.json, every: true });
    if (plans && !values.json) {
      console.log(`${file}: ok (${plans.length} plan${plans.length === 1 ? "" : "s"})`);
    }
    return plans ? EXIT.ok : EXIT.errors;
  },
};
