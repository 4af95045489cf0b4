/**
 * The emitter registry: names and order, unknown targets, determinism, refusals naming the targets that
 * can, and `approximate`, whose reported deviation is what the framework's scheduler really deviates.
 */
import assert from "node:assert/strict";
import { emitPlan, TARGETS, targetsFor } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import { FRAMEWORKS } from "./frameworks/mod.ts";
import { testPlans } from "./frameworks/plans.ts";

const plans = new Map(testPlans());

Deno.test("the registry lists every target once, in order, with a description", () => {
  assert.deepEqual(
    TARGETS.map((t) => t.name),
    ["hf", "torchtitan", "megatron", "nanotron", "olmo", "optax", "pytorch", "deepspeed", "csv"],
  );
  for (const target of TARGETS) assert.ok(target.description.length > 10, target.name);
});

Deno.test("an unknown target is an error that lists the targets", () => {
  assert.throws(
    () => emitPlan(plans.get("constant")!, "keras"),
    {
      message:
        'Unknown target "keras"; the targets are hf, torchtitan, megatron, nanotron, olmo, optax, pytorch, deepspeed, csv',
    },
  );
});

Deno.test("emitting is deterministic: the same plan gives byte-identical files", () => {
  for (const [name, plan] of plans) {
    for (const target of targetsFor(plan)) {
      const a = emitPlan(structuredClone(plan), target);
      const b = emitPlan(structuredClone(plan), target);
      assert.deepEqual(a, b, `${name} ${target}`);
    }
  }
});

Deno.test("pytorch, optax and csv express every plan; a refusal names them among the alternatives", () => {
  for (const [name, plan] of plans) {
    const able = targetsFor(plan);
    for (const universal of ["optax", "pytorch", "csv"]) {
      assert.ok(able.includes(universal), `${name} ${universal}`);
    }
  }
  assert.throws(() => emitPlan(plans.get("cycles")!, "hf", { native: true }), (e: unknown) => {
    assert.ok(e instanceof UnsupportedFeatureError);
    assert.equal(e.target, "hf");
    assert.deepEqual(e.alternatives, ["optax", "pytorch", "csv"]);
    assert.deepEqual(
      e.origin,
      { file: "tests/testdata/emit/plans/cycles.recipe", line: 8, column: 7 },
      "the cycle's phase",
    );
    assert.match(e.message, /^Target "hf" cannot express a second decay or a cycle: hf has one warmup/);
    assert.match(e.message, /\(phase "cycle2\.decay"\)/, "the second cycle");
    return true;
  });
});

Deno.test("approximate: off-by-ones and warmup starts are allowed, and the reported deviation is the framework's", async (t) => {
  const cases: [string, string][] = [
    ["wsd-linear", "torchtitan"],
    ["wsd-linear", "olmo"],
    ["cosine-warmup", "olmo"],
    ["inclusive-wsd", "nanotron"],
    ["inclusive-cosine", "nanotron"],
    ["wsd-1sqrt-floor", "hf"],
    ["cpt-rewarm", "torchtitan"],
  ];
  for (const [name, target] of cases) {
    await t.step(`${name} ${target}`, () => {
      const plan = plans.get(name)!;
      assert.throws(
        () => emitPlan(plan, target, { native: true }),
        UnsupportedFeatureError,
        "exact native emission must refuse",
      );
      const emitted = emitPlan(plan, target, { native: true, approximate: true });
      const lr = scheduleTable(plan).lr;
      const peak = Math.max(...lr);
      const trace = FRAMEWORKS[target](emitted, plan.steps);
      const actual = Math.max(...trace.map((x, k) => Math.abs(x - lr[k]) / peak));
      assert.ok(emitted.maxDeviation > 0);
      assert.ok(Math.abs(actual - emitted.maxDeviation) <= 1e-12, `${actual} vs ${emitted.maxDeviation}`);
    });
  }
});

Deno.test("approximate does not approximate shapes, phases, mixtures or weight decay", () => {
  for (
    const [name, target] of [["cycles", "hf"], ["step-exponential", "megatron"], ["mix-change", "olmo"], [
      "weight-decay-change",
      "nanotron",
    ]]
  ) {
    assert.throws(
      () => emitPlan(plans.get(name)!, target, { native: true, approximate: true }),
      UnsupportedFeatureError,
      name,
    );
  }
});

Deno.test("a shape that holds one value (linear from x to x) counts as a constant phase", () => {
  const base = plans.get("wsd-linear")!;
  const plan = {
    ...base,
    phases: base.phases.map((p) =>
      p.lr.shape === "constant"
        ? { ...p, lr: { shape: "linear" as const, from: p.lr.value, to: p.lr.value } }
        : p
    ),
  };
  assert.deepEqual(targetsFor(plan), targetsFor(base));
  const lr = scheduleTable(plan).lr;
  for (const target of targetsFor(plan)) {
    const trace = FRAMEWORKS[target](emitPlan(plan, target), plan.steps);
    assert.ok(trace.every((x, k) => Math.abs(x - lr[k]) <= 1e-12 * Math.abs(lr[k])), target);
  }
});
