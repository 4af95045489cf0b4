import assert from "node:assert/strict";
import { compileFile } from "../src/plan/compile.ts";
import { formatDiagnostics } from "../src/check/diagnostic.ts";
import { evaluate } from "../src/schedule/evaluate.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import { shapeEndValue, shapeValue } from "../src/schedule/shape.ts";
import type { Plan } from "../src/plan/schema.ts";

/** mulberry32: a small seeded PRNG, so every generated recipe can be reproduced from its seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHAPES = ["linear", "cosine", "1-sqrt", "exponential", "rex", "polynomial power 2", "constant"];

/** A random but valid recipe: random budget unit, phases in %, until, steps or tokens, one `rest`. */
function randomRecipe(seed: number): { text: string; explicitFrom: boolean[] } {
  const r = random(seed);
  const pick = <T>(items: T[]) => items[Math.floor(r() * items.length)];
  const sequences = pick([4, 8, 16, 32]);
  const context = pick([64, 128, 256]);
  const unit = pick(["steps", "tokens", "samples"]);
  const steps = 500 + Math.floor(r() * 20000);
  const budget = unit === "steps"
    ? steps
    : unit === "samples"
    ? steps * sequences
    : steps * sequences * context;
  const count = 1 + Math.floor(r() * 5);
  const restAt = Math.floor(r() * count);
  const explicitFrom: boolean[] = [];
  let used = 0; // percent of the budget used by the phases before the rest
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const keyword = i === 0 && r() < 0.5 ? "warmup" : pick(["stable", "decay", 'phase "p"', "rewarm"]);
    let duration: string;
    if (i === restAt) duration = "rest";
    else {
      const share = 2 + r() * (60 / count); // percent
      used += share;
      const form = i < restAt ? pick(["%", "until", "steps", "tokens"]) : pick(["%", "steps", "tokens"]);
      if (form === "%") duration = `${share.toFixed(3)}%`;
      else if (form === "until") duration = `until ${used.toFixed(3)}%`;
      else if (form === "steps") duration = `${Math.max(1, Math.round((share / 100) * steps))} steps`;
      else duration = `${Math.max(1, Math.round((share / 100) * steps)) * sequences * context} tokens`;
      if (form === "until") used = Number(used.toFixed(3));
    }
    const rising = keyword === "warmup" || keyword === "rewarm"; // may start at 0: no exponential, no constant
    const shape = keyword === "stable"
      ? ""
      : pick(rising ? SHAPES.filter((s) => s !== "exponential" && s !== "constant") : SHAPES);
    const from = shape && shape !== "constant" && r() < 0.3 ? ` from ${(0.1 + r()).toFixed(2)}x` : "";
    const to = shape && shape !== "constant" ? ` to ${(0.01 + r() * 0.5).toFixed(3)}x` : "";
    explicitFrom.push(from !== "" || keyword === "warmup" || keyword === "rewarm");
    const mix = r() < 0.5 ? ` { mix a ${r().toFixed(2)}, b ${(0.01 + r()).toFixed(2)} }` : "";
    lines.push(
      `    ${keyword} ${duration} ${shape}${from}${to}${r() < 0.2 && shape ? " inclusive" : ""}${mix}`,
    );
  }
  const text = `recipe "random-${seed}" {
  budget ${budget} ${unit}
  batch ${sequences} x ${context}
  optimizer adamw { lr 1e-3 }
  data {
    a = corpus "brown/news"
    b = corpus "brown/fiction"
    mix a 0.7, b 0.3
  }
  schedule {
${lines.join("\n")}
  }
}
`;
  return { text, explicitFrom };
}

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
