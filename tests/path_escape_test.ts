/**
 * Names never reach outside the directory they are meant for: a recipe, plan JSON or direct `train()` call
 * with `../` in a recipe or checkpoint name is refused at the name, and nothing outside `--out` is touched.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileFile } from "../mod.ts";
import { train } from "../src/train/run.ts";
import { FileNameError, fileNameProblem } from "../src/diagnostics/file_name.ts";
import { Progress } from "../src/train/progress.ts";
import type { Engine } from "../src/train/engine.ts";

const HOSTILE = "../../../victim";

/** A directory with a victim file beside the working directory a run would write into. */
async function layout() {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, "victim"));
  await Deno.writeTextFile(join(root, "victim", "precious.txt"), "user data");
  await Deno.mkdir(join(root, "work", "runs"), { recursive: true });
  return root;
}

async function victimIntact(root: string) {
  assert.equal(await Deno.readTextFile(join(root, "victim", "precious.txt")), "user data");
  assert.deepEqual([...Deno.readDirSync(join(root, "victim"))].map((e) => e.name), ["precious.txt"]);
}

async function cli(cwd: string, ...args: string[]) {
  const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", main, ...args],
    cwd,
    env: { NO_COLOR: "1", INIT_CWD: cwd },
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

const RECIPE = (name: string, checkpoint: string) =>
  `recipe ${JSON.stringify(name)} {
  budget 8 steps
  batch 2 x 16
  optimizer adamw { lr 1e-3 }
  model gpt { layers 1  width 16  heads 1  context 16 }
  data { a = corpus "brown/news" }
  schedule { stable rest { checkpoint at start ${JSON.stringify(checkpoint)} } }
}
`;

Deno.test("file names: separators, dots, control characters and device names are refused", () => {
  for (const ok of ["wsd-small", "pre-cooldown", "cycle2.decay", "lr=0.0003", "a b", "ünïcode"]) {
    assert.equal(fileNameProblem(ok), null, ok);
  }
  for (
    const bad of [
      "",
      ".",
      "..",
      "../x",
      "a/b",
      "a\\b",
      ".hidden",
      "a\nb",
      "a\u2028b",
      "con",
      "NUL.txt",
      "a:b",
      "a.",
      "x"
        .repeat(101),
      "\udc00",
    ]
  ) {
    assert.notEqual(fileNameProblem(bad), null, JSON.stringify(bad));
  }
});

Deno.test("a recipe with ../ in its names is refused at the name, and nothing is written", async () => {
  const root = await layout();
  const work = join(root, "work");
  await Deno.writeTextFile(join(work, "escape.recipe"), RECIPE("escape-run", HOSTILE));
  const { code, stderr } = await cli(work, "run", "escape.recipe");
  assert.equal(code, 1);
  assert.match(stderr, /error\[R0025\]: The checkpoint name "\.\.\/\.\.\/\.\.\/victim"/);
  assert.match(stderr, /--> escape\.recipe:7:/);
  await victimIntact(root);
  assert.deepEqual([...Deno.readDirSync(join(work, "runs"))], []);
});

Deno.test("a plan JSON with ../ in its names is refused before anything is written or removed", async () => {
  const root = await layout();
  const work = join(root, "work");
  await Deno.writeTextFile(join(work, "ok.recipe"), RECIPE("ok", "pre"));
  const compiled = await compileFile(join(work, "ok.recipe"));
  assert.ok(compiled.ok);
  for (
    const [field, plan] of [
      ["checkpoints.0.name", {
        ...compiled.plans[0],
        checkpoints: compiled.plans[0].checkpoints.map((c) => ({ ...c, name: HOSTILE })),
      }],
      ["name", { ...compiled.plans[0], name: "../../escape-run" }],
    ] as const
  ) {
    await Deno.writeTextFile(join(work, "hostile.plan.json"), JSON.stringify(plan));
    const { code, stderr } = await cli(work, "run", "hostile.plan.json");
    assert.equal(code, 1, stderr);
    assert.ok(stderr.includes(`at "${field}"`), stderr);
    assert.match(stderr, /cannot be a file name: it contains a path separator/);
    assert.doesNotMatch(stderr, /\n\s+at /); // no stack trace
    await victimIntact(root);
  }
  assert.deepEqual([...Deno.readDirSync(join(work, "runs"))], []);
});

Deno.test("train() refuses a hostile checkpoint name before it creates an engine or removes anything", async () => {
  const root = await layout();
  const out = join(root, "work", "runs", "r");
  const compiled = await compileFile(join(root, "work", "ok.recipe"), {
    readFile: () => Promise.resolve(RECIPE("ok", "pre")),
  });
  assert.ok(compiled.ok);
  const plan = {
    ...compiled.plans[0],
    checkpoints: [{ ...compiled.plans[0].checkpoints[0], name: HOSTILE }],
  };
  let engines = 0;
  await assert.rejects(
    train(plan, {
      out,
      progress: new Progress("quiet"),
      createEngine: () => {
        engines++;
        return Promise.resolve({} as Engine);
      },
    }),
    FileNameError,
  );
  assert.equal(engines, 0);
  await victimIntact(root);
});
