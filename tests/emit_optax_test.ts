/**
 * The optax module under jax.jit: XLA divides by a constant as a multiply by its reciprocal and fuses a
 * multiply and an add, so a phase fraction t / n can come out an ulp off, and `1 - t / n` below 0 at
 * t = n. What can be checked without jax: every fraction goes through the module's clamped `_fraction`,
 * every fractional power's base is clamped at 0, and the schedule stays NaN-free, exactly 0 where the plan
 * is 0 and within 1e-12 of the plan elsewhere when each quotient is off by an ulp either way.
 * (scripts/optax_jit_check.py runs the real check with jax.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { emitPlan } from "../src/emit/mod.ts";
import { JNP } from "../src/emit/optax.ts";
import { shapeExpression } from "../src/emit/_python.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import type { Plan } from "../src/plan/schema.ts";
import { compileFile } from "../src/plan/compile.ts";
import { compilePlan } from "./compile_text.ts";
import { lrTrace } from "./frameworks/optax.ts";
import { testPlans } from "./frameworks/plans.ts";

const recipe = (schedule: string, steps = 5) =>
  `recipe "r" {
  budget ${steps} steps
  batch 16 x 64
  optimizer adamw { lr 3e-3 }
  data { news = corpus "brown/news" }
  schedule { ${schedule} }
}`;

const SCHEDULES = [
  "decay rest polynomial power 1.5 to 0 inclusive",
  "decay rest polynomial power 0.5 to 0.01x inclusive",
  "decay rest polynomial power 2 to 0",
  "decay rest linear to 0 inclusive",
  "decay rest cosine to 0 inclusive",
  "decay rest 1-sqrt to 0 inclusive",
  "decay rest rex to 0 inclusive",
  "decay rest exponential to 0.01x inclusive",
  "warmup 7 steps inclusive  decay rest 1-sqrt to 0.1x inclusive",
  "warmup 3 steps cosine from 0 inclusive  cycles 3 over rest { decay rest polynomial power 1.5 to 0 inclusive }",
  "decay rest step 0.1 at 30%, 60%",
];

async function plans(): Promise<Plan[]> {
  const own = [await compilePlan(recipe(SCHEDULES[0], 5))];
  for (const schedule of SCHEDULES) {
    for (const steps of [12, 49, 997]) own.push(await compilePlan(recipe(schedule, steps)));
  }
  const dir = join(import.meta.dirname!, "../recipes");
  const examples = [];
  for (const entry of [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".recipe"))) {
    const result = await compileFile(join(dir, entry.name));
    if (result.ok) examples.push(...result.plans);
  }
  return [...own, ...examples, ...testPlans().map(([, plan]) => plan)];
}

/** The lambda bodies of the module's _LR and _WEIGHT_DECAY tables. */
function rowBodies(module: string): string[] {
  return [...module.matchAll(/^ {4}\(\d+, \d+, lambda i: (.*)\),$/gm)].map((m) => m[1]);
}

Deno.test("optax: every phase fraction is the clamped _fraction, every power's base is clamped at 0", async () => {
  for (const plan of await plans()) {
    const module = emitPlan(plan, "optax").files[0].content;
    assert.match(
      module,
      /^def _fraction\(t, n\):\n(?: {4}.*\n)*? {4}return jnp\.where\(t >= n, 1\.0, jnp\.clip\(t \/ n, 0\.0, 1\.0\)\)$/m,
    );
    const tables = module.slice(module.indexOf("_LR = ("), module.indexOf("_BATCH = ("));
    for (const body of rowBodies(tables)) {
      assert.doesNotMatch(body, /\b(?:i|\(i \+ 1\)) \/ \d/, `a bare division by the phase length: ${body}`);
      for (const power of body.matchAll(/jnp\.power\(([^,]*)/g)) {
        assert.ok(
          power[1].startsWith("jnp.maximum(") || /^[\d.e-]+ \/ [\d.e-]+$/.test(power[1]),
          `an unguarded power base: ${body}`,
        );
      }
    }
  }
});

Deno.test("optax: the issue's inclusive polynomial power 1.5 over 5 updates ends at exactly 0", () => {
  assert.equal(
    shapeExpression({ shape: "polynomial", from: 3e-3, to: 0, power: 1.5 }, 5, 1, JNP),
    "(0.0 + (0.003 - 0.0) * jnp.power(jnp.maximum(1 - _fraction((i + 1), 5), 0.0), 1.5))",
  );
});

Deno.test("optax: with each quotient an ulp off, no NaN, exact 0 where the plan is 0, else within 1e-12", async () => {
  const ulp = (x: number) => (x === 0 ? 0 : 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52));
  for (const skew of [-1, 1]) {
    // The module's _fraction over a division that XLA rounded an ulp away from t / n.
    const fraction = (t: number, n: number) =>
      t >= n ? 1 : Math.min(Math.max(t / n + skew * ulp(t / n), 0), 1);
    for (const plan of await plans()) {
      const expected = scheduleTable(plan).lr;
      const trace = lrTrace(emitPlan(plan, "optax").files[0].content, { _fraction: fraction });
      trace.forEach((lr, k) => {
        const want = expected[k];
        const where = `${plan.name}, update ${k}: ${lr} for ${want}`;
        assert.ok(!Number.isNaN(lr), where);
        if (want === 0) assert.equal(lr, 0, where);
        else assert.ok(Math.abs(lr - want) <= 1e-12 * Math.abs(want) + 1e-15 * plan.optimizer.lr, where);
      });
    }
  }
});
