/**
 * Source names, paths and recipe names reach Python, YAML, JSON, CSV and shell text: every target
 * must write them so that they read back as the same strings and never as code.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import YAML from "yaml";
import type { Plan } from "../src/plan/schema.ts";
import { emitPlan, TARGETS } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import { bashArray, parseArgs } from "./frameworks/megatron.ts";
import { moduleSettings } from "./frameworks/torchtitan.ts";
import { extensionModule } from "./frameworks/mod.ts";
import { testPlans } from "./frameworks/plans.ts";

const HOSTILE = [
  `a"b'c`,
  "$(touch pwned)`touch pwned2`",
  'back\\slash\\n"""',
  "new\nline\r\n#comment\nimport os; os.system('touch pwned')",
  "tab\tdel\u007f nbsp\u00a0 bom\ufeff end",
];

function hostilePlan(base: Plan): Plan {
  const rename = new Map(base.sources.map((s, i) => [s.name, HOSTILE[i % HOSTILE.length] + i]));
  return {
    ...base,
    name: HOSTILE[3],
    file: HOSTILE[1],
    sources: base.sources.map((s, i) => ({
      ...s,
      name: rename.get(s.name)!,
      kind: i === 0 ? "dataset" : s.kind,
      uri: `/data/${HOSTILE[(i + 2) % HOSTILE.length]}`,
    })),
    phases: base.phases.map((p) => ({
      ...p,
      name: HOSTILE[0],
      mix: Object.fromEntries(Object.entries(p.mix).map(([k, w]) => [rename.get(k)!, w])),
    })),
    init: base.init && { ...base.init, recipe: HOSTILE[1], checkpoint: HOSTILE[2] },
  };
}

/** The paths a config names the plan's sources by. */
function expectedPaths(plan: Plan): string[] {
  return plan.sources.map((s) => (s.kind === "dataset" ? s.uri : s.name));
}

/** RFC 4180 records. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [[]];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      records.at(-1)!.push(field);
      field = "";
    } else if (c === "\n") {
      records.at(-1)!.push(field);
      field = "";
      records.push([]);
    } else field += c;
  }
  records.pop();
  return records;
}

async function bashWords(script: string, array: string): Promise<{ words: string[]; files: string[] }> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "args.sh"), script);
  const { stdout, success } = await new Deno.Command("bash", {
    args: ["-c", `set -eu; source ./args.sh; printf '%s\\0' "\${${array}[@]}"`],
    cwd: dir,
  }).output();
  assert.ok(success, "bash could not source the arguments");
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n !== "args.sh");
  await Deno.remove(dir, { recursive: true });
  return { words: new TextDecoder().decode(stdout).split("\0").slice(0, -1), files };
}

Deno.test("hostile names and paths read back unchanged from every target's files and run nothing", async (t) => {
  for (
    const [name, base] of testPlans().filter(([n]) =>
      ["mix-change", "mix-constant", "cpt-rewarm"].includes(n)
    )
  ) {
    const plan = hostilePlan(base);
    const used = plan.sources.filter((s) => plan.phases.some((p) => s.name in p.mix));
    const paths = expectedPaths(plan).filter((_, i) =>
      Object.keys(plan.phases.at(-1)!.mix).includes(plan.sources[i].name)
    );
    for (const target of TARGETS) {
      await t.step(`${name} ${target.name}`, async () => {
        let emitted;
        try {
          emitted = emitPlan(plan, target.name, { approximate: true });
        } catch (error) {
          if (error instanceof UnsupportedFeatureError) return;
          throw error;
        }
        for (const file of emitted.files) assert.match(file.name, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
        const module = extensionModule(emitted);
        if (module !== null) {
          assert.equal(JSON.parse(module.match(/^PLAN = (.*)$/m)![1]), plan.name);
          assert.equal(JSON.parse(module.match(/^RECIPE_FILE = (.*)$/m)![1]), plan.file);
        }
        const text = emitted.files[0].content;
        switch (target.name) {
          case "hf":
          case "deepspeed": {
            JSON.parse(text);
            const sidecar = JSON.parse(emitted.files[1].content);
            assert.deepEqual(sidecar.sources.map((s: { name: string }) => s.name), used.map((s) => s.name));
            assert.deepEqual(
              sidecar.sources.map((s: { path: string }) => s.path),
              expectedPaths({ ...plan, sources: used }),
            );
            break;
          }
          case "olmo": {
            const config = JSON.parse(text);
            assert.deepEqual(
              config.mixture.source_list.sources.map((s: { paths: string[] }) => s.paths[0]),
              paths,
            );
            if (plan.init) {
              assert.match(config.trainer.load_path, /^checkpoints\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/);
            }
            break;
          }
          case "torchtitan": {
            assert.equal(moduleSettings(text, "TRAINING").steps, plan.steps);
            const benign =
              emitPlan({ ...base, name: "benign", file: "benign" }, "torchtitan").files[0].content;
            assert.equal(
              text.split("\n").length,
              benign.split("\n").length,
              "a name added lines to the module",
            );
            break;
          }
          case "nanotron": {
            const config = YAML.parse(text);
            assert.deepEqual(config.data_stages.at(-1).data.dataset.dataset_folder, paths);
            break;
          }
          case "megatron": {
            const stages = text.match(/^MEGATRON_DATA_\d+=/gm)!.length;
            const array = `MEGATRON_DATA_${stages}`;
            const words = parseArgs(bashArray(text, array)).get("--data-path")!.filter((_, i) => i % 2 === 1);
            assert.deepEqual(words, paths);
            const run = await bashWords(text, array);
            assert.deepEqual(run.words.filter((_, i) => i % 2 === 0 && i > 0), paths);
            assert.deepEqual(run.files, [], "sourcing the arguments created files");
            break;
          }
          case "optax":
          case "pytorch": {
            assert.equal(JSON.parse(text.match(/^PLAN = (.*)$/m)![1]), plan.name);
            assert.equal(JSON.parse(text.match(/^RECIPE_FILE = (.*)$/m)![1]), plan.file);
            const benign =
              emitPlan({ ...base, name: "benign", file: "benign" }, target.name).files[0].content;
            assert.equal(
              text.split("\n").length,
              benign.split("\n").length,
              "a name added lines to the module",
            );
            for (const s of plan.sources) assert.ok(text.includes(`    ${JSON.stringify(s.name)}: {"kind"`));
            break;
          }
          case "csv": {
            const records = csvRecords(text);
            assert.deepEqual(records[0], [
              "step",
              "lr",
              "weight_decay",
              "batch",
              ...plan.sources.map((s) => s.name),
            ]);
            assert.equal(records.length, plan.steps + 1);
            break;
          }
        }
      });
    }
  }
});

Deno.test("csv: a source name that starts like a spreadsheet formula is written as text", () => {
  const [, base] = testPlans().find(([n]) => n === "constant")!;
  const names = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1:A9)", "\tTAB", "\rCR", "ok=fine"];
  const plan: Plan = {
    ...base,
    sources: names.map((name, i) => ({ ...base.sources[0], name, uri: `/data/${i}` })),
    phases: base.phases.map((p) => ({
      ...p,
      mix: Object.fromEntries(names.map((name) => [name, 1 / names.length])),
    })),
  };
  const records = csvRecords(emitPlan(plan, "csv").files[0].content);
  assert.deepEqual(records[0].slice(4), [...names.slice(0, -1).map((n) => `'${n}`), "ok=fine"]);
  for (const record of records) {
    for (const field of record) assert.doesNotMatch(field, /^[=+@\t\r]/, "a field starts a formula");
  }
  assert.equal(records.length, plan.steps + 1);
});

Deno.test("a name with an unpaired surrogate is refused with a clear error", () => {
  const [, base] = testPlans().find(([n]) => n === "constant")!;
  assert.throws(() => emitPlan({ ...base, name: "bad\ud800" }, "pytorch"), /unpaired surrogate/);
});
