/**
 * metrics.jsonl: one JSON object per line for every update whose loss was read, plus held-out losses at
 * evaluation steps.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { writeFileAtomic } from "./checkpoint/atomic_write.ts";

import { type MetricsRecord, parseMetricsText } from "./metrics_text.ts";

export type { MetricsRecord };

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
  return parseMetricsText(text);
}
