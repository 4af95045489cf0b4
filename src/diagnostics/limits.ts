/**
 * The limits that bound the compiler's work on any input: each is checked where the input first shows it,
 * and reported with its own code, so that no recipe text makes `check` hang, run out of memory or flood the
 * terminal. The plan's own limits (updates, phases, batch) live with the stages that check them
 * (src/resolve/timeline.ts, src/plan/invariants.ts).
 * @module
 */

/**
 * The largest recipe file, in bytes of UTF-8 (512 KiB; a recipe is a few kilobytes). R0027. A file this
 * size of dense recipe text takes about half a second to check on a 2-core machine.
 */
export const MAX_FILE_BYTES = 2 ** 19;

/** The longest name (a let, a source). R0028. */
export const MAX_NAME_LENGTH = 128;

/** The deepest nesting of brackets, braces and parentheses, and the longest run of signs. R0029. */
export const MAX_NESTING = 64;

/** The most diagnostics shown for one file; the rest are counted in one R0026. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;
