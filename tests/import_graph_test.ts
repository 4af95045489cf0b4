/**
 * The compiler's folders depend one way (DESIGN.md): diagnostics at the bottom, then grammar -> syntax ->
 * check -> the plan's data -> resolve -> plan -> schedule, then the consumers of the plan, then the CLI. Read
 * from `deno info --json` of every entry point, so that a new import that points back up (or closes a cycle)
 * fails here.
 */
import assert from "node:assert/strict";
import { ROOT } from "./fixtures.ts";

/** Layer of each folder: a module may import only from its own folder or from a lower layer. */
const LAYERS: Record<string, number> = {
  "src/diagnostics": 0,
  grammar: 1,
  "src/syntax": 2,
  "src/check": 3,
  // The formatter reads the parser's tree and the comments between its tokens.
  "src/format": 3,
  // The plan's data (PLAN_DATA): its schema and the formula of each shape, which the resolve stage checks
  // values with and every consumer evaluates with.
  "plan data": 4,
  "src/resolve": 5,
  "src/plan": 6,
  "src/schedule": 7,
  "src/plot": 8,
  "src/emit": 8,
  "src/train": 8,
  "src/fuzz": 8,
  // Consumers that read what other consumers make: runs of the trainer, charts, seeded random numbers.
  "src/predict": 9,
  "src/import": 9,
  "src/diff": 9,
  // The web studio and dashboard: the browser bundle of the compiler, emitters and charts, and its server.
  "src/web": 9,
  // The language server: compiles open documents, explains their phases.
  "src/lsp": 9,
  "src/cli": 10,
  "mod.ts": 11,
};

/**
 * The modules of src/plan that define what a plan is, below the resolve stage (which builds plans' shapes and
 * evaluates them) and above nothing but diagnostics: they import only each other and src/diagnostics.
 */
const PLAN_DATA = new Set([
  "src/plan/schema.ts",
  "src/plan/shape_value.ts",
  "src/plan/evaluate.ts",
  "src/plan/invariants.ts",
  "src/plan/hash.ts",
  "src/plan/rates.ts",
]);
const ENTRIES = ["mod.ts", "src/cli/main.ts", "src/fuzz/main.ts", "src/lsp/main.ts"];

/** The folder (key of LAYERS) of a module URL inside the repository, or null for npm and outside modules. */
function folder(specifier: string): string | null {
  const prefix = `file://${ROOT}/`;
  if (!specifier.startsWith(prefix)) return null;
  const path = specifier.slice(prefix.length);
  if (path === "mod.ts") return path;
  if (PLAN_DATA.has(path)) return "plan data";
  const parts = path.split("/");
  return parts[0] === "src" ? `src/${parts[1]}` : parts[0];
}

/** Every module-to-module import among the repository's modules, from every entry point. */
async function edges(): Promise<[string, string][]> {
  const found = new Map<string, [string, string]>();
  for (const entry of ENTRIES) {
    const output = await new Deno.Command(Deno.execPath(), { args: ["info", "--json", entry], cwd: ROOT })
      .output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const graph = JSON.parse(new TextDecoder().decode(output.stdout));
    for (const module of graph.modules) {
      if (folder(module.specifier) === null) continue;
      for (const dependency of module.dependencies ?? []) {
        const to = dependency.code?.specifier ?? dependency.type?.specifier;
        if (to && folder(to) !== null) found.set(`${module.specifier} ${to}`, [module.specifier, to]);
      }
    }
  }
  return [...found.values()];
}

Deno.test("imports run one way between folders, and no module imports itself back", async () => {
  const all = await edges();
  const short = (s: string) => s.slice(`file://${ROOT}/`.length);
  const upward = all.filter(([from, to]) => {
    const [a, b] = [folder(from)!, folder(to)!];
    assert.ok(a in LAYERS, `${a} has no layer in tests/import_graph_test.ts`);
    assert.ok(b in LAYERS, `${b} has no layer in tests/import_graph_test.ts`);
    return a !== b && LAYERS[b] >= LAYERS[a];
  }).map(([from, to]) => `${short(from)} -> ${short(to)}`);
  assert.deepEqual(upward, [], "imports that point up or sideways between folders");

  // No cycle of modules: a depth-first search finds no edge back to a module on the current path.
  const next = new Map<string, string[]>();
  for (const [from, to] of all) next.set(from, [...next.get(from) ?? [], to]);
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (node: string, path: string[]) => {
    state.set(node, "open");
    for (const to of next.get(node) ?? []) {
      if (state.get(to) === "open") cycles.push([...path, node, to].map(short).join(" -> "));
      else if (!state.has(to)) visit(to, [...path, node]);
    }
    state.set(node, "done");
  };
  for (const node of next.keys()) if (!state.has(node)) visit(node, []);
  assert.deepEqual(cycles, [], "import cycles");
});
