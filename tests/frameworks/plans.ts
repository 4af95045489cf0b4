/**
 * The hand-built test plans of tests/testdata/emit/plans, validated with Plan.parse.
 * @module
 */
import { join } from "node:path";
import { Plan } from "../../src/plan/schema.ts";

const DIR = join(import.meta.dirname!, "../testdata/emit/plans");

/** Every test plan, by file stem, in name order. */
export function testPlans(): [string, Plan][] {
  return [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".json")).sort()
    .map((
      file,
    ) => [file.replace(/\.json$/, ""), Plan.parse(JSON.parse(Deno.readTextFileSync(join(DIR, file))))]);
}
