import assert from "node:assert/strict";
import { evaluate } from "../src/plan/evaluate.ts";
import { RateMap } from "../src/plan/rates.ts";
import { planHash } from "../src/plan/hash.ts";
import { roundHalfUp } from "../src/resolve/durations.ts";
import { codesOf, compileFiles, compilePlan } from "./compile_text.ts";
import { formatDiagnostics } from "../src/diagnostics/diagnostic.ts";

const HEAD = "budget 1000 steps  batch 32 x 256  optimizer adamw { lr 1e-3 }";

Deno.test("extends without changes gives the parent's plan, whatever lets the file defines", async () => {
  const text = `let lr0 = 1e-3
recipe "a" { let lr0 = 3e-3  budget 1000 steps  batch 32 x 256  optimizer adamw { lr lr0 }  schedule { stable rest } }
recipe "b" extends "a" { }`;
  assert.equal((await compilePlan(text, "b")).optimizer.lr, 3e-3);
  assert.deepEqual(await codesOf(`recipe "r" { let p = 1  let p = 2  ${HEAD}  schedule { stable rest } }`), [
    "R0004",
  ]);
});

Deno.test("only the sweeps a recipe evaluates make plans", async () => {
  const text = `let lrs = sweep [1e-3, 3e-3]
recipe "a" { ${HEAD}  schedule { stable rest } }
recipe "b" { budget 1000 steps  batch 32 x 256  optimizer adamw { lr lrs }  schedule { stable rest } }
recipe "c" from "a" at "final" { budget 100 steps }`;
  assert.equal((await compileFiles({ "r.recipe": text }, "a")).plans.length, 1);
  assert.equal((await compileFiles({ "r.recipe": text }, "b")).plans.length, 2);
  assert.ok((await compileFiles({ "r.recipe": text }, "c")).ok);
});

Deno.test("sweep plans get distinct names without float noise", async () => {
  const result = await compileFiles({
    "r.recipe":
      `recipe "r" { budget 1000 steps  batch 32 x 256  optimizer adamw { lr sweep [0.1 + 0.2, 0.3] }  schedule { stable rest } }`,
  });
  assert.deepEqual(result.plans.map((p) => p.name), ["r-lr=0.3", "r-lr=0.3-2"]);
});

Deno.test("each cycles block restarts from where it began, even after a one-cycle block", async () => {
  const p = await compilePlan(`recipe "a" { ${HEAD}
    schedule { cycles 1 period 40% { decay rest linear from 1x to 0.5x }  cycles 2 period 30% { decay rest linear to 0.1x } } }`);
  assert.deepEqual(p.phases.map((x) => evaluate(p, x.start).lr), [1e-3, 5e-4, 5e-4]);
});

Deno.test("a recipe that extends a continual-pretraining recipe keeps its starting checkpoint", async () => {
  const text =
    `recipe "base" { ${HEAD}  data { news = corpus "brown/news" }  schedule { warmup 10%  decay rest } }
recipe "b" from "base" at "final" { budget 200 steps  data { mix news 1, replay 1 normalised }  schedule { rewarm 10%  stable rest } }
recipe "c" extends "b" { budget 300 steps }`;
  const c = await compilePlan(text, "c");
  assert.equal(c.init?.recipe, "base");
  assert.equal(c.steps, 300);
});

Deno.test("an until in tokens after cycles with another batch lands where those tokens are trained", async () => {
  const p = await compilePlan(`recipe "a" { ${HEAD}
    schedule { cycles 2 period 20% { phase "a" 50%  phase "b" rest { batch 64 } }  stable until 6M tokens  decay rest }
    checkpoint at 6M tokens "six" }`);
  // The cycles train 4.9M tokens in 400 updates; the batch of 64 carries on: 16384 tokens per update.
  const stable = p.phases.find((x) => x.name === "stable")!;
  assert.equal(stable.end, 466);
  assert.equal(p.checkpoints.find((c) => c.name === "six")!.step, 466);
});

Deno.test("positions in tokens inside a batch ramp count the real batches", async () => {
  const p = await compilePlan(`recipe "r" { budget 40M tokens  batch 64 x 256  optimizer adamw { lr 1e-3 }
    schedule { warmup 5M tokens { batch linear from 16 to 64 }  stable rest }
    checkpoint at 1M tokens "oneM" }`);
  const step = p.checkpoints.find((c) => c.name === "oneM")!.step;
  let tokens = 0;
  for (let k = 0; k < step; k++) tokens += evaluate(p, k).batch * 256;
  assert.ok(
    tokens <= 1e6 && tokens + evaluate(p, step).batch * 256 > 1e6,
    `${tokens} tokens by update ${step}`,
  );
  const ramp = { start: 0, end: 4, offset: 0 as const, batch: { shape: "linear" as const, from: 1, to: 5 } };
  assert.equal(RateMap.of([ramp], 1).updatesFor(3, "samples"), 2);
});

Deno.test("checkpoint names: final is reserved, empty names are refused, order is locale-independent", async () => {
  assert.deepEqual(
    await codesOf(
      `recipe "r" { ${HEAD}  schedule { warmup 10%  stable rest { checkpoint at start "final" } } }`,
    ),
    ["R0004"],
  );
  assert.deepEqual(
    await codesOf(`recipe "r" { ${HEAD}  schedule { stable rest { checkpoint at start "" } } }`),
    ["R0004"],
  );
  const p = await compilePlan(
    `recipe "r" { ${HEAD}  schedule { warmup 10% { checkpoint at end "i" }  stable rest { checkpoint at start "I" } } }`,
  );
  assert.deepEqual(p.checkpoints.map((c) => c.name), ["I", "i", "final"]);
});

Deno.test("the plan hash does not depend on where the recipe file is", async () => {
  const text = `recipe "r" { ${HEAD}  schedule { stable rest } }`;
  const a = (await compileFiles({ "a/r.recipe": text })).plans[0];
  const b = (await compileFiles({ "/abs/b/r.recipe": text })).plans[0];
  assert.notEqual(a.file, b.file);
  assert.equal(await planHash(a), await planHash(b));
});

Deno.test("bounds: cycles, nesting and huge plans give diagnostics, not crashes", async () => {
  assert.deepEqual(
    await codesOf(`recipe "r" { ${HEAD}  schedule { cycles 1e12 over rest { decay rest } } }`),
    ["R0009"],
  );
  const deep = "(".repeat(3000) + "1" + ")".repeat(3000);
  assert.deepEqual(
    await codesOf(`recipe "r" { ${HEAD.replace("1e-3", deep)}  schedule { stable rest } }`).then((c) =>
      c.slice(0, 1)
    ),
    ["R0029"],
  );
  const long = Array.from({ length: 20000 }, () => "1e-7").join(" + ");
  const codes = await codesOf(`recipe "r" { ${HEAD.replace("1e-3", long)}  schedule { stable rest } }`);
  assert.ok(codes.length === 0 || codes[0] === "R0018" || codes[0] === "R0001", String(codes));
});

Deno.test("cycles: an overfull cycle with rest is an overrun, and fixed lengths do not scale with mult", async () => {
  assert.deepEqual(
    await codesOf(
      `recipe "r" { ${HEAD}  schedule { cycles 2 period 50% { warmup 600 steps  decay rest } } }`,
    ),
    ["R0006"],
  );
  const p = await compilePlan(
    `recipe "r" { ${HEAD}  schedule { cycles 3 mult 1.5 over rest { phase "w" 10 steps  decay rest } } }`,
  );
  assert.deepEqual(p.phases.filter((x) => x.name.endsWith(".w")).map((x) => x.end - x.start), [10, 10, 10]);
});

Deno.test("lexer and parser messages: unterminated strings, emoji, reserved words, 32x256", async () => {
  const diagnostics = async (text: string) => (await compileFiles({ "r.recipe": text })).diagnostics;
  assert.equal((await diagnostics('recipe "a {'))[0].message, "Unterminated string");
  assert.match((await diagnostics(`recipe "r" { 🙂 }`))[0].message, /Unknown character "🙂"/);
  const reserved = (await diagnostics(`let stable = 1\nrecipe "r" { ${HEAD} schedule { stable rest } }`))[0];
  assert.equal(reserved.hint, '"stable" is a reserved word; choose another name');
  assert.match((await diagnostics(`recipe "r" { batch 32x256 }`))[0].hint ?? "", /with spaces/);
  assert.equal((await diagnostics(`recipe "r" { ${HEAD}  schedule { stable rest t } }`))[0].hint, null);
});

Deno.test("values that are silently wrong elsewhere are errors here", async () => {
  const at = (schedule: string) => codesOf(`recipe "r" { ${HEAD}  schedule { ${schedule} } }`);
  assert.deepEqual(await at(`phase "" rest`), ["R0009"]);
  assert.deepEqual(await at("decay rest inverse-sqrt timescale 10 steps to 0.5x"), ["R0020"]);
  assert.deepEqual(await at('phase "p" rest cosine'), ["R0020"]);
  assert.deepEqual(await at('warmup 10% { checkpoint at 300% "late" }  stable rest'), ["R0021"]);
  const sqrtOfRelative =
    `recipe "r" { budget 1000 steps  batch 32 x 256  optimizer adamw { lr sqrt(0.01x) }  schedule { stable rest } }`;
  assert.deepEqual(await codesOf(sqrtOfRelative), ["R0018"]);
  assert.deepEqual(
    await codesOf(
      `recipe "r" { ${HEAD}  data { a = corpus "x"  b = corpus "y"  mix a 0.5, b 0.25, a 0.25 }  schedule { stable rest } }`,
    ),
    ["R0004"],
  );
});

Deno.test("the rounding rule holds for large plans", () => {
  assert.equal(roundHalfUp(16632815.499999998), 16632816);
  assert.equal(roundHalfUp(16632815.4), 16632815);
});

Deno.test("absolute import paths are taken as they are", async () => {
  const result = await compileFiles({
    "dir/main.recipe": `import "/lib/base.recipe"\nrecipe "m" extends "base" { }`,
    "/lib/base.recipe": `recipe "base" { ${HEAD}  schedule { stable rest } }`,
  });
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
});

Deno.test("an unclosed { is reported after the last token, with a note at the brace left open", async () => {
  const result = await compileFiles({
    "r.recipe": 'recipe "r" {\n  budget 100 steps\n  batch 4 x 64\n  schedule {\n    stable rest\n}\n\n',
  });
  const [d] = result.diagnostics;
  assert.deepEqual([d.code, d.line, d.column, d.lineText], ["R0001", 6, 2, "}"]);
  assert.deepEqual(d.notes?.map((n) => [n.message, n.line, n.column]), [["this `{` is never closed", 1, 12]]);
  assert.match(
    formatDiagnostics(result.diagnostics),
    /note: this `\{` is never closed\n {2}--> r\.recipe:1:12\n/,
  );
});

Deno.test("a percentage over 100% is an error at the number", async () => {
  for (
    const [schedule, column] of [["warmup 150%  stable rest", 21], [
      "warmup 10%  stable until 120%  decay rest",
      39,
    ]] as const
  ) {
    const result = await compileFiles({
      "r.recipe":
        `recipe "r" { budget 100 steps  batch 4 x 64  optimizer adamw { lr 1e-3 }\n  schedule { ${schedule} } }`,
    });
    const [d] = result.diagnostics;
    assert.deepEqual(
      [d.code, d.line, d.column],
      ["R0009", 2, column],
      formatDiagnostics(result.diagnostics),
    );
  }
});

Deno.test("a files source carries the directory its glob is relative to, and the plan's hash depends on it", async () => {
  const text = 'recipe "r" { budget 100 steps  batch 4 x 64  optimizer adamw { lr 1e-3 }\n' +
    '  data { code = files "src/*.ts" }  schedule { stable rest } }';
  const here = await compileFiles({ "r.recipe": text });
  const there = await compileFiles({ "sub/r.recipe": text });
  assert.equal(here.plans[0].sources[0].base, ".");
  assert.equal(there.plans[0].sources[0].base, "sub");
  assert.notEqual(await planHash(here.plans[0]), await planHash(there.plans[0]));
});
