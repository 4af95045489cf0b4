import assert from "node:assert/strict";
import { ROOT } from "./fixtures.ts";

/** Runs the CLI in a fresh process, from the repository root, as `deno task` would. */
async function cli(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "src/cli/main.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", INIT_CWD: ROOT },
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("check: exit 0 when clean, 1 with errors (on stderr, with a code frame), 2 on bad usage", async () => {
  const ok = await cli("check", "recipes/wsd.recipe");
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /recipes\/wsd\.recipe: ok/);

  const bad = await cli("check", "tests/testdata/cli/typo.recipe");
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, "");
  assert.match(
    bad.stderr,
    /error\[R0011\]: Unknown source "newz"\n {2}--> tests\/testdata\/cli\/typo\.recipe:7:9/,
  );
  assert.match(bad.stderr, /\^\^\^\^ did you mean "news"\?/);

  assert.equal((await cli("check")).code, 2);
  assert.equal((await cli("check", "a.recipe", "--nope")).code, 2);
  assert.equal((await cli("chek", "recipes/wsd.recipe")).code, 2);
  const missing = await cli("check", "no/such.recipe");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /error\[R0014\]: File "no\/such\.recipe" does not exist/);
});

Deno.test("check --json prints machine-readable diagnostics on stdout", async () => {
  const { code, stdout } = await cli("check", "tests/testdata/cli/typo.recipe", "--json");
  assert.equal(code, 1);
  const [first] = JSON.parse(stdout);
  assert.deepEqual([first.code, first.severity, first.line, first.column, first.hint], [
    "R0011",
    "error",
    7,
    9,
    'did you mean "news"?',
  ]);
});

Deno.test("explain, plot and schema print their results on stdout", async () => {
  const explain = await cli("explain", "recipes/wsd.recipe");
  assert.equal(explain.code, 0);
  assert.match(explain.stdout, /^decay\s+625\.\.781\s+156/m);
  const plot = await cli("plot", "recipes/wsd.recipe");
  assert.match(plot.stdout, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const schema = JSON.parse((await cli("schema")).stdout);
  assert.equal(schema.title, "Recipe plan, version 1");
  assert.equal(schema.additionalProperties, false);
});

Deno.test("plot -o writes one SVG per plan of a sweep", async () => {
  const dir = await Deno.makeTempDir();
  const { code } = await cli("plot", "recipes/sweep.recipe", "-o", dir);
  assert.equal(code, 0);
  assert.equal([...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".svg")).length, 6);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every command has --help", async () => {
  for (const name of ["check", "explain", "plot", "schema"]) {
    const { code, stdout } = await cli(name, "--help");
    assert.equal(code, 0, name);
    assert.match(stdout, new RegExp(`^Usage: deno task ${name}`), name);
  }
  assert.match((await cli("--help")).stdout, /Commands:/);
});

Deno.test("compile --target: the tier on stderr, the module with -o, --native refuses instead", async (t) => {
  await t.step(
    "without -o: one config on stdout; stderr names the tier, the script lines and the module",
    async () => {
      const { code, stdout, stderr } = await cli("compile", "recipes/wsd.recipe", "--target", "hf");
      assert.equal(code, 0);
      assert.equal(JSON.parse(stdout).max_steps, 781);
      assert.match(
        stderr,
        /^hf \(for transformers 5\.18\.0\): extension tier: its config keys cannot express a warmup from "0"/m,
      );
      assert.match(stderr, /from wsd_small_hf_schedule import PlanTrainer/);
      assert.match(stderr, /"wsd_small_hf_schedule\.py" is written only with -o DIR/);
    },
  );
  await t.step("with -o DIR: the config and the module beside it", async () => {
    const dir = await Deno.makeTempDir();
    const { code } = await cli("compile", "recipes/wsd.recipe", "--target", "hf", "-o", dir);
    assert.equal(code, 0);
    const module = await Deno.readTextFile(`${dir}/wsd_small_hf_schedule.py`);
    assert.match(module, /^def make_scheduler\(optimizer, last_epoch=-1\):$/m);
    assert.match(module, /^class PlanTrainer\(Trainer\):$/m);
    assert.ok(await Deno.stat(`${dir}/wsd-small.hf.json`));
  });
  await t.step("--native refuses with the feature; --approximate needs --native", async () => {
    const native = await cli("compile", "recipes/wsd.recipe", "--target", "hf", "--native");
    assert.equal(native.code, 1);
    assert.match(native.stderr, /error\[R0024\]: Target "hf" cannot express a warmup from "0"/);
    const approximate = await cli("compile", "recipes/wsd.recipe", "--target", "hf", "--approximate");
    assert.equal(approximate.code, 2);
  });
});

Deno.test("compile a sweep: JSON targets print one JSON array, other formats need -o DIR", async () => {
  const json = await cli("compile", "recipes/sweep.recipe", "--target", "hf");
  assert.equal(json.code, 0);
  const configs = JSON.parse(json.stdout);
  assert.ok(Array.isArray(configs) && configs.length > 1);
  assert.equal(new Set(configs.map((c: { output_dir: string }) => c.output_dir)).size, configs.length);
  const shell = await cli("compile", "recipes/sweep.recipe", "--target", "megatron");
  assert.equal(shell.code, 2);
  assert.match(
    shell.stderr,
    /makes \d+ plans and "megatron" writes sh files, which do not concatenate: give a directory with -o DIR/,
  );
});

Deno.test("paths are relative to the directory the user ran `deno task` from (INIT_CWD)", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "src/cli/main.ts", "check", "wsd.recipe"],
    cwd: ROOT,
    env: { NO_COLOR: "1", INIT_CWD: `${ROOT}/recipes` },
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.match(new TextDecoder().decode(output.stdout), /^wsd\.recipe: ok/m);
});

Deno.test("check checks every recipe of a file; --recipe checks one", async () => {
  const all = await cli("check", "tests/testdata/cli/two.recipe");
  assert.equal(all.code, 1);
  assert.match(
    all.stderr,
    /error\[R0011\]: Unknown source "nope"\n {2}--> tests\/testdata\/cli\/two\.recipe:13:/,
  );
  const one = await cli("check", "tests/testdata/cli/two.recipe", "--recipe", "a");
  assert.equal(one.code, 0);
  assert.match(one.stdout, /two\.recipe: ok \(1 plan\)/);
});

Deno.test("the example recipes with branches and averages train at a tiny size, each branch scaled as its run", async () => {
  const out = await Deno.makeTempDir();
  try {
    for (const [recipe, proxy] of [["average", "100K"], ["infinite-branches", "50K"]]) {
      const run = await cli("run", `recipes/${recipe}.recipe`, "--proxy", proxy, "-o", `${out}/${recipe}`);
      assert.equal(run.code, 0, run.stderr);
      const ran = [...run.stdout.matchAll(/Run "([^"]+)": (\d+) updates/g)].map((m) => [m[1], Number(m[2])]);
      const steps = Object.fromEntries(ran);
      if (recipe === "average") {
        // 1,000 updates become 98 at a 0.1 ratio of the tokens, so the 100-update anneal becomes 10, not 98.
        assert.deepEqual(steps, { average: 98, "average.anneal": 10 });
        assert.match(run.stdout, /Averaged checkpoint "avg-last3", held-out/);
      } else {
        assert.deepEqual(Object.keys(steps), [
          "infinite-branches",
          "infinite-branches.anneal-20M",
          "infinite-branches.anneal-40M",
        ]);
      }
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
