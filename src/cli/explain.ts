/**
 * `recipe explain FILE`: the resolved phases as a table.
 * @module
 */
import { type Command, EXIT } from "./command.ts";
import { parseCommandArgs, recipeArgument } from "./args.ts";
import { compileForCommand } from "./compile_recipe.ts";
import { explainPlan } from "../schedule/explain.ts";

/** `explain`: one table per plan on stdout. */
export const command: Command = {
  name: "explain",
  help: `Usage: deno task explain FILE [--recipe NAME]

Prints, for each plan of the recipe, a table of its phases with their resolved
update ranges [start..end), tokens, LR shape, weight decay, batch and mixture,
then its checkpoints.

Options:
  --recipe NAME    which recipe of the file (when it defines several), or one
                   of its branches, "recipe.branch"
  -h, --help       show this help`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { recipe: { type: "string" } });
    const plans = await compileForCommand(recipeArgument(positionals), { recipe: values.recipe });
    if (!plans) return EXIT.errors;
    console.log(plans.map(explainPlan).join("\n"));
    return EXIT.ok;
  },
};
