/**
 * The compiler's entry point: a recipe file in, validated plans (one per sweep combination) and
 * diagnostics out.
 * @module
 */
import type { Plan } from "./schema.ts";
import { type Diagnostic, diagnostic, fileDiagnostic, hasErrors } from "../diagnostics/diagnostic.ts";
import { loadProgram, type Program, type ReadFile, readFromDisk } from "../check/load.ts";
import { Scope } from "../check/scope.ts";
import type { SourceText } from "../diagnostics/source_text.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import { MAX_DIAGNOSTICS_PER_FILE } from "../diagnostics/limits.ts";
import { formatCount } from "../diagnostics/format_number.ts";
import { effectiveRecipe } from "../resolve/effective.ts";
import { collectSweeps } from "../resolve/sweeps.ts";
import type { ParentOutcome, ParentPlans } from "../resolve/parent.ts";
import { type ResolveOptions, resolveRecipe } from "../resolve/resolve.ts";
import { verifyPlan } from "../resolve/net.ts";
import { lower, type PlanNaming } from "./lower.ts";
import type { SweepExpr } from "../syntax/ast.ts";

/** The most plans one recipe's sweeps may produce. */
export const MAX_SWEEP_PLANS = 1000;

/** Options for `compileFile`. */
export interface CompileOptions {
  /** Which recipe of the file to compile; needed when the file defines several (unless `every`). */
  recipe?: string;
  /** Compile every recipe the file defines (what `check` does), instead of one. */
  every?: boolean;
  /** Reads files (default: from disk); tests pass an in-memory reader. */
  readFile?: ReadFile;
}

/** What the compiler produced: plans when `ok`, and every diagnostic (warnings too) in either case. */
export interface CompileResult {
  ok: boolean;
  plans: Plan[];
  diagnostics: Diagnostic[];
}

/**
 * Compiles a recipe file (and its imports) to plans. A recipe with sweeps gives one plan per combination,
 * named `<recipe>-<label>=<value>`; each `branch "b"` of recipe "a" adds the plans of the recipe "a.b".
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const { ok, plans } = await compileFile("recipes/wsd.recipe");
 * if (ok) console.log(plans[0].steps, plans[0].phases.map((p) => p.name));
 * ```
 */
export async function compileFile(path: string, options: CompileOptions = {}): Promise<CompileResult> {
  try {
    return await compileProgram(path, options);
  } catch (error) {
    // Thousands of nested parentheses or terms exhaust the stack of any recursive compiler.
    if (!(error instanceof RangeError)) throw error;
    const diagnostics = [
      fileDiagnostic(
        "R0018",
        path,
        "The recipe is nested too deeply to compile",
        "split long expressions with let",
      ),
    ];
    return { ok: false, plans: [], diagnostics };
  }
}

async function compileProgram(path: string, options: CompileOptions): Promise<CompileResult> {
  const program = await loadProgram(path, options.readFile ?? readFromDisk);
  const diagnostics = [...program.diagnostics];
  const done = (plans: Plan[]): CompileResult => {
    const unique = dedupe(diagnostics).sort((a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column
    );
    const ok = !hasErrors(unique);
    return { ok, plans: ok ? plans : [], diagnostics: capPerFile(unique) };
  };
  if (!program.entry || hasErrors(diagnostics)) return done([]);
  const parents = new ParentCache(program);
  // The file's own recipes; their branches come with them.
  const own = program.entry.ast.recipes.filter((r) => !r.branchOf).map((r) => r.name);
  if (options.every && options.recipe === undefined && own.length > 1) {
    const plans: Plan[] = [];
    for (const recipe of own) plans.push(...await compileWithBranches(program, recipe, diagnostics, parents));
    return done(plans);
  }
  let name = options.recipe;
  if (name === undefined) {
    if (own.length !== 1) {
      const listed = own.slice(0, 10).map((n) => `"${n}"`).join(", ") +
        (own.length > 10 ? ` and ${formatCount(own.length - 10)} more` : "");
      const message = own.length
        ? `File defines ${own.length} recipes (${listed})`
        : "File defines no recipe";
      diagnostics.push(
        fileDiagnostic(
          "R0017",
          program.entry.source.path,
          message,
          own.length ? "choose one with --recipe NAME" : 'add one: recipe "name" { ... }',
        ),
      );
      return done([]);
    }
    name = own[0];
  } else if (!program.recipes.has(name)) {
    diagnostics.push(
      fileDiagnostic(
        "R0017",
        program.entry.source.path,
        `No recipe "${name}" in this file or its imports`,
        didYouMean(name, program.recipes.keys()) ?? branchHint(program, name) ??
          `the recipes are ${own.slice(0, 10).map((n) => `"${n}"`).join(", ")}${
            own.length > 10 ? ` and ${formatCount(own.length - 10)} more` : ""
          }`,
      ),
    );
    return done([]);
  }

  return done(await compileWithBranches(program, name, diagnostics, parents));
}

/** For `--recipe b` where a recipe "a" has a branch "b": the branch's full name, "a.b". */
function branchHint(program: Program, name: string): string | null {
  const branches = [...program.recipes.values()].filter((r) => r.recipe.branchOf?.name === name);
  if (!branches.length) return null;
  const names = branches.map((r) => `"${r.recipe.name}"`).join(" or ");
  return `a branch is named after its recipe: did you mean ${names}?`;
}

/**
 * The plans of recipe `name` (one per sweep combination), then those of each branch it declares, in the
 * order they are written (a branch's own branches right after it): the order a trainer runs them in, every
 * parent before the branches that start from its checkpoints.
 */
async function compileWithBranches(
  program: Program,
  name: string,
  diagnostics: Diagnostic[],
  parents: ParentPlans,
): Promise<Plan[]> {
  const plans = await compileRecipe(program, name, diagnostics, parents);
  for (const branch of program.recipes.get(name)!.recipe.branches) {
    plans.push(...await compileWithBranches(program, branch.name, diagnostics, parents));
  }
  return plans;
}

/**
 * The parent recipes of one compilation, each compiled once (on its own, without sweep choices) however many
 * children and sweep choices start from it.
 */
class ParentCache implements ParentPlans {
  readonly #outcomes = new Map<string, Promise<ParentOutcome>>();

  constructor(readonly program: Program) {}

  /** The plan, errors and sweeps of recipe `name`, compiled the first time it is asked for. */
  outcome(name: string): Promise<ParentOutcome> {
    let outcome = this.#outcomes.get(name);
    if (!outcome) {
      outcome = this.#compile(name);
      this.#outcomes.set(name, outcome);
    }
    return outcome;
  }

  async #compile(name: string): Promise<ParentOutcome> {
    const diagnostics: Diagnostic[] = [];
    const sweepsUsed = new Map<SweepExpr, SourceText>();
    const plan = await planRecipe(this.program, name, diagnostics, this, { sweepsUsed });
    return { plan, errors: diagnostics.filter((d) => d.severity === "error"), swept: sweepsUsed.size > 0 };
  }
}

/** One plan of recipe `name`: resolved (under one sweep choice), lowered and verified; null after errors. */
async function planRecipe(
  program: Program,
  name: string,
  diagnostics: Diagnostic[],
  parents: ParentPlans,
  options: ResolveOptions & PlanNaming,
): Promise<Plan | null> {
  const resolved = await resolveRecipe(program, name, diagnostics, parents, options);
  return resolved && verifyPlan(lower(resolved, options), resolved, diagnostics);
}

/** The plans of recipe `name` (one per sweep combination); problems go to `diagnostics`. */
async function compileRecipe(
  program: Program,
  name: string,
  diagnostics: Diagnostic[],
  parents: ParentPlans,
): Promise<Plan[]> {
  // Resolve once with the first choice of every sweep, recording the sweeps the recipe really evaluates.
  const used = new Map<SweepExpr, SourceText>();
  const mark = diagnostics.length;
  const first = await planRecipe(program, name, diagnostics, parents, { sweepsUsed: used });
  if (!used.size) return first ? [first] : [];
  diagnostics.length = mark;

  const effective = effectiveRecipe(program, name, [])!;
  const labelOf = new Map(collectSweeps(effective).map((s) => [s.expr, s.label]));
  const sweeps = [...used].map(([expr, source]) => ({ expr, source, label: labelOf.get(expr) ?? "sweep" }))
    .sort((a, b) =>
      (a.source.path < b.source.path ? -1 : a.source.path > b.source.path ? 1 : 0) ||
      a.expr.span.start - b.expr.span.start
    );
  const total = sweeps.reduce((n, s) => n * s.expr.choices.length, 1);
  if (total > MAX_SWEEP_PLANS) {
    diagnostics.push(
      diagnostic(
        "R0015",
        sweeps[0].source,
        sweeps[0].expr.span,
        `The sweeps make ${total} plans, more than the limit of ${MAX_SWEEP_PLANS}`,
        `sweep fewer values (${sweeps.map((s) => s.expr.choices.length).join(" x ")})`,
      ),
    );
    return [];
  }
  const labels = uniqueLabels(sweeps.map((s) => s.label));
  const plans: Plan[] = [];
  const names = new Set<string>();
  for (let combination = 0; combination < total; combination++) {
    const choices = new Map<SweepExpr, number>();
    let rest = combination;
    for (let i = sweeps.length - 1; i >= 0; i--) {
      choices.set(sweeps[i].expr, rest % sweeps[i].expr.choices.length);
      rest = Math.floor(rest / sweeps[i].expr.choices.length);
    }
    const sweep: Record<string, number> = {};
    const parts: string[] = [];
    sweeps.forEach((s, i) => {
      const value = new Scope(effective.lets, [], choices).evaluate(
        s.expr.choices[choices.get(s.expr)!],
        s.source,
      );
      const shown = value ? `${Number(value.value.toPrecision(12))}${value.relative ? "x" : ""}` : "?";
      sweep[labels[i]] = value ? Number(value.value.toPrecision(12)) : NaN;
      parts.push(`${labels[i]}=${shown}`);
    });
    let planName = [name, ...parts].join("-");
    for (let k = 2; names.has(planName); k++) planName = `${[name, ...parts].join("-")}-${k}`;
    names.add(planName);
    const plan = await planRecipe(program, name, diagnostics, parents, { choices, name: planName, sweep });
    if (plan) plans.push(plan);
  }
  return plans;
}

function uniqueLabels(labels: string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? label : `${label}${count}`;
  });
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.file}|${d.line}|${d.column}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The first {@link MAX_DIAGNOSTICS_PER_FILE} diagnostics of each file (sorted by file), and after them one
 * diagnostic that counts the rest: R0026 when an error is among them, else W0004.
 */
function capPerFile(sorted: Diagnostic[]): Diagnostic[] {
  const kept: Diagnostic[] = [];
  let index = 0;
  while (index < sorted.length) {
    const file = sorted[index].file;
    let end = index;
    while (end < sorted.length && sorted[end].file === file) end++;
    // A parse that stopped early or a flood of unknown characters says so in an R0026 of its own: it always
    // shows, last, and counts what else was left out.
    const group = sorted.slice(index, end);
    const stopped = group.filter((d) => d.code === "R0026");
    const rest = group.filter((d) => d.code !== "R0026");
    kept.push(...rest.slice(0, MAX_DIAGNOSTICS_PER_FILE));
    const hidden = rest.slice(MAX_DIAGNOSTICS_PER_FILE);
    const errors = hidden.filter((d) => d.severity === "error").length;
    const what = errors === hidden.length
      ? (errors === 1 ? "error" : "errors")
      : errors
      ? `diagnostics (${errors} of them errors)`
      : (hidden.length === 1 ? "warning" : "warnings");
    if (stopped.length) {
      const more = hidden.length ? `; ${formatCount(hidden.length)} more ${what} not shown` : "";
      kept.push({ ...stopped[0], message: stopped[0].message + more });
    } else if (hidden.length) {
      kept.push(
        fileDiagnostic(
          errors ? "R0026" : "W0004",
          file,
          `${formatCount(hidden.length)} more ${what} not shown`,
          `a file shows at most ${MAX_DIAGNOSTICS_PER_FILE}; fix these and check again`,
        ),
      );
    }
    index = end;
  }
  return kept;
}
