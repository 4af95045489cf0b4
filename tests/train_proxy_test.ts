/** Proxy plans: the same schedule shape scaled to a smaller token budget. */
import assert from "node:assert/strict";
import { compileFile } from "../mod.ts";
import { Plan } from "../src/plan/schema.ts";
import { parseTokenCount, planTokens, proxyPlan } from "../src/plan/proxy.ts";
import { scheduleTable } from "../src/schedule/table.ts";

async function compiled(path: string): Promise<Plan> {
  const result = await compileFile(path);
  assert.ok(result.ok, `${path} compiles`);
  return result.plans[0];
}

Deno.test("parseTokenCount", async (t) => {
  await t.step("suffixes and plain numbers", () => {
    assert.equal(parseTokenCount("5M"), 5_000_000);
    assert.equal(parseTokenCount("500k"), 500_000);
    assert.equal(parseTokenCount("1.5B"), 1_500_000_000);
    assert.equal(parseTokenCount("2e6"), 2_000_000);
  });
  await t.step("anything else is an error quoting the value", () => {
    assert.throws(
      () => parseTokenCount("five"),
      /Token count "five" is not a positive number of tokens such as "5M"/,
    );
    assert.throws(() => parseTokenCount("0"), /Token count "0"/);
  });
});

Deno.test("proxyPlan", async (t) => {
  const wsd = await compiled("recipes/wsd.recipe");

  await t.step("scales steps, phases and checkpoints to the token budget and stays a valid plan", () => {
    const proxy = proxyPlan(wsd, 5e6);
    const ratio = proxy.steps / wsd.steps;
    assert.equal(proxy.steps, Math.round(wsd.steps * 5e6 / planTokens(wsd)));
    assert.ok(Math.abs(planTokens(proxy) - 5e6) <= 32 * 256);
    assert.deepEqual(proxy.budget, { unit: "tokens", value: 5e6 });
    proxy.phases.forEach((phase, i) => {
      assert.ok(Math.abs(phase.start - wsd.phases[i].start * ratio) <= 0.5 + 1e-9);
      assert.deepEqual(phase.lr.shape, wsd.phases[i].lr.shape);
      assert.deepEqual(phase.mix, wsd.phases[i].mix);
    });
    const decay = proxy.phases.find((p) => p.name === "decay")!;
    assert.equal(
      proxy.checkpoints.find((c) => c.name === "pre-cooldown")!.step,
      decay.start,
      "checkpoint at start stays",
    );
    assert.equal(proxy.checkpoints.find((c) => c.name === "final")!.step, proxy.steps);
    assert.deepEqual(Plan.parse(proxy), proxy);
  });

  await t.step("the LR curve keeps its shape: same peak and floor, same fractions", () => {
    const proxy = proxyPlan(wsd, 2e6);
    const full = scheduleTable(wsd).lr;
    const small = scheduleTable(proxy).lr;
    assert.equal(Math.max(...small), Math.max(...full));
    for (const fraction of [0.1, 0.5, 0.79]) {
      assert.equal(small[Math.floor(fraction * proxy.steps)], full[Math.floor(fraction * wsd.steps)]);
    }
  });

  await t.step("is a pure function of the plan and the budget", () => {
    const before = JSON.stringify(wsd);
    assert.deepEqual(proxyPlan(wsd, 3e6), proxyPlan(wsd, 3e6));
    assert.equal(JSON.stringify(wsd), before);
  });

  await t.step("every phase keeps at least one update, even at a tiny budget", () => {
    const proxy = proxyPlan(wsd, 1000);
    assert.equal(proxy.steps, wsd.phases.length);
    proxy.phases.forEach((p) => assert.equal(p.end - p.start, 1));
  });

  await t.step("step-shape boundaries scale, and pieces that vanish are dropped", async () => {
    const plan = await compiled("recipes/step-decay.recipe");
    const tokens = planTokens(plan);
    const half = proxyPlan(plan, tokens / 2);
    const lr = half.phases[0].lr;
    assert.equal(lr.shape, "step");
    if (lr.shape === "step" && plan.phases[0].lr.shape === "step") {
      assert.deepEqual(lr.boundaries, plan.phases[0].lr.boundaries.map((b) => Math.round(b / 2)));
      assert.deepEqual(lr.values, plan.phases[0].lr.values);
    }
    const tiny = proxyPlan(plan, tokens * 2 / plan.steps);
    const tinyLr = tiny.phases[0].lr;
    assert.equal(tiny.steps, 2);
    if (tinyLr.shape === "step") assert.equal(tinyLr.values.length, tinyLr.boundaries.length + 1);
  });

  await t.step("inverse-sqrt timescales scale with their phase", async () => {
    const plan = await compiled("recipes/inverse-sqrt.recipe");
    const proxy = proxyPlan(plan, planTokens(plan) / 4);
    const index = plan.phases.findIndex((p) => p.lr.shape === "inverse-sqrt");
    const [before, after] = [plan.phases[index], proxy.phases[index]];
    if (before.lr.shape === "inverse-sqrt" && after.lr.shape === "inverse-sqrt") {
      const scale = (after.end - after.start) / (before.end - before.start);
      assert.ok(Math.abs(after.lr.timescale - before.lr.timescale * scale) < 1e-9);
    } else assert.fail("inverse-sqrt phase kept its shape");
  });
});
