/**
 * Numbers in messages and tables: short, exact for integers, six significant digits otherwise.
 * @module
 */

/** `2441` stays `2441`; `0.0030000000001` becomes `0.003`. */
export function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

/**
 * Integers with thousands separators, e.g. `19,996,672`; from 1e21 on (where JavaScript writes an exponent)
 * six significant digits with the exponent, e.g. `1.95313e+27`.
 *
 * @example
 * ```ts
 * import { formatCount } from "./format_number.ts";
 * console.assert(formatCount(19996672) === "19,996,672" && formatCount(1.953125e27) === "1.95313e+27");
 * ```
 */
export function formatCount(x: number): string {
  if (Math.abs(x) >= 1e21) return x.toPrecision(6).replace(/\.?0+e/, "e");
  return Math.round(x).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
