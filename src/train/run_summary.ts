/**
 * What a training run did: the summary `train` returns, which the report and the CLI print.
 * @module
 */
import type { Model } from "../plan/schema.ts";

/** What a run did. */
export interface RunSummary {
  plan: string;
  out: string;
  adapter: string;
  model: Model;
  /** Updates done in total (including those before a resume). */
  steps: number;
  tokens: number;
  /** Wall-clock seconds of this invocation's loop (evaluations and checkpoints included). */
  seconds: number;
  /** Training throughput of this invocation (evaluations and checkpoints left out). */
  tokensPerSecond: number;
  /** The last held-out loss per source. */
  heldOut: Record<string, number>;
  /** The held-out loss per source of each averaged checkpoint written, by its name. */
  averages?: Record<string, Record<string, number>>;
  /** The EMA of the weights, once written (after the last update): its name and held-out loss per source. */
  ema?: { name: string; heldOut: Record<string, number> };
  /** The last training loss read. */
  loss: number | null;
  /** Set when the loss became NaN or infinite: the update, and the last good checkpoint. */
  diverged?: { step: number; loss: number; checkpoint: string | null; checkpointStep?: number };
  warnings: string[];
}
