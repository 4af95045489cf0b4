/**
 * `diff`: sweep variants of recipes/sweep.recipe, a child and its parent (recipes/cpt-replay.recipe from
 * recipes/wsd.recipe), plan JSON files, the overlay chart and the exit codes.
 * @module
 */
import assert from "node:assert/strict";
import { compileFile } from "../src/plan/compile.ts";
import type { Plan } from "../src/plan/schema.ts";
import { diffPlans } from "../src/diff/plan_diff.ts";
import { formatDiff } from "../src/diff/format_diff.ts";
import { command } from "../src/cli/diff.ts";
import { readFromRoot, ROOT } from "./fixtures.ts";

async function plansOf(path: string): Promise<Plan[]> {
  const result = await compileFile(path, { readFile: readFromRoot });
  assert.ok(result.ok);
  return result.plans;
}

/** Runs `diff` with stdout captured; resolves with the exit code and the output. */
async function runDiff(args: string[]): Promise<{ code: number; out: string }> {
  const [log, error] = [console.log, console.error];
  let out = "";
  console.log = (s: string) => void (out += s + "\n");
  console.error = () => {};
  try {
    return { code: await command.run(args), out };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

Deno.test("diff: the six sweep variants differ exactly in what their sweeps set", async () => {
  const plans = await plansOf("recipes/sweep.recipe");
  assert.equal(plans.length, 6);
  for (const a of plans) {
    for (const b of plans) {
      const diff = diffPlans(a, b);
      assert.equal(diff.identical, a === b, `${a.name} vs ${b.name}`);
      if (a === b) continue;
      const keys = diff.settings.map((s) => s.key).filter((k) => k !== "name");
      const lrChanged = a.optimizer.lr !== b.optimizer.lr;
      const warmupChanged = a.sweep!.warmup !== b.sweep!.warmup;
      assert.deepEqual(keys, [
        ...(lrChanged ? ["optimizer.lr", "sweep.lr"] : []),
        ...(warmupChanged ? ["sweep.warmup"] : []),
      ]);
      assert.ok(diff.lr, "the LR differs");
      assert.equal(diff.lr.first, 1, "both warm up from 0: update 0 is the same");
      assert.ok(diff.lrArea > 0);
      assert.equal(diff.weightDecay, null);
      assert.equal(diff.batch, null);
      assert.equal(diff.mix, null);
      const warmup = diff.phases.find((c) => c.kind === "reshaped" && c.a.name === "warmup");
      assert.equal(warmup !== undefined, true);
      if (warmup?.kind === "reshaped") {
        assert.equal(warmup.what.some((w) => w.startsWith("length")), warmupChanged);
      }
    }
  }
});

Deno.test("diff: a child and its parent (cpt-replay from wsd)", async () => {
  const [parent] = await plansOf("recipes/wsd.recipe");
  const [child] = await plansOf("recipes/cpt-replay.recipe");
  const diff = diffPlans(parent, child);
  assert.equal(diff.identical, false);
  const settings = Object.fromEntries(diff.settings.map((s) => [s.key, s]));
  assert.equal(settings.init.a, null);
  assert.match(String(settings.init.b), /^wsd-small at final \(update 781/);
  assert.deepEqual(settings["sources.code.kind"], { key: "sources.code.kind", a: undefined, b: "files" });
  assert.deepEqual(
    diff.phases.map((c) => `${c.kind} ${"phase" in c ? c.phase.name : c.a.name}`),
    ["removed warmup", "removed decay", "added rewarm", "reshaped stable", "added cooldown"],
  );
  assert.equal(diff.lr?.first, 0, "the rewarm starts from the parent's last LR, the warmup from 0");
  assert.equal(diff.mix?.first, 0);
  assert.equal(diff.mix?.source, "code");
  assert.ok(Math.abs(diff.mix!.largest - 0.95) < 1e-12);
  assert.equal(diff.weightDecay?.first, child.steps, "the same weight decay until the child ends");
  const text = formatDiff(diff, "wsd.recipe", "cpt-replay.recipe");
  assert.match(text, /area between the curves/);
  assert.match(text, /\+ rewarm 0\.\.4: added/);
});

Deno.test("diff: exit 0 for identical plans (a recipe and its plan JSON), 1 when they differ, 2 on usage", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const [plan] = await plansOf("recipes/wsd.recipe");
    const json = `${dir}/wsd.json`;
    await Deno.writeTextFile(json, JSON.stringify(plan));
    const wsd = `${ROOT}/recipes/wsd.recipe`;
    const same = await runDiff([wsd, json]);
    assert.equal(same.code, 0);
    assert.match(same.out, /the plans are identical/);
    const svg = `${dir}/lr.svg`;
    const differ = await runDiff([wsd, `${ROOT}/recipes/cosine.recipe`, "--plot", svg]);
    assert.equal(differ.code, 1);
    const chart = await Deno.readTextFile(svg);
    assert.match(chart, /^<svg/);
    assert.match(chart, /A: .*wsd\.recipe/);
    assert.match(chart, /B: .*cosine\.recipe/);
    const sweep = `${ROOT}/recipes/sweep.recipe`;
    await assert.rejects(() => runDiff([sweep, sweep]), /makes 6 plans; pick one with --plan/);
    await assert.rejects(() => runDiff([wsd]), /Expected two files/);
    const picked = await runDiff([
      sweep,
      sweep,
      "--plan",
      "sweep-lr-lr=0.001-warmup=1",
      "--plan",
      "sweep-lr-lr=0.001-warmup=5",
    ]);
    assert.equal(picked.code, 1);
    assert.match(picked.out, /sweep\.warmup: 1 -> 5/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
