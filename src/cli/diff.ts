/**
 * `recipe diff A B`: what differs between two recipes (or plan JSON files), and where their schedules
 * diverge update by update. Exit 0 when the plans are identical, 1 when not, 2 on usage or input errors.
 * @module
 */
import { type Command, EXIT, UsageError } from "./command.ts";
import { parseCommandArgs } from "./args.ts";
import { compileForCommand } from "./compile_recipe.ts";
import { Plan } from "../plan/schema.ts";
import { diffPlans } from "../diff/plan_diff.ts";
import { formatDiff } from "../diff/format_diff.ts";
import { overlayChart } from "../diff/overlay_chart.ts";

/** The plans of a plan JSON file (one plan, or an array of them as `compile` prints a sweep). */
async function plansFromJson(path: string): Promise<Plan[]> {
  const doc = JSON.parse(await Deno.readTextFile(path));
  return (Array.isArray(doc) ? doc : [doc]).map((item, i) => {
    const parsed = Plan.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(
        `${path}: plan ${i + 1} is not a valid plan: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      );
    }
    return parsed.data;
  });
}

/** The one plan a side names: the file's only plan, or the one `--plan` names. */
function choose(plans: Plan[], path: string, name: string | undefined): Plan {
  if (name !== undefined) {
    const plan = plans.find((p) => p.name === name);
    if (!plan) {
      throw new UsageError(
        `${path} has no plan "${name}"; its plans are ${plans.map((p) => p.name).join(", ")}`,
      );
    }
    return plan;
  }
  if (plans.length > 1) {
    throw new UsageError(
      `${path} makes ${plans.length} plans; pick one with --plan: ${plans.map((p) => p.name).join(", ")}`,
    );
  }
  return plans[0];
}

/** The value of a flag given once (both sides) or twice (A's, then B's) for side `i`. */
function side(values: string[] | undefined, i: number, flag: string): string | undefined {
  if (!values || values.length === 0) return undefined;
  if (values.length > 2) {
    throw new UsageError(`${flag} is given ${values.length} times; give it once, or once per file`);
  }
  return values[Math.min(i, values.length - 1)];
}

/** `diff`: the report on stdout, the overlay chart to --plot. */
export const command: Command = {
  name: "diff",
  help: `Usage: deno task diff A B [--recipe NAME] [--plan NAME] [--plot OUT.svg]

Compares two recipes (or plan JSON files, as \`compile\` writes them): the
settings that differ, the phases added, removed, moved or reshaped, and, update
by update, where the LR, weight decay, batch and mixture first diverge and by how
much (the largest difference, and the area between the LR curves).

Exit status: 0 when the plans are identical, 1 when they differ, 2 on usage or
input errors.

Options:
  --recipe NAME   which recipe of a file that defines several (once for both
                  files, or twice: A's, then B's)
  --plan NAME     which plan of a sweep (once for both, or twice: A's, then B's)
  --plot PATH     write an SVG overlaying both LR curves
  -h, --help      show this help`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      recipe: { type: "string", multiple: true },
      plan: { type: "string", multiple: true },
      plot: { type: "string" },
    });
    if (positionals.length !== 2) {
      throw new UsageError(`Expected two files to compare, got ${positionals.length}`);
    }
    const plans: Plan[] = [];
    for (const [i, path] of positionals.entries()) {
      const all = path.endsWith(".json")
        ? await plansFromJson(path)
        : await compileForCommand(path, { recipe: side(values.recipe, i, "--recipe") });
      if (!all) return EXIT.usage;
      plans.push(choose(all, path, side(values.plan, i, "--plan")));
    }
    const diff = diffPlans(plans[0], plans[1]);
    console.log(formatDiff(diff, positionals[0], positionals[1]).trimEnd());
    if (values.plot) {
      await Deno.writeTextFile(
        values.plot,
        overlayChart(plans[0], plans[1], [positionals[0], positionals[1]]),
      );
      console.error(`wrote ${values.plot}`);
    }
    return diff.identical ? EXIT.ok : EXIT.errors;
  },
};
