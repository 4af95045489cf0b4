import assert from "node:assert/strict";
import { ROOT } from "./fixtures.ts";

/** Runs `predict` in a fresh process, from the repository root, as `deno task` would. */
async function predict(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "src/cli/main.ts", "predict", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", INIT_CWD: ROOT },
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

const DATA = "tests/testdata/predict";

Deno.test("predict --choose: fits two runs, ranks every plan of a sweep, writes the SVG", async () => {
  const out = await Deno.makeTempFile({ suffix: ".svg" });
  const { code, stdout, stderr } = await predict(
    "recipes/sweep.recipe",
    "--fit",
    `${DATA}/constant`,
    `${DATA}/wsd`,
    "--choose",
    "--bootstrap",
    "4",
    "-o",
    out,
  );
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Fit: L = L0 \+ A\*S1\^-alpha - C\*S2/);
  assert.match(stdout, /all: R² [\d.]+, RMSE [\d.]+ nats/);
  assert.match(stdout, /^rank\s+plan\s+updates\s+final loss\s+5%-95% \(bootstrap\)$/m);
  assert.equal(stdout.match(/^\d\s+sweep-lr-/gm)?.length, 6);
  assert.match(stdout, /^best: sweep-lr-/m);
  assert.match(stderr, /wrote .*\.svg/);
  assert.match(await Deno.readTextFile(out), /^<svg xmlns/);
  await Deno.remove(out);
});

Deno.test("predict: a log paired with its recipe, the multi-power law, JSON output", async () => {
  const out = await Deno.makeTempFile({ suffix: ".svg" });
  const { code, stdout, stderr } = await predict(
    `${DATA}/fixture.recipe`,
    "--recipe",
    "fx-wsd",
    "--fit",
    `${DATA}/logs/wandb_export.csv=${DATA}/fixture.recipe#fx-wsd`,
    "--law",
    "multi-power",
    "--bootstrap",
    "2",
    "--json",
    "-o",
    out,
  );
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.equal(result.fit.law, "multi-power");
  assert.equal(result.predictions[0].name, "fx-wsd");
  assert.ok(Number.isFinite(result.predictions[0].final.loss));
  await Deno.remove(out);
});

Deno.test("predict: bad inputs are one line each, exit 1 (or 2 for usage), no stack trace", async () => {
  const cases: [string[], number, RegExp][] = [
    [["--fit", `${DATA}/logs/wandb_export.csv`], 1, /is a log without a recipe: pair it with the recipe/],
    [["--fit", `${DATA}/logs/empty.csv=${DATA}/fixture.recipe#fx-wsd`], 1, /"[^"]*empty\.csv" is empty/],
    [
      ["--fit", `${DATA}/logs/no_loss.csv=${DATA}/fixture.recipe#fx-wsd`],
      1,
      /has no loss column.*--loss-column/,
    ],
    [["--fit", `${DATA}/logs/tensorboard.csv=${DATA}/fixture.recipe`], 1, /makes 2 plans: name one with/],
    [["--fit", "no/such/run"], 1, /"no\/such\/run\/metrics\.jsonl" does not exist/],
    [["--fit", `${DATA}/wsd`, "--law", "power"], 2, /--law expects one of tissue, multi-power/],
    [[], 2, /Expected --fit/],
  ];
  for (const [args, exit, message] of cases) {
    const { code, stderr } = await predict("recipes/wsd.recipe", ...args);
    assert.equal(code, exit, `${args.join(" ")}: ${stderr}`);
    assert.match(stderr, message);
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  }
});
