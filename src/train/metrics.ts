/**
 * metrics.jsonl: one JSON object per line for every update whose loss was read, plus held-out losses at
 * evaluation steps.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { writeFileAtomic } from "./checkpoint/atomic_write.ts";

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
}

/** Appends records to a metrics.jsonl file. */
export class MetricsWriter {
  #file: Deno.FsFile;
  #encoder = new TextEncoder();

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /**
   * Opens `path` for appending. With `keepBefore`, the records of updates >= keepBefore are dropped
   * first (a resumed run rewrites what it repeats); otherwise the file starts empty.
   */
  static async open(path: string, keepBefore?: number): Promise<MetricsWriter> {
    let kept = "";
    if (keepBefore !== undefined) {
      const records = await readMetrics(path).catch((error) => {
        if (error instanceof Deno.errors.NotFound) return [];
        throw error;
      });
      kept = records.filter((r) => r.step < keepBefore).map((r) => JSON.stringify(r) + "\n").join("");
    }
    await writeFileAtomic(path, new TextEncoder().encode(kept));
    return new MetricsWriter(await Deno.open(path, { append: true }));
  }

  /** Appends one record. */
  async write(record: MetricsRecord): Promise<void> {
    await this.#file.write(this.#encoder.encode(JSON.stringify(record) + "\n"));
  }

  close(): void {
    this.#file.close();
  }
}

/**
 * Reads a metrics.jsonl file, skipping a line a kill tore in the middle of writing and any line that is
 * not a record (a `null`, a number: an edit). A path that is not a file is an error naming it.
 */
export async function readMetrics(path: string): Promise<MetricsRecord[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw error;
    throw new InputError(`Metrics file "${path}" cannot be read (${(error as Error).message})`);
  }
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
