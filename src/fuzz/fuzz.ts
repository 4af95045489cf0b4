/**
 * The fuzzer: mutated recipes through the whole compiler, reporting crashes, hangs, unlocated
 * diagnostics and unsound plans. Deterministic for a seed; input i can be made alone with `fuzzInput`.
 * @module
 */
import { basename, join } from "node:path";
import { inputSeed, Random } from "./random.ts";
import { MUTATORS } from "./mutate.ts";
import { checkInput, type Failure } from "./check_input.ts";

/** The recipes the mutators start from, by file name (imports between them resolve). */
export function loadCorpus(dir = "recipes"): Map<string, string> {
  const files = new Map<string, string>();
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".recipe")).sort();
  for (const name of names) files.set(name, Deno.readTextFileSync(join(dir, name)));
  return files;
}

/** Input `index` of a run seeded with `seed`: a recipe of the corpus after one to three mutations. */
export function fuzzInput(
  seed: number,
  index: number,
  corpus: ReadonlyMap<string, string>,
): { text: string; mutators: string[]; base: string } {
  const random = new Random(inputSeed(seed, index));
  const names = [...corpus.keys()];
  const texts = [...corpus.values()];
  const base = random.pick(names);
  let text = corpus.get(base)!;
  const mutators: string[] = [];
  const count = 1 + random.int(3);
  for (let k = 0; k < count; k++) {
    const mutator = random.pick(MUTATORS);
    text = mutator.apply(text, random, texts);
    mutators.push(mutator.name);
  }
  return { text, mutators, base };
}

/** One failing input. */
export interface FuzzFailure extends Failure {
  index: number;
  base: string;
  mutators: string[];
  text: string;
}

/** What a run found. */
export interface FuzzReport {
  seed: number;
  inputs: number;
  ms: number;
  /** Inputs that compiled to plans. */
  compiled: number;
  /** The slowest input, in ms. */
  slowestMs: number;
  failures: FuzzFailure[];
}

/** What to run. */
export interface FuzzOptions {
  seed: number;
  /** How many inputs. */
  n: number;
  /** Stop early after this many seconds (the report says how many inputs ran). */
  seconds?: number;
  corpus?: Map<string, string>;
  /** Called every 1,000 inputs. */
  onProgress?: (done: number, failures: number) => void;
}

/**
 * Runs inputs 0..n-1 of `seed`. An input over the hang limit is run once more, and counts as a hang only
 * if it is slow again (a busy machine is not a hang).
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const corpus = options.corpus ?? loadCorpus();
  const report: FuzzReport = {
    seed: options.seed,
    inputs: 0,
    ms: 0,
    compiled: 0,
    slowestMs: 0,
    failures: [],
  };
  const started = performance.now();
  for (let index = 0; index < options.n; index++) {
    const input = fuzzInput(options.seed, index, corpus);
    let result = await checkInput(input.text, corpus);
    if (result.failures.some((f) => f.kind === "hang")) result = await checkInput(input.text, corpus);
    report.inputs++;
    if (result.ok) report.compiled++;
    report.slowestMs = Math.max(report.slowestMs, result.ms);
    for (const failure of result.failures) {
      report.failures.push({
        ...failure,
        index,
        base: basename(input.base),
        mutators: input.mutators,
        text: input.text,
      });
    }
    if ((index + 1) % 1000 === 0) options.onProgress?.(index + 1, report.failures.length);
    if (options.seconds !== undefined && performance.now() - started > options.seconds * 1000) break;
  }
  report.ms = performance.now() - started;
  return report;
}
