/**
 * The browser bundle (deno task build) and the charts it shares with the CLI: nothing Deno-only in
 * dist/recipe.js, under its size budget, and it compiles, emits and plots through a reader the caller
 * gives; the plan and run charts with overlays, log-y, checkpoints and the tokens axis; `plot` with several
 * recipes and --runs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BUDGETS, buildWeb } from "../src/web/build.ts";
import { compileFile } from "../src/plan/compile.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import { axisOf } from "../src/plot/axis.ts";
import { plotPlans } from "../src/plot/plan_chart.ts";
import { plotRuns } from "../src/plot/run_chart.ts";
import { ROOT } from "./fixtures.ts";

Deno.test("the bundle has nothing Deno-only, fits its budget, and compiles, emits and plots", async () => {
  const out = await Deno.makeTempDir({ prefix: "recipe-dist-" });
  const files = await buildWeb(out);
  for (const file of files) assert.ok(file.bytes <= BUDGETS[file.name], `${file.name}: ${file.bytes} bytes`);
  const bundle = await Deno.readTextFile(join(out, "recipe.js"));
  assert.doesNotMatch(bundle, /\bDeno\.|from\s*"node:|import\("node:/);
  assert.match(bundle, /sourceMappingURL=recipe\.js\.map/);
  for (const name of ["index.html", "dashboard.html", "studio.js", "dashboard.js", "recipe.js.map"]) {
    assert.ok((await Deno.stat(join(out, name))).isFile, name);
  }
  assert.match(await Deno.readTextFile(join(out, "studio.js")), /from"\.\/recipe\.js"/);

  const lib = await import(pathToFileURL(join(out, "recipe.js")).href);
  const text = await Deno.readTextFile(join(ROOT, "recipes/cpt-replay.recipe"));
  const read = (path: string) =>
    path === "recipes/wsd.recipe"
      ? Deno.readTextFile(join(ROOT, path))
      : Promise.reject(new lib.NotFound(path));
  const result = await lib.compileText("recipes/cpt-replay.recipe", text, read);
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
  const native = await compileFile(join(ROOT, "recipes/cpt-replay.recipe"));
  assert.equal(result.plans.at(-1).steps, native.plans.at(-1)!.steps);
  assert.match(lib.emitPlan(result.plans.at(-1), "hf").files[0].content, /"learning_rate"/);
  assert.match(lib.plotPlans(result.plans, { logY: true }), /^<svg/);
  const missing = await lib.compileText("a.recipe", 'import "b.recipe"\n', read);
  assert.equal(missing.diagnostics[0].code, "R0014");
  assert.equal(missing.diagnostics[0].line, 1);
});

Deno.test("the tokens axis counts the tokens before each update, through a batch ramp", async () => {
  const { plans: [plan] } = await compileFile(join(ROOT, "recipes/batch-ramp.recipe"));
  const x = axisOf(plan, "tokens");
  const batch = scheduleTable(plan).batch;
  let tokens = 0;
  for (let k = 0; k < plan.steps; k++) {
    assert.equal(x(k), tokens, `update ${k}`);
    tokens += batch[k] * plan.context;
  }
  assert.equal(x(plan.steps), tokens);
  assert.equal(axisOf(plan)(17), 17);
});

Deno.test("plan charts overlay plans, mark checkpoints, and draw log-y and tokens", async () => {
  const { plans } = await compileFile(join(ROOT, "recipes/sweep.recipe"));
  const svg = plotPlans(plans, { logY: true, axis: "tokens" });
  for (const plan of plans) assert.ok(svg.includes(`>${plan.name}</text>`), plan.name);
  assert.match(svg, />tokens</);
  assert.doesNotMatch(svg, /data mixture/); // stacked bands cannot overlay
  const { plans: [wsd] } = await compileFile(join(ROOT, "recipes/wsd.recipe"));
  const one = plotPlans([wsd]);
  assert.match(
    one,
    /<g class="checkpoint"><title>checkpoint &quot;pre-cooldown&quot; after update 625<\/title>/,
  );
  assert.match(one, /data mixture/);
});

Deno.test("run charts skip what is missing or not finite", () => {
  const records = [
    { step: 0, tokens: 64, loss: 5, lr: 0, tokensPerSecond: 100 },
    { step: 1, tokens: 128, loss: Number.NaN, lr: 1e-3 },
    { step: 2, loss: 4, heldOut: { a: 4.5, b: 4.7 } },
  ];
  const svg = plotRuns([{ name: "run-a", records }, { name: "empty", records: [] }], { logY: true });
  assert.match(svg, /training loss/);
  assert.match(svg, /held-out loss/);
  assert.match(svg, />run-a<\/text>/);
  assert.doesNotMatch(svg, /NaN/);
});

/** Runs the CLI from the repository root. */
async function cli(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "src/cli/main.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("plot: several recipes and --runs in one chart, with --log-y and --axis tokens", async () => {
  const dir = await Deno.makeTempDir({ prefix: "recipe-plot-" });
  await Deno.mkdir(join(dir, "run-a"));
  await Deno.writeTextFile(
    join(dir, "run-a/metrics.jsonl"),
    '{"step":0,"tokens":64,"loss":5.5,"lr":0.001,"tokensPerSecond":10}\n{"step":1,"tok',
  );
  const out = join(dir, "all.svg");
  const args = ["recipes/wsd.recipe", "recipes/cosine.recipe", "--runs", join(dir, "run-a"), "--log-y"];
  const result = await cli("plot", ...args, "--axis", "tokens", "-o", out);
  assert.equal(result.code, 0, result.stderr);
  const svg = await Deno.readTextFile(out);
  for (const name of ["training loss", "run-a", "wsd-small", "learning rate", ">tokens<"]) {
    assert.ok(svg.includes(name), name);
  }
  assert.equal((await cli("plot", "recipes/wsd.recipe", "--axis", "steps")).code, 2);
  assert.equal((await cli("plot", "--runs")).code, 2);
  const notRun = await cli("plot", "--runs", dir);
  assert.equal(notRun.code, 1);
  assert.match(notRun.stderr, /is not a run directory/);
  assert.doesNotMatch(notRun.stderr, /\n\s+at /); // no stack trace
});
