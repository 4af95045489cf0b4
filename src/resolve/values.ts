/**
 * Reading numbers and quantities out of the AST with range and unit checks, reporting what is wrong.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.ts";
import type { Scope } from "../check/scope.ts";
import type { Measured } from "./durations.ts";
import type { Located } from "./effective.ts";
import { formatCount } from "../diagnostics/format_number.ts";

/** Constraints on a number read from a recipe. */
export interface NumberRule {
  /** What `0.1x` is relative to; undefined forbids relative values. */
  base?: number;
  /** What the base is called, for the error message (e.g. "the peak LR"). */
  baseName?: string;
  min?: number;
  /** The value must be > min rather than >= min. */
  exclusive?: boolean;
  max?: number;
  /** What to say when the value is above `max` (e.g. what the limit is for). */
  maxHint?: string;
  integer?: boolean;
}

/** Evaluates expressions and quantities against a scope, checking ranges and units. */
export class ValueReader {
  constructor(readonly scope: Scope, readonly diagnostics: Diagnostic[]) {}

  /** The value of `expr` as an absolute number obeying `rule`, or null after a diagnostic. */
  number(expr: Located<A.Expr>, what: string, rule: NumberRule = {}): number | null {
    const result = this.scope.evaluate(expr.node, expr.source);
    if (!result) return null;
    const fail = (message: string, hint: string | null = null) => {
      this.diagnostics.push(
        diagnostic(
          result.relative && rule.base === undefined ? "R0020" : "R0009",
          expr.source,
          expr.node.span,
          message,
          hint,
        ),
      );
      return null;
    };
    let value = result.value;
    if (result.relative) {
      if (rule.base === undefined) {
        return fail(
          `${capitalise(what)} cannot be relative (x): there is nothing it would be relative to`,
          "write an absolute value",
        );
      }
      value *= rule.base;
    }
    const shown = `"${Number(value.toPrecision(12))}"`;
    if (!Number.isFinite(value)) return fail(`${capitalise(what)} is ${shown}, not a finite number`);
    const min = rule.min ?? 0;
    if (rule.exclusive ? value <= min : value < min) {
      return fail(
        `${capitalise(what)} is ${shown} but must be ${rule.exclusive ? "greater than" : "at least"} ${min}`,
      );
    }
    if (rule.max !== undefined && value > rule.max) {
      return fail(
        `${capitalise(what)} is ${shown} but must be at most ${
          Number.isInteger(rule.max) ? formatCount(rule.max) : rule.max
        }`,
        rule.maxHint ?? null,
      );
    }
    if (rule.integer && !Number.isInteger(value)) {
      return fail(`${capitalise(what)} is ${shown} but must be a whole number`, `use ${Math.round(value)}`);
    }
    return value;
  }

  /**
   * A quantity's value and unit; `units` are those allowed here. With `atMostWhole`, a percentage over 100
   * (of the budget, or of the phase) is an error at the number.
   */
  measure(
    q: Located<A.Quantity>,
    what: string,
    units: readonly A.Unit[],
    atMostWhole = false,
  ): Measured | null {
    const value = this.number({ node: q.node.expr, source: q.source }, what, { min: 0, exclusive: true });
    if (value === null) return null;
    const listed = units.map((u) => (u === "%" ? `${value}%` : `${value} ${u}`)).join(", ");
    if (q.node.unit === null) {
      this.diagnostics.push(
        diagnostic(
          "R0016",
          q.source,
          q.node.span,
          `${capitalise(what)} "${value}" has no unit`,
          `write it with one: ${listed}`,
        ),
      );
      return null;
    }
    if (!units.includes(q.node.unit)) {
      this.diagnostics.push(
        diagnostic(
          "R0016",
          q.source,
          q.node.span,
          `${capitalise(what)} cannot be in "${q.node.unit}"`,
          `write it as one of: ${listed}`,
        ),
      );
      return null;
    }
    if (atMostWhole && q.node.unit === "%" && value > 100) {
      this.diagnostics.push(
        diagnostic(
          "R0009",
          q.source,
          q.node.span,
          `${capitalise(what)} is ${value}%, more than the whole`,
          "a percentage is of the budget (of the phase, inside a phase), at most 100%",
        ),
      );
      return null;
    }
    return { value, unit: q.node.unit };
  }
}

function capitalise(text: string): string {
  return text[0].toUpperCase() + text.slice(1);
}
