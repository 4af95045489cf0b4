/**
 * `recipe plot FILE -o out.svg`: the plan as a chart.
 * @module
 */
import { safeFileName } from "../diagnostics/file_name.ts";
import { dirname, join } from "node:path";
import { type Command, EXIT } from "./command.ts";
import { outputDirectory, parseCommandArgs, recipeArgument } from "./args.ts";
import { compileForCommand } from "./compile_recipe.ts";
import { plotPlan } from "../plot/plan_chart.ts";

/** `plot`: SVG to a file (one per plan with sweeps), or to stdout. */
export const command: Command = {
  name: "plot",
  help: `Usage: deno task plot FILE [-o OUT.svg] [--recipe NAME]

Writes an SVG chart of the plan: learning rate, weight decay, batch size and the
stacked data mixture over updates, with phase boundaries marked. Without -o the
SVG goes to stdout. A recipe with sweeps writes one file per plan into the
directory -o names.

Options:
  -o, --out PATH   output file (or directory, for sweeps)
  --recipe NAME    which recipe of the file (when it defines several)
  -h, --help       show this help`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: "string", short: "o" },
      recipe: { type: "string" },
    });
    const plans = await compileForCommand(recipeArgument(positionals), { recipe: values.recipe });
    if (!plans) return EXIT.errors;
    if (!values.out) {
      console.log(plans.map(plotPlan).join("\n"));
      return EXIT.ok;
    }
    const files = plans.length === 1 ? [[values.out, plans[0]] as const] : plans.map((p) =>
      [
        join(
          outputDirectory(values.out!, plans.length, ".svg"),
          safeFileName(`${p.name}.svg`, "output file name"),
        ),
        p,
      ] as const
    );
    for (const [path, plan] of files) {
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.writeTextFile(path, plotPlan(plan));
      console.error(`wrote ${path}`);
    }
    return EXIT.ok;
  },
};
