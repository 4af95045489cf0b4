/**
 * Numbers in messages and tables: short, exact for integers, six significant digits otherwise.
 * @module
 */

/** `2441` stays `2441`; `0.0030000000001` becomes `0.003`. */
export function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

/** Integers with thousands separators, e.g. `19,996,672`. */
export function formatCount(x: number): string {
  return Math.round(x).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
