/**
 * The import round trip, as a property: every config the emitters write in the native tier, over every
 * example recipe and generated ones, imports to a recipe whose plan has the same LR (to 1e-12 relative),
 * weight decay, batch and mixture at every update as the original plan.
 * @module
 */
import assert from "node:assert/strict";
import { compileFile } from "../src/plan/compile.ts";
import { compileFiles, compilePlan } from "./compile_text.ts";
import { emitPlan } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import type { Plan } from "../src/plan/schema.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import { importConfig, readSidecar } from "../src/import/mod.ts";
import { publishedRecipe, randomRecipe } from "./random_recipe.ts";
import { exampleRecipes, readFromRoot } from "./fixtures.ts";

/** The targets with an importer. */
const TARGETS = ["hf", "torchtitan", "megatron", "nanotron", "olmo", "deepspeed"] as const;

/** How many generated recipes of each kind the property runs over. */
const SEEDS = 300;

const close = (a: number, b: number, tolerance: number) =>
  Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));

/** A source's key across the round trip: the path an external trainer reads (the name for a placeholder). */
const pathOf = (plan: Plan) =>
  new Map(
    plan.sources.map((s) => [
      s.name,
      s.kind === "dataset" && !plan.sources.some((o) => o.name !== s.name && o.uri === s.uri)
        ? s.uri
        : s.name,
    ]),
  );

function mixAt(plan: Plan, phase: number): Record<string, number> {
  const paths = pathOf(plan);
  return Object.fromEntries(Object.entries(plan.phases[phase].mix).map(([name, w]) => [paths.get(name)!, w]));
}

/** The first difference between two plans' per-update settings, or null. */
export function tableMismatch(original: Plan, imported: Plan): string | null {
  const [a, b] = [scheduleTable(original), scheduleTable(imported)];
  if (a.steps !== b.steps) return `${b.steps} updates instead of ${a.steps}`;
  for (let k = 0; k < a.steps; k++) {
    if (!close(a.lr[k], b.lr[k], 1e-12)) return `update ${k}: LR ${b.lr[k]} instead of ${a.lr[k]}`;
    if (!close(a.weightDecay[k], b.weightDecay[k], 1e-12)) {
      return `update ${k}: weight decay ${b.weightDecay[k]} instead of ${a.weightDecay[k]}`;
    }
    if (a.batch[k] !== b.batch[k]) return `update ${k}: batch ${b.batch[k]} instead of ${a.batch[k]}`;
    if (k === 0 || a.phase[k] !== a.phase[k - 1] || b.phase[k] !== b.phase[k - 1]) {
      const [ma, mb] = [mixAt(original, a.phase[k]), mixAt(imported, b.phase[k])];
      const keys = new Set([...Object.keys(ma), ...Object.keys(mb)]);
      if ([...keys].some((key) => !close(ma[key] ?? 0, mb[key] ?? 0, 1e-12))) {
        return `update ${k}: mixture ${JSON.stringify(mb)} instead of ${JSON.stringify(ma)}`;
      }
    }
  }
  return null;
}

/** Emits `plan` natively for `target` and imports it back; null when the target refuses the plan. */
export async function roundTrip(
  plan: Plan,
  target: string,
): Promise<{ text: string; problem: string | null } | null> {
  let emitted;
  try {
    emitted = emitPlan(plan, target, { native: true });
  } catch (error) {
    if (error instanceof UnsupportedFeatureError) return null;
    throw error;
  }
  const main = emitted.files[0];
  const sidecar = emitted.files.find((f) => f.name.endsWith(".data.json"));
  const { recipe } = importConfig({
    file: main.name,
    text: main.content,
    from: target as typeof TARGETS[number],
    sidecar: sidecar ? readSidecar(sidecar.content, sidecar.name) : undefined,
    context: plan.context,
  });
  const result = await compileFiles({ "imported.recipe": recipe });
  if (!result.ok) {
    return { text: recipe, problem: `the import does not compile: ${JSON.stringify(result.diagnostics[0])}` };
  }
  const back = result.plans[0];
  return { text: recipe, problem: tableMismatch(plan, back) };
}

async function generatedPlans(): Promise<{ label: string; plan: Plan }[]> {
  const out: { label: string; plan: Plan }[] = [];
  for (const recipe of exampleRecipes()) {
    const result = await compileFile(recipe, { readFile: readFromRoot });
    result.plans.forEach((plan) => out.push({ label: `${recipe} (${plan.name})`, plan }));
  }
  for (let seed = 0; seed < SEEDS; seed++) {
    for (
      const [label, text] of [[`published ${seed}`, publishedRecipe(seed)], [
        `random ${seed}`,
        randomRecipe(seed).text,
      ]]
    ) {
      out.push({ label, plan: await compilePlan(text) });
    }
  }
  return out;
}

Deno.test("import round trip: every native-tier config gives back the plan's LR, weight decay, batch and mixture", async (t) => {
  const plans = await generatedPlans();
  const counts: Record<string, number> = {};
  for (const target of TARGETS) {
    await t.step(target, async () => {
      const failures: string[] = [];
      counts[target] = 0;
      for (const { label, plan } of plans) {
        const result = await roundTrip(plan, target);
        if (!result) continue;
        counts[target]++;
        if (result.problem) failures.push(`${label}: ${result.problem}\n${result.text}`);
      }
      assert(
        failures.length === 0,
        `${failures.length} of ${counts[target]} round trips differ:\n${failures.slice(0, 3).join("\n")}`,
      );
      assert(counts[target] > 0, `no plan is native for ${target}`);
    });
  }
  console.log(`round-tripped per target: ${JSON.stringify(counts)}`);
});
