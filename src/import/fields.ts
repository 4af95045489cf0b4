/**
 * Reading a parsed config (JSON, YAML, TOML, Python dicts, Megatron flags): typed values at dotted paths,
 * errors naming the key and its line, and the keys no reader took, which become the recipe's leftovers.
 * @module
 */
import { ConfigError, lineOf } from "./config_error.ts";
import type { Leftover } from "./imported.ts";

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A config's values, read by dotted path (`optimizer.learning_rate_scheduler.lr_warmup_steps`).
 *
 * @example
 * ```ts
 * import { Fields } from "./fields.ts";
 * const fields = new Fields("run.json", '{"max_steps": 10, "bf16": true}', { max_steps: 10, bf16: true });
 * fields.int("max_steps"); // 10
 * fields.leftovers().map((l) => l.key); // ["bf16"]
 * ```
 */
export class Fields {
  readonly #used = new Set<string>();

  constructor(
    readonly file: string,
    readonly text: string,
    readonly root: Tree,
    /** The line of a key; defaults to searching the text for it. */
    readonly lineFor: (key: string) => number = (key) => lineOf(text, key),
  ) {}

  /** The raw value at `path` (undefined when absent); marks it read. */
  get(path: string): unknown {
    this.#used.add(path);
    let value: unknown = this.root;
    for (const part of path.split(".")) {
      if (!isTree(value) || !(part in value)) return undefined;
      value = value[part];
    }
    return value;
  }

  /** Whether `path` is set (to anything but null). */
  has(path: string): boolean {
    let value: unknown = this.root;
    for (const part of path.split(".")) {
      if (!isTree(value) || !(part in value)) return false;
      value = value[part];
    }
    return value !== undefined && value !== null;
  }

  /** The first of `paths` that is set, or the first of them. */
  pick(...paths: string[]): string {
    return paths.find((p) => this.has(p)) ?? paths[0];
  }

  /** Throws a ConfigError at `path`'s line. */
  fail(path: string, problem: string): never {
    throw new ConfigError(this.file, this.lineFor(path), path, problem);
  }

  /** A finite number (numbers written as strings count), `fallback` when absent, an error otherwise. */
  number(path: string, fallback?: number): number {
    const value = this.get(path);
    if (value === undefined || value === null) {
      if (fallback === undefined) this.fail(path, "is required: Recipe needs it to fix the schedule");
      return fallback;
    }
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n)) {
      this.fail(path, `expected a number, got ${JSON.stringify(value)}`);
    }
    return n;
  }

  /** A number >= `min` that is a whole number. */
  int(path: string, fallback?: number, min = 0): number {
    const n = this.number(path, fallback);
    if (!Number.isInteger(n) || n < min) this.fail(path, `expected a whole number >= ${min}, got ${n}`);
    return n;
  }

  /** A string, `fallback` when absent. */
  string(path: string, fallback?: string): string {
    const value = this.get(path);
    if (value === undefined || value === null) {
      if (fallback === undefined) this.fail(path, "is required");
      return fallback;
    }
    if (typeof value !== "string") this.fail(path, `expected a string, got ${JSON.stringify(value)}`);
    return value;
  }

  /** One of `choices`, `fallback` when absent. */
  choice<T extends string>(path: string, choices: readonly T[], fallback?: T): T {
    const value = this.string(path, fallback);
    if (!choices.includes(value as T)) {
      this.fail(
        path,
        `${JSON.stringify(value)} is not one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`,
      );
    }
    return value as T;
  }

  /** Every set leaf no reader took (a read object counts for all its children), in the config's order. */
  leftovers(): Leftover[] {
    const out: Leftover[] = [];
    const visit = (value: unknown, path: string) => {
      if (path && this.#used.has(path)) return;
      const usedBelow = [...this.#used].some((u) => u.startsWith(path ? `${path}.` : ""));
      if (isTree(value) && Object.keys(value).length && (usedBelow || !path)) {
        for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
        return;
      }
      if (value === undefined || (isTree(value) && Object.keys(value).length === 0)) return;
      out.push({ key: path, value: JSON.stringify(value) ?? String(value), line: this.lineFor(path) });
    };
    visit(this.root, "");
    return out;
  }
}
