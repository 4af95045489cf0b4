/**
 * Builds the expected outputs of the golden and error fixtures. `deno task fixtures` writes them;
 * the tests compare them with the committed files.
 * @module
 */
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile } from "../src/plan/compile.ts";
import { formatDiagnostics } from "../src/diagnostics/diagnostic.ts";
import { explainPlan } from "../src/schedule/explain.ts";
import { planJson } from "../src/plan/plan_json.ts";
import { CODES } from "../src/diagnostics/codes.ts";
import { emitPlan, TARGETS } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import type { Plan } from "../src/plan/schema.ts";
import { formatTxtar, parseTxtar, type Txtar } from "./txtar.ts";

/** The repository root. */
export const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), ".."));
/** Where the golden fixtures of the example recipes live. */
export const GOLDEN_DIR = join(ROOT, "tests/testdata/golden");
/** Where the fixtures of the diagnostics live, one per code. */
export const ERRORS_DIR = join(ROOT, "tests/testdata/errors");

/** Reads repository-relative paths, whatever the working directory. */
export const readFromRoot = (path: string) => Deno.readTextFile(join(ROOT, path));

/** The example recipes, as repository-relative paths. */
export function exampleRecipes(): string[] {
  return [...Deno.readDirSync(join(ROOT, "recipes"))].filter((e) => e.name.endsWith(".recipe")).map((e) =>
    `recipes/${e.name}`
  ).sort();
}

/**
 * Every target's files for a plan, or its refusal, as txtar sections. csv is left out: it is the
 * per-update table, bulk that tests/emit_*_test.ts check instead.
 */
function targetSections(plan: Plan): { name: string; content: string }[] {
  return TARGETS.filter((t) => t.name !== "csv").flatMap((target) => {
    try {
      const emitted = emitPlan(plan, target.name);
      const notes = emitted.notes.map((n) => `note: ${n}\n`).join("");
      return emitted.files.map((f, i) => ({
        name: `${target.name}: ${f.name}`,
        content: (i === 0 && notes ? notes.replace(/^/gm, "# ").replace(/# $/, "") : "") + f.content,
      }));
    } catch (error) {
      if (!(error instanceof UnsupportedFeatureError)) throw error;
      return [{ name: `${target.name}: refused`, content: `${error.message}\n` }];
    }
  });
}

/**
 * The golden fixture of one example recipe: its text, diagnostics, explain table, plan JSON, and every
 * target's output for its first plan.
 */
export async function goldenFor(recipePath: string): Promise<string> {
  const result = await compileFile(recipePath, { readFile: readFromRoot });
  const files = [{ name: recipePath, content: await readFromRoot(recipePath) }];
  files.push({ name: "diagnostics", content: formatDiagnostics(result.diagnostics) || "(none)\n" });
  if (result.ok) {
    files.push({ name: "explain", content: result.plans.map(explainPlan).join("\n") });
    files.push({ name: "plan.json", content: planJson(result.plans) });
    files.push(...targetSections(result.plans[0]));
  }
  return formatTxtar({
    comment: `Golden output of ${recipePath}. Regenerate with \`deno task fixtures\`; read the diff.`,
    files,
  });
}

/**
 * Recompiles an error fixture (its recipe sections are files in memory; the first is compiled) and returns
 * the archive with its `diagnostics` section brought up to date.
 */
export async function errorFixture(archive: Txtar): Promise<Txtar> {
  // A section `-- big.recipe * 60000 --` is the file big.recipe: its content (a section ends with one
  // newline) repeated 60,000 times.
  const inputs = archive.files.filter((f) => /\.recipe( \* \d+)?$/.test(f.name));
  const expanded = inputs.map((f) => {
    const [name, times] = f.name.split(" * ");
    const line = f.content.endsWith("\n") ? f.content : f.content + "\n";
    return { name, content: times ? line.repeat(Number(times)) : f.content };
  });
  const readFile = (path: string) => {
    const file = expanded.find((f) => normalize(f.name) === path);
    return file ? Promise.resolve(file.content) : Promise.reject(new Deno.errors.NotFound(path));
  };
  const result = await compileFile(expanded[0].name, { readFile });
  const diagnostics = formatDiagnostics(result.diagnostics) || "(none)\n";
  return { comment: archive.comment, files: [...inputs, { name: "diagnostics", content: diagnostics }] };
}

/** docs/errors.md: the table of codes, generated from src/diagnostics/codes.ts. */
export function errorsDoc(): string {
  const rows = Object.entries(CODES).map(([code, info]) =>
    `| ${code} | ${info.severity} | ${info.title} | ${info.description} |`
  );
  return [
    "# Diagnostic codes",
    "",
    "Generated from `src/diagnostics/codes.ts` by `deno task fixtures`; do not edit by hand. Each code has a fixture",
    "in `tests/testdata/errors/` that triggers it, with the rendered message beside the input.",
    "",
    "| code | severity | title | what triggers it, and the fix |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

/** Reads every error fixture. */
export function errorFixtures(): { path: string; archive: Txtar }[] {
  return [...Deno.readDirSync(ERRORS_DIR)].filter((e) => e.name.endsWith(".txtar")).map((e) => e.name).sort()
    .map((name) => {
      const path = join(ERRORS_DIR, name);
      return { path, archive: parseTxtar(Deno.readTextFileSync(path)) };
    });
}
