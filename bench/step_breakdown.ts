/**
 * Where a training step's time goes, for `deno task bench:gpu`: GPU milliseconds per kernel family (from
 * `GptEngine.profileStep`: timestamp queries where the adapter has them), dispatches and submissions per
 * step, and the host's work per step (sampling a batch, preparing and encoding the step).
 * @module
 */
import type { Model } from "../src/plan/schema.ts";
import type { UpdateSettings } from "../src/train/engine.ts";
import { Sampler } from "../src/train/data/sampler.ts";
import type { GptEngine } from "../src/train/gpt.ts";
import { byFamily, type StepProfile } from "../src/train/gpu/profile.ts";
import { randomBatch } from "../src/train/gpu/testing.ts";
import { median } from "./measures.ts";

/** A step's breakdown, medians over the profiled steps. */
export interface Breakdown {
  /** Kernel family ("file.entry"), dispatches per step, median GPU ms per step; largest first. */
  families: { label: string; dispatches: number; ms: number }[];
  dispatches: number;
  gpuMs: number;
  prepareMs: number;
  encodeMs: number;
  sampleMs: number;
}

/** Milliseconds the seeded sampler takes to draw one batch (mean over 200 draws from 1 MB of bytes). */
function sampleTime(context: number, batch: number): number {
  const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24);
  const sampler = new Sampler([{ name: "a", train: bytes, heldOut: bytes, documents: 1 }], context, 1);
  const start = performance.now();
  for (let k = 0; k < 200; k++) sampler.batch(k, { a: 1 }, batch);
  return (performance.now() - start) / 200;
}

/** Profiles `repeats` steps of an engine (after the caller's warm-up) on a random batch. */
export async function stepBreakdown(
  engine: GptEngine,
  config: Model,
  batch: number,
  settings: UpdateSettings,
  repeats: number,
): Promise<Breakdown> {
  const data = randomBatch(batch, config.context, config.vocab, 1);
  const profiles: StepProfile[] = [];
  for (let r = 0; r < repeats; r++) profiles.push(await engine.profileStep(data, settings));
  const perStep = profiles.map((p) => byFamily(p.dispatches));
  const families = perStep[0].map(({ label, dispatches }) => ({
    label,
    dispatches,
    ms: median(perStep.map((step) => step.find((f) => f.label === label)?.ms ?? 0)),
  })).sort((a, b) => b.ms - a.ms);
  return {
    families,
    dispatches: profiles[0].dispatches.length,
    gpuMs: median(profiles.map((p) => p.dispatches.reduce((sum, d) => sum + d.ms, 0))),
    prepareMs: median(profiles.map((p) => p.prepareMs)),
    encodeMs: median(profiles.map((p) => p.encodeMs)),
    sampleMs: sampleTime(config.context, batch),
  };
}

/** The breakdown as markdown table rows: family, dispatches, ms, share of the step's GPU time. */
export function breakdownRows(b: Breakdown): string[] {
  const pct = (ms: number) => `${(100 * ms / b.gpuMs).toFixed(1)}%`;
  return [
    "| Kernel family | Dispatches | GPU ms | Share |",
    "| --- | --- | --- | --- |",
    ...b.families.map((f) => `| ${f.label} | ${f.dispatches} | ${f.ms.toFixed(2)} | ${pct(f.ms)} |`),
    `| all (1 submission) | ${b.dispatches} | ${b.gpuMs.toFixed(1)} | 100% |`,
    `| host: sample a batch | | ${b.sampleMs.toFixed(3)} | ${pct(b.sampleMs)} |`,
    `| host: write batch + settings, build list | | ${b.prepareMs.toFixed(3)} | ${pct(b.prepareMs)} |`,
    `| host: encode the step | | ${b.encodeMs.toFixed(3)} | ${pct(b.encodeMs)} |`,
  ];
}
