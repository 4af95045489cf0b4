/**
 * Evaluating expressions: `let` bindings, arithmetic, the functions min, max, sqrt and round, relative
 * values (`0.1x`) and sweep choices.
 * @module
 */
import type { Expr, LetDecl, SweepExpr } from "../syntax/ast.ts";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.ts";
import type { SourceText } from "../diagnostics/source_text.ts";
import { didYouMean } from "../diagnostics/suggest.ts";

/** A number, and whether it is relative (times the peak or base value) rather than absolute. */
export interface Value {
  value: number;
  relative: boolean;
}

/** A `let` and the file it was written in. */
export interface LocatedLet {
  decl: LetDecl;
  source: SourceText;
}

const FUNCTIONS: Record<string, { arity: [number, number]; apply: (args: number[]) => number }> = {
  min: { arity: [1, Infinity], apply: (args) => Math.min(...args) },
  max: { arity: [1, Infinity], apply: (args) => Math.max(...args) },
  sqrt: { arity: [1, 1], apply: ([x]) => Math.sqrt(x) },
  round: { arity: [1, 1], apply: ([x]) => Math.floor(x + 0.5) },
};

/** The names a recipe's expressions can see, and the sweep choice that is being lowered. */
export class Scope {
  readonly #cache = new Map<string, Value | null>();
  readonly #evaluating = new Set<string>();

  constructor(
    readonly lets: ReadonlyMap<string, LocatedLet>,
    readonly diagnostics: Diagnostic[],
    readonly choices: ReadonlyMap<SweepExpr, number> = new Map(),
    /** Every sweep an evaluation reached, with its file: the sweeps the recipe really uses. */
    readonly touched: Map<SweepExpr, SourceText> = new Map(),
  ) {}

  /**
   * Evaluates `expr` (written in `source`). Returns null after reporting a diagnostic when the expression
   * is invalid.
   */
  evaluate(expr: Expr, source: SourceText): Value | null {
    const fail = (message: string, hint: string | null = null, code: "R0018" | "R0003" = "R0018") => {
      this.diagnostics.push(diagnostic(code, source, expr.span, message, hint));
      return null;
    };
    switch (expr.kind) {
      case "number":
        return { value: expr.value, relative: expr.relative };
      case "name":
        return this.#lookup(
          expr.name,
          () =>
            fail(
              `Unknown name "${expr.name}"`,
              didYouMean(expr.name, this.lets.keys()) ?? "define it with let",
              "R0003",
            ),
        );
      case "sweep":
        if (!this.touched.has(expr)) this.touched.set(expr, source);
        return this.evaluate(expr.choices[this.choices.get(expr) ?? 0], source);
      case "neg": {
        const operand = this.evaluate(expr.operand, source);
        return operand && { value: -operand.value, relative: operand.relative };
      }
      case "call":
        return this.#call(expr, source, fail);
      case "binary":
        return this.#binary(expr, source, fail);
    }
  }

  /** A call of one of the FUNCTIONS, its arguments checked (arity, absolute or relative). */
  #call(expr: Expr & { kind: "call" }, source: SourceText, fail: (message: string, hint?: string) => null) {
    const fn = FUNCTIONS[expr.callee];
    if (!fn) {
      this.diagnostics.push(
        diagnostic(
          "R0003",
          source,
          expr.calleeSpan,
          `Unknown function "${expr.callee}"`,
          didYouMean(expr.callee, Object.keys(FUNCTIONS)) ??
            `the functions are ${Object.keys(FUNCTIONS).join(", ")}`,
        ),
      );
      return null;
    }
    const [lo, hi] = fn.arity;
    if (expr.args.length < lo || expr.args.length > hi) {
      return fail(
        `Function "${expr.callee}" takes ${lo === hi ? lo : `at least ${lo}`} argument${
          lo === 1 && hi === 1 ? "" : "s"
        }, not ${expr.args.length}`,
      );
    }
    const args = expr.args.map((arg) => this.evaluate(arg, source));
    if (args.some((a) => a === null)) return null;
    const relative = args.some((a) => a!.relative);
    if (relative && !args.every((a) => a!.relative)) {
      return fail(
        `Function "${expr.callee}" mixes absolute and relative (x) values`,
        "write all arguments as absolute values or all as relative ones",
      );
    }
    if (relative && (expr.callee === "sqrt" || expr.callee === "round")) {
      return fail(
        `Function "${expr.callee}" cannot take a relative (x) value`,
        "apply it to an absolute value",
      );
    }
    if (expr.callee === "sqrt" && args[0]!.value < 0) {
      return fail(`Cannot take the square root of "${args[0]!.value}"`);
    }
    return { value: fn.apply(args.map((a) => a!.value)), relative };
  }

  /** `a + b`, `a - b`, `a * b`, `a / b`, with the rules for relative (x) values. */
  #binary(
    expr: Expr & { kind: "binary" },
    source: SourceText,
    fail: (message: string, hint?: string) => null,
  ) {
    const left = this.evaluate(expr.left, source);
    const right = this.evaluate(expr.right, source);
    if (!left || !right) return null;
    if (expr.op === "+" || expr.op === "-") {
      if (left.relative !== right.relative) {
        return fail(
          `Cannot ${expr.op === "+" ? "add" : "subtract"} an absolute and a relative (x) value`,
          "write both as absolute values or both as relative ones",
        );
      }
      return {
        value: expr.op === "+" ? left.value + right.value : left.value - right.value,
        relative: left.relative,
      };
    }
    if (right.relative && (expr.op === "/" || left.relative)) {
      return fail(
        `Cannot ${expr.op === "*" ? "multiply" : "divide"} by a relative (x) value here`,
        "only one factor of a product may be relative, and never the divisor",
      );
    }
    if (expr.op === "/" && right.value === 0) return fail("Division by zero");
    return {
      value: expr.op === "*" ? left.value * right.value : left.value / right.value,
      relative: left.relative || right.relative,
    };
  }

  #lookup(name: string, unknown: () => null): Value | null {
    if (this.#cache.has(name)) return this.#cache.get(name)!;
    const binding = this.lets.get(name);
    if (!binding) return unknown();
    if (this.#evaluating.has(name)) {
      this.diagnostics.push(
        diagnostic(
          "R0018",
          binding.source,
          binding.decl.nameSpan,
          `Let "${name}" refers to itself`,
          "define it from other values",
        ),
      );
      this.#cache.set(name, null);
      return null;
    }
    this.#evaluating.add(name);
    const value = this.evaluate(binding.decl.value, binding.source);
    this.#evaluating.delete(name);
    this.#cache.set(name, value);
    return value;
  }
}
