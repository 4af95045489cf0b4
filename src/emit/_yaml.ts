/**
 * A small YAML writer for nested mappings and sequences: strings always double-quoted via `quoted`, floats
 * with a dot and a signed exponent so that PyYAML (YAML 1.1) reads them as floats.
 * @module
 */
import { floatLiteral, quoted } from "./_literals.ts";

/** A YAML value; floats are marked `{ float: x }` so that 1 is written `1.0`. */
export type YamlValue =
  | string
  | number
  | boolean
  | null
  | { float: number }
  | YamlValue[]
  | { [key: string]: YamlValue };

function isFloat(value: YamlValue): value is { float: number } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "float" in value &&
    typeof value.float === "number" && Object.keys(value).length === 1;
}

function scalar(value: YamlValue): string | null {
  if (value === null) return "null";
  if (typeof value === "string") return quoted(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isFloat(value)) return floatLiteral(value.float);
  if (Array.isArray(value) && value.length === 0) return "[]";
  if (!Array.isArray(value) && Object.keys(value).length === 0) return "{}";
  return null;
}

function lines(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      const inline = scalar(item);
      if (inline !== null) return [`${indent}- ${inline}`];
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first.trimStart()}`, ...rest];
    });
  }
  return Object.entries(value as Record<string, YamlValue>).flatMap(([key, item]) => {
    const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : quoted(key);
    const inline = scalar(item);
    return inline !== null
      ? [`${indent}${name}: ${inline}`]
      : [`${indent}${name}:`, ...lines(item, `${indent}  `)];
  });
}

/**
 * A YAML document for a mapping.
 *
 * @example
 * ```ts
 * import { yaml } from "./_yaml.ts";
 * yaml({ optimizer: { weight_decay: { float: 0.1 } } }); // "optimizer:\n  weight_decay: 0.1\n"
 * ```
 */
export function yaml(document: { [key: string]: YamlValue }): string {
  return lines(document, "").join("\n") + "\n";
}
