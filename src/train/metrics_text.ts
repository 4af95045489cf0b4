/**
 * The records of metrics.jsonl text, read without the file system (the trainer, the CLI and the web
 * dashboard share it).
 * @module
 */

/** One line of metrics.jsonl. */
export interface MetricsRecord {
  /** The update (counted from 0) whose training loss this is. */
  step: number;
  /** Tokens trained on after this update. */
  tokens: number;
  lr: number;
  weightDecay: number;
  batch: number;
  /** Mean training loss of this update's batch (nats per byte), before the update. */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Training throughput since the previous record. */
  tokensPerSecond: number;
  /** Seconds since the run (or the resumed part of it) started. */
  elapsed: number;
  /** Mean held-out loss per source of the weights after this update, at evaluation steps. */
  heldOut?: Record<string, number>;
  /** Tokens per sequence, when the plan schedules the context. */
  context?: number;
  /** AdamW's betas, when the plan schedules either. */
  beta1?: number;
  beta2?: number;
  /** The clipping threshold, when the plan schedules it. */
  clip?: number;
}

/**
 * The records of metrics.jsonl text, skipping a line a kill tore in the middle of writing (or one a run is
 * still writing) and any line that is not a record (a `null`, a number: an edit).
 *
 * @example
 * ```ts
 * import { parseMetricsText } from "./metrics_text.ts";
 * const records = parseMetricsText('{"step":0,"loss":5.5}\n{"step":1,"lo');
 * console.assert(records.length === 1 && records[0].loss === 5.5);
 * ```
 */
export function parseMetricsText(text: string): MetricsRecord[] {
  return text.split("\n").filter(Boolean).flatMap((line) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return [];
    }
    const isRecord = typeof value === "object" && value !== null && !Array.isArray(value) &&
      Number.isSafeInteger((value as { step?: unknown }).step);
    return isRecord ? [value as MetricsRecord] : [];
  });
}
