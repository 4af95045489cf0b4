/**
 * Branches: `branch "b" at "ckpt" { ... }` inside recipe "a" is the recipe "a.b" `from "a" at "ckpt"`,
 * compiled with its recipe, chosen with --recipe, refused where it has no single checkpoint to start from.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { formatDiagnostics } from "../src/diagnostics/diagnostic.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import type { Plan } from "../src/plan/schema.ts";
import { command as explain } from "../src/cli/explain.ts";
import { command as compile } from "../src/cli/compile.ts";
import { command as plot } from "../src/cli/plot.ts";
import { plotPlans } from "../src/plot/plan_chart.ts";
import { compileFiles } from "./compile_text.ts";

const PARENT = `
  budget 1000 steps
  batch 8 x 64
  optimizer adamw { lr 1e-3  weight_decay 0.1 }
  data {
    web  = corpus "brown/news"
    code = corpus "brown/learned"
    mix web 0.8, code 0.2
  }
  schedule {
    warmup 5%
    stable rest { checkpoint at 400 steps "s400"  checkpoint at 800 steps "s800" }
  }`;
const ANNEAL = `budget 100 steps
    data { mix web 0.5, code 0.5 }
    schedule { decay rest 1-sqrt to 0 }`;

const BRANCHED = `recipe "inf" {${PARENT}
  branch "a400" at "s400" {
    ${ANNEAL}
  }
  branch "a800" at "s800" { ${ANNEAL} }
}
`;

async function plansOf(files: Record<string, string>, recipe?: string): Promise<Plan[]> {
  const result = await compileFiles(files, recipe);
  assert.ok(result.ok, formatDiagnostics(result.diagnostics));
  return result.plans;
}

/** Everything that the compiler's naming and the recipe text's positions do not change. */
function content(plan: Plan) {
  const { name: _n, phases, checkpoints, sources, init, ...rest } = plan;
  return {
    ...rest,
    phases: phases.map(({ origin: _o, ...p }) => p),
    checkpoints: checkpoints.map(({ origin: _o, ...c }) => c),
    sources: sources.map(({ origin: _o, ...s }) => s),
    init: init && { ...init, origin: null },
  };
}

Deno.test("a recipe with branches compiles to its plan and one plan per branch, in order", async () => {
  const plans = await plansOf({ "r.recipe": BRANCHED });
  assert.deepEqual(plans.map((p) => p.name), ["inf", "inf.a400", "inf.a800"]);
  assert.deepEqual(plans.slice(1).map((p) => [p.init?.recipe, p.init?.checkpoint, p.init?.step]), [
    ["inf", "s400", 450],
    ["inf", "s800", 850],
  ]);
  assert.equal(plans[0].init, null);
});

Deno.test("a branch's plan is the plan of the same child recipe written separately, update by update", async () => {
  const separate = `recipe "inf" {${PARENT}
}
recipe "inf.a800" from "inf" at "s800" {
  ${ANNEAL}
}
`;
  const [branch] = await plansOf({ "r.recipe": BRANCHED }, "inf.a800");
  const [child] = await plansOf({ "r.recipe": separate }, "inf.a800");
  assert.deepEqual(content(branch), content(child));
  assert.deepEqual(scheduleTable(branch), scheduleTable(child));
  assert.equal(branch.init!.planHash, child.init!.planHash);
  assert.deepEqual(branch.init!.origin, { file: "r.recipe", line: 19, column: 20 });
});

Deno.test("a branch inherits what it does not override, from its recipe's file", async () => {
  const [, branch] = await plansOf({ "r.recipe": BRANCHED });
  assert.equal(branch.optimizer.lr, 1e-3);
  assert.equal(branch.optimizer.weightDecay, 0.1);
  assert.equal(branch.steps, 100);
  assert.deepEqual(branch.phases[0].mix, { web: 0.5, code: 0.5 });
  assert.deepEqual(branch.phases[0].lr, { shape: "1-sqrt", from: 1e-3, to: 0 });
});

Deno.test("--recipe picks a branch by its full name; the short name gets a hint", async () => {
  const plans = await plansOf({ "r.recipe": BRANCHED }, "inf.a400");
  assert.deepEqual(plans.map((p) => p.name), ["inf.a400"]);
  const short = await compileFiles({ "r.recipe": BRANCHED }, "a400");
  assert.match(formatDiagnostics(short.diagnostics), /did you mean "inf\.a400"\?/);
});

Deno.test("a file with one recipe and its branches needs no --recipe; with two it still does", async () => {
  assert.equal((await plansOf({ "r.recipe": BRANCHED })).length, 3);
  const two = await compileFiles({ "r.recipe": BRANCHED + 'recipe "other" extends "inf" {}\n' });
  assert.match(formatDiagnostics(two.diagnostics), /File defines 2 recipes \("inf", "other"\)/);
  // `extends` does not copy the branches: they are recipes of their own, "inf.a400" and "inf.a800".
  assert.deepEqual(
    (await plansOf({ "r.recipe": BRANCHED + 'recipe "other" extends "inf" {}\n' }, "other"))
      .map((p) => p.name),
    ["other"],
  );
});

Deno.test("branches of branches fall out: each starts from its parent's checkpoint", async () => {
  const text = `recipe "inf" {${PARENT}
  branch "a800" at "s800" {
    budget 100 steps
    schedule { stable rest { checkpoint at 50 steps "half" } }
    branch "cool" at "half" { budget 20 steps  schedule { decay rest } }
  }
}
`;
  const plans = await plansOf({ "r.recipe": text });
  assert.deepEqual(plans.map((p) => [p.name, p.init?.recipe, p.init?.checkpoint]), [
    ["inf", undefined, undefined],
    ["inf.a800", "inf", "s800"],
    ["inf.a800.cool", "inf.a800", "half"],
  ]);
});

Deno.test("branch diagnostics", async (t) => {
  const diagnosticsOf = async (text: string) =>
    formatDiagnostics((await compileFiles({ "r.recipe": text })).diagnostics);
  await t.step("a checkpoint the recipe does not have (R0017, did you mean)", async () => {
    const text = BRANCHED.replace('at "s800"', 'at "s080"');
    assert.match(
      await diagnosticsOf(text),
      /error\[R0017\]: Recipe "inf" has no checkpoint "s080"\n {2}--> r\.recipe:19:20[^]*did you mean "s800"\?/,
    );
  });
  await t.step("a branch name used twice (R0004)", async () => {
    const text = BRANCHED.replace('branch "a800"', 'branch "a400"');
    assert.match(
      await diagnosticsOf(text),
      /error\[R0004\]: Recipe "inf" declares branch "a400" twice\n {2}--> r\.recipe:19:10/,
    );
  });
  await t.step("a branch whose full name is another recipe's (R0004)", async () => {
    const text = BRANCHED + `recipe "inf.a400" from "inf" at "final" { budget 10 steps }\n`;
    assert.match(await diagnosticsOf(text), /error\[R0004\]: Recipe "inf\.a400" is defined twice/);
  });
  await t.step("a branch name that cannot be a file name (R0025)", async () => {
    const text = BRANCHED.replace('branch "a800"', 'branch "a/800"');
    assert.match(await diagnosticsOf(text), /error\[R0025\]: The recipe name "inf\.a\/800"/);
  });
  await t.step("a branch of a recipe with sweeps (R0032); a branch may sweep its own settings", async () => {
    const swept = BRANCHED.replace("lr 1e-3", "lr sweep [1e-3, 3e-3]");
    assert.match(
      await diagnosticsOf(swept),
      /error\[R0032\]: Recipe "inf" has sweeps, so its branch "a400" has no single checkpoint/,
    );
    const own = BRANCHED.replace(
      "decay rest 1-sqrt to 0 }\n  }",
      "decay rest 1-sqrt to sweep [0, 0.1x] }\n  }",
    );
    assert.deepEqual((await plansOf({ "r.recipe": own })).map((p) => p.name), [
      "inf",
      "inf.a400-decay.to=0",
      "inf.a400-decay.to=0.1x",
      "inf.a800",
    ]);
  });
  await t.step("a recipe's errors are reported once, not again at each branch", async () => {
    const text = BRANCHED.replace("budget 1000 steps", "budget 10 %");
    const result = await compileFiles({ "r.recipe": text });
    assert.equal(result.ok, false);
    assert.equal(result.diagnostics.filter((d) => d.severity === "error").length, 1);
  });
});

Deno.test("explain shows every branch; compile -o DIR writes one file per plan", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "inf.recipe");
  await Deno.writeTextFile(file, BRANCHED);
  const lines: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (text: string) => lines.push(text);
  console.error = () => {};
  try {
    assert.equal(await explain.run([file]), 0);
    assert.equal(await compile.run([file, "-o", join(dir, "plans")]), 0);
    assert.equal(await plot.run([file, "-o", join(dir, "inf.svg")]), 0); // one chart, not a directory
  } finally {
    console.log = log;
    console.error = error;
  }
  assert.match(lines.join("\n"), /inf\.a400: 100 updates[^]*\nstarts from "inf" at "s400" \(step 450/);
  const written = [...Deno.readDirSync(join(dir, "plans"))].map((e) => e.name).sort();
  assert.deepEqual(written, ["inf.a400.json", "inf.a800.json", "inf.json"]);
  assert.match(await Deno.readTextFile(join(dir, "inf.svg")), /inf\.a800/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("plot draws each branch from its recipe's checkpoint", async () => {
  const plans = await plansOf({ "r.recipe": BRANCHED });
  /** The x of the first point of each line, in drawing order: the recipe's LR, then each branch's. */
  const starts = (svg: string) => [...svg.matchAll(/<path[^>]* d="M([\d.]+),/g)].map((m) => Number(m[1]));
  const [recipe, a400, a800] = starts(plotPlans(plans));
  // Both start right of the recipe's start, at x in the ratio of their checkpoints' updates, 450 : 850.
  assert.ok(a400 > recipe && a800 > a400, `${recipe} ${a400} ${a800}`);
  assert.ok(Math.abs((a400 - recipe) / (a800 - recipe) - 450 / 850) < 0.01, `${recipe} ${a400} ${a800}`);
});
