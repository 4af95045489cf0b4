/**
 * Data sources of an import: recipe names for the paths a trainer reads, mixture stages built from
 * (path, weight) lists, and the mixture sidecar (`<plan>.<target>.data.json`) Recipe writes beside configs
 * of trainers that take no mixture, which restores the sources' own names and kinds.
 * @module
 */
import { ConfigError } from "./config_error.ts";
import type { ImportedSource, MixStage } from "./imported.ts";

const KEYWORDS = new Set([
  "mix",
  "replay",
  "corpus",
  "files",
  "dataset",
  "size",
  "temperature",
  "normalised",
  "x",
  "sweep",
  "min",
  "max",
  "sqrt",
  "round",
]);

/**
 * A recipe name for a data path: its last part without extension, as an identifier, unique among `taken`.
 *
 * @example
 * ```ts
 * import { sourceName } from "./sources.ts";
 * sourceName("/data/web-crawl_text_document", new Set()); // "web_crawl_text_document"
 * ```
 */
export function sourceName(path: string, taken: Set<string>): string {
  const last = path.replace(/[\/\\]+$/, "").split(/[\/\\]/).at(-1)!.replace(/\.[A-Za-z0-9]+$/, "");
  let name = last.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(?=[0-9])/, "d") || "source";
  if (KEYWORDS.has(name)) name += "_data";
  let unique = name;
  for (let i = 2; taken.has(unique); i++) unique = `${name}_${i}`;
  taken.add(unique);
  return unique;
}

/** Mixture stages given as (path, weight) lists: the sources (one per distinct path) and the stages by name. */
export function stagesFromPaths(
  stages: { start: number; entries: { path: string; weight: number; name?: string }[] }[],
): { sources: ImportedSource[]; stages: MixStage[] } {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const sources: ImportedSource[] = [];
  const out = stages.map(({ start, entries }) => {
    const weights: Record<string, number> = {};
    for (const { path, weight, name } of entries) {
      if (!names.has(path)) {
        names.set(path, sourceName(name ?? path, taken));
        sources.push({ name: names.get(path)!, kind: "dataset", uri: path });
      }
      weights[names.get(path)!] = (weights[names.get(path)!] ?? 0) + weight;
    }
    return { start, weights };
  });
  return { sources, stages: out };
}

/** What a mixture sidecar holds. */
export interface Sidecar {
  steps: number;
  sources: ImportedSource[];
  stages: MixStage[];
}

/**
 * Reads a mixture sidecar (`{ plan, steps, sources: [{name, kind, uri}], stages: [{start, end, mix}] }`).
 *
 * @example
 * ```ts
 * import { readSidecar } from "./sources.ts";
 * const text = '{"steps": 10, "sources": [{"name": "a", "kind": "dataset", "uri": "d/a"}], "stages": [{"start": 0, "end": 10, "mix": {"a": 1}}]}';
 * readSidecar(text, "x.hf.data.json").stages; // [{ start: 0, weights: { a: 1 } }]
 * ```
 */
export function readSidecar(text: string, file: string): Sidecar {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, 1, "(file)", `not JSON: ${(error as Error).message}`);
  }
  const bad = (key: string) => {
    throw new ConfigError(file, 0, key, "the mixture sidecar is malformed (see docs/targets.md)");
  };
  if (!Number.isInteger(doc?.steps) || !Array.isArray(doc.sources) || !Array.isArray(doc.stages)) {
    bad("steps");
  }
  const kinds = ["corpus", "files", "dataset"];
  // deno-lint-ignore no-explicit-any
  const sources = doc.sources.map((s: any) => {
    if (typeof s?.name !== "string" || !kinds.includes(s.kind) || typeof s.uri !== "string") bad("sources");
    return { name: s.name, kind: s.kind, uri: s.uri };
  });
  // deno-lint-ignore no-explicit-any
  const stages = doc.stages.map((s: any) => {
    if (!Number.isInteger(s?.start) || typeof s.mix !== "object") bad("stages");
    return { start: s.start, weights: s.mix };
  });
  return { steps: doc.steps, sources, stages };
}

/**
 * The recipe name for a config file: its name without the directories, the extension and the target
 * suffix Recipe's emitters add (`wsd-small.hf.json` -> `wsd-small`).
 *
 * @example
 * ```ts
 * import { recipeNameFor } from "./sources.ts";
 * recipeNameFor("out/wsd_small_torchtitan.py"); // "wsd_small"
 * ```
 */
export function recipeNameFor(file: string): string {
  const base = file.split(/[\/\\]/).at(-1)!.replace(/\.(json|ya?ml|toml|py|sh|bash|txt)$/, "")
    .replace(/[._](hf|deepspeed|olmo|nanotron|megatron|torchtitan)$/, "");
  return base.replace(/[^A-Za-z0-9._=-]/g, "-").replace(/^[.-]+/, "") || "imported";
}
