/**
 * Literals of the languages the emitters write (Python, TOML, YAML, shell, CSV), so that no source name,
 * path or recipe name can break out of its string and inject code.
 * @module
 */

/**
 * A float literal with a dot in its mantissa, exact (the shortest round-trip form) and read as a float by
 * Python, TOML and YAML 1.1 (PyYAML wants a dot and a signed exponent: `1.0e-07`, not `1e-07`).
 *
 * @example
 * ```ts
 * import { floatLiteral } from "./_literals.ts";
 * floatLiteral(3); // "3.0"
 * floatLiteral(1e-7); // "1.0e-7"
 * ```
 */
export function floatLiteral(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`Expected a finite number, got "${x}"`);
  const text = String(x);
  const [mantissa, exponent] = text.split("e");
  const dotted = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return exponent === undefined ? dotted : `${dotted}e${exponent}`;
}

/**
 * A Python float literal, or `None` for null.
 *
 * @example
 * ```ts
 * import { pyFloat } from "./_literals.ts";
 * console.assert(pyFloat(null) === "None" && pyFloat(1) === "1.0");
 * ```
 */
export function pyFloat(x: number | null): string {
  return x === null ? "None" : floatLiteral(x);
}

const UNPRINTABLE = /[\u007f-\u009f\ufffe\uffff]/g;

/**
 * A double-quoted string that Python, TOML and YAML all read back as `text`: JSON's escapes plus `\uXXXX`
 * for the characters TOML and YAML forbid raw. Throws on unpaired surrogates, which TOML cannot hold.
 *
 * @example
 * ```ts
 * import { quoted } from "./_literals.ts";
 * quoted('a"b\n'); // "\"a\\\"b\\n\""
 * ```
 */
export function quoted(text: string): string {
  const json = JSON.stringify(text).replace(
    UNPRINTABLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  if (!text.isWellFormed()) {
    throw new RangeError(`Text ${json} has an unpaired surrogate, which configs cannot hold`);
  }
  return json;
}

/**
 * One shell word: bare when it holds only safe characters, else single-quoted. Throws on NUL, which no
 * shell argument can hold.
 *
 * @example
 * ```ts
 * import { shellWord } from "./_literals.ts";
 * shellWord("data/news"); // "data/news"
 * shellWord("$(rm -rf /)"); // "'$(rm -rf /)'"
 * ```
 */
export function shellWord(text: string): string {
  if (text.includes("\0")) throw new RangeError(`Argument ${JSON.stringify(text)} holds a NUL character`);
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** What a spreadsheet reads as the start of a formula (OWASP CSV injection), fullwidth forms included. */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * One CSV text field (RFC 4180): a single quote in front when it starts like a spreadsheet formula (`=`, `+`,
 * `-`, `@`, tab or CR, the OWASP CSV-injection rule), so that a spreadsheet shows it as text; then quoted
 * when it holds a comma, quote or line break. For text only: numbers are written as they are.
 *
 * @example
 * ```ts
 * import { csvField } from "./_literals.ts";
 * csvField("news"); // "news"
 * csvField("=1+2"); // "'=1+2"
 * csvField("a,b"); // "\"a,b\""
 * ```
 */
export function csvField(text: string): string {
  const guarded = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/**
 * A file name stem made of safe characters only (no path separators, no leading dot).
 *
 * @example
 * ```ts
 * import { fileStem } from "./_literals.ts";
 * fileStem("../sweep lr=1e-3"); // "sweep_lr_1e-3"
 * ```
 */
export function fileStem(name: string): string {
  const stem = name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "");
  return stem === "" ? "plan" : stem;
}

/** A Python module name (an identifier) for a plan, e.g. "wsd_small". */
export function moduleStem(name: string): string {
  const stem = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[A-Za-z]/.test(stem) ? stem : `plan_${stem}`;
}
