import assert from "node:assert/strict";
import { compileFile } from "../src/plan/compile.ts";
import { formatDiagnostics } from "../src/diagnostics/diagnostic.ts";
import { evaluate } from "../src/plan/evaluate.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import { shapeEndValue, shapeValue } from "../src/plan/shape_value.ts";
import type { Plan } from "../src/plan/schema.ts";
import { randomRecipe } from "./random_recipe.ts";

async function compileText(text: string): Promise<Plan> {
  const result = await compileFile("random.recipe", { readFile: () => Promise.resolve(text) });
  assert.ok(result.ok, `${text}\n${formatDiagnostics(result.diagnostics)}`);
  return result.plans[0];
}

Deno.test("random recipes: phases tile [0, T), mixtures sum to 1, evaluate matches the table, LR is continuous", async () => {
  for (let seed = 1; seed <= 150; seed++) {
    const { text, explicitFrom } = randomRecipe(seed);
    const plan = await compileText(text);
    const context = `seed ${seed}:\n${text}`;
    assert.equal(plan.phases[0].start, 0, context);
    assert.equal(plan.phases.at(-1)!.end, plan.steps, context);
    plan.phases.forEach((p, i) => {
      assert.ok(p.end > p.start, context);
      if (i > 0) assert.equal(p.start, plan.phases[i - 1].end, context);
      const total = Object.values(p.mix).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 1) < 1e-12, `${context}\nmix sums to ${total}`);
      if (i > 0 && !explicitFrom[i] && p.cycle === undefined) {
        const previous = plan.phases[i - 1];
        const end = shapeEndValue(previous.lr, previous.end - previous.start);
        assert.ok(
          Math.abs(shapeValue(p.lr, 0, p.end - p.start, 0) - end) <= 1e-15,
          `${context}\nLR jumps at ${p.start}`,
        );
      }
    });
    const table = scheduleTable(plan);
    for (let k = 0; k < plan.steps; k++) {
      const settings = evaluate(plan, k);
      if (
        settings.lr !== table.lr[k] || settings.batch !== table.batch[k] || settings.phase !== table.phase[k]
      ) {
        assert.fail(`${context}\nevaluate and the table differ at update ${k}`);
      }
    }
  }
});

Deno.test("the budget is met to within half an update", async () => {
  for (let seed = 1000; seed < 1100; seed++) {
    const { text } = randomRecipe(seed);
    const plan = await compileText(text);
    const batch = (plan.phases[0].batch as { value: number }).value; // generated recipes keep one batch
    const perUpdate = { steps: 1, samples: batch, tokens: batch * plan.context }[plan.budget.unit];
    assert.ok(
      Math.abs(plan.steps - plan.budget.value / perUpdate) <= 0.5 + 1e-9,
      `seed ${seed}: ${plan.steps} updates`,
    );
  }
});

Deno.test("the same recipe text always gives byte-identical plan JSON", async () => {
  const { text } = randomRecipe(7);
  const a = JSON.stringify(await compileText(text));
  const b = JSON.stringify(await compileText(text));
  assert.equal(a, b);
});
