/**
 * A small TOML writer: tables of scalars and arrays of scalars, floats with a dot, strings via `quoted`.
 * @module
 */
import { floatLiteral, quoted } from "./_literals.ts";

/** A TOML scalar: floats are marked `{ float: x }` so that 1 is written `1.0`. */
type TomlScalar = string | number | boolean | { float: number };
/** A table: keys to scalars (null values are left out). */
export type TomlTable = Record<string, TomlScalar | null>;

function scalar(value: TomlScalar): string {
  if (typeof value === "string") return quoted(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return String(value);
  return value.float === Infinity ? "inf" : floatLiteral(value.float);
}

/**
 * Writes `[section]` tables in order.
 *
 * @example
 * ```ts
 * import { toml } from "./_toml.ts";
 * toml({ training: { steps: 100, max_norm: { float: 1 } } }); // "[training]\nsteps = 100\nmax_norm = 1.0\n"
 * ```
 */
export function toml(tables: Record<string, TomlTable>): string {
  return Object.entries(tables).map(([name, table]) => {
    const lines = Object.entries(table).filter(([, v]) => v !== null)
      .map(([key, value]) => `${key} = ${scalar(value!)}`);
    return `[${name}]\n${lines.join("\n")}\n`;
  }).join("\n");
}
