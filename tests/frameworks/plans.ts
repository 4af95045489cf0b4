/**
 * The emitter test plans: the recipes of tests/testdata/emit/plans (each extends the "base" recipe of
 * tests/testdata/emit/base.recipe), compiled once when this module loads. A file compiles the recipe named
 * like it, so a plan that starts `from` a parent checkpoint declares the parent beside it.
 * @module
 */
import { compileFile } from "../../src/plan/compile.ts";
import { formatDiagnostics } from "../../src/diagnostics/diagnostic.ts";
import type { Plan } from "../../src/plan/schema.ts";
import { readFromRoot, ROOT } from "../fixtures.ts";

const DIR = "tests/testdata/emit/plans";

async function compilePlans(): Promise<[string, Plan][]> {
  const names = [...Deno.readDirSync(`${ROOT}/${DIR}`)].map((e) => e.name)
    .filter((n) => n.endsWith(".recipe")).map((n) => n.slice(0, -".recipe".length)).sort();
  const plans: [string, Plan][] = [];
  for (const name of names) {
    const result = await compileFile(`${DIR}/${name}.recipe`, { recipe: name, readFile: readFromRoot });
    if (!result.ok || result.plans.length !== 1) {
      throw new Error(
        `${DIR}/${name}.recipe does not compile to one plan:\n${formatDiagnostics(result.diagnostics)}`,
      );
    }
    plans.push([name, result.plans[0]]);
  }
  return plans;
}

const PLANS = await compilePlans();

/**
 * Every test plan, by file stem, in name order. Each call returns fresh copies, so a test may change them.
 *
 * @example
 * ```ts
 * import { testPlans } from "./plans.ts";
 * const plans = new Map(testPlans());
 * console.log(plans.get("wsd-linear")!.phases.map((p) => p.name)); // ["warmup", "stable", "decay"]
 * ```
 */
export function testPlans(): [string, Plan][] {
  return structuredClone(PLANS);
}
