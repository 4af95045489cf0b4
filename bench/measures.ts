/**
 * Small measuring helpers the benches share: medians, the process's CPU time, numeric flags.
 * @module
 */
import process from "node:process";

/**
 * Median of a list of numbers.
 *
 * @example
 * ```ts
 * console.assert(median([3, 1, 2]) === 2 && median([1, 2, 3, 4]) === 2.5);
 * ```
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The process's CPU-seconds (user + system), every thread included: on a CPU adapter, llvmpipe's.
 *
 * @example
 * ```ts
 * const start = cpuSeconds();
 * console.assert(cpuSeconds() >= start);
 * ```
 */
export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * The text after flag `name` in `args`, or undefined.
 *
 * @example
 * ```ts
 * console.assert(flagText(["--repeats", "5"], "--repeats") === "5");
 * ```
 */
export function flagText(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * The number after flag `name` in `args`, else `fallback`.
 *
 * @example
 * ```ts
 * console.assert(numberFlag(["--repeats", "5"], "--repeats", 3) === 5 && numberFlag([], "--repeats", 3) === 3);
 * ```
 */
export function numberFlag(args: readonly string[], name: string, fallback: number): number {
  return Number(flagText(args, name) ?? fallback);
}
