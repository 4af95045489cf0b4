/**
 * Progress of a run on stderr: a bar redrawn in place on a terminal (steps, loss, LR, tokens/s, ETA),
 * plain lines otherwise (logs, CI).
 * @module
 */

/** What the progress shows after an update. */
export interface ProgressState {
  /** Updates done. */
  done: number;
  steps: number;
  /** The last training loss read, if any. */
  loss: number | null;
  lr: number;
  tokensPerSecond: number;
  /** Estimated seconds left. */
  eta: number;
}

/** Formats seconds as "1h02m", "3m05s" or "12s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** The one-line summary of a progress state (without the bar). */
export function progressLine(state: ProgressState): string {
  const width = String(state.steps).length;
  return [
    `step ${String(state.done).padStart(width)}/${state.steps}`,
    `loss ${state.loss === null ? "-" : state.loss.toFixed(4)}`,
    `lr ${state.lr.toExponential(2)}`,
    `${Math.round(state.tokensPerSecond)} tok/s`,
    `ETA ${formatDuration(state.eta)}`,
  ].join("  ");
}

/** How progress is shown: a bar redrawn in place, plain lines, or nothing (messages still print). */
export type ProgressMode = "bar" | "lines" | "quiet";

/** Draws progress on a terminal or prints plain lines. */
export class Progress {
  #mode: ProgressMode;
  #encoder = new TextEncoder();
  #drawn = false;

  /** `mode` defaults to a bar when stderr is a terminal, plain lines otherwise. */
  constructor(mode: ProgressMode = Deno.stderr.isTerminal() ? "bar" : "lines") {
    this.#mode = mode;
  }

  /** Shows the state: redraws the bar on a terminal; prints a line otherwise when `line` is true. */
  update(state: ProgressState, line: boolean): void {
    if (this.#mode === "bar") {
      const filled = Math.round((20 * state.done) / state.steps);
      const bar = `[${"#".repeat(filled)}${".".repeat(20 - filled)}]`;
      Deno.stderr.writeSync(this.#encoder.encode(`\r\x1b[2K${bar} ${progressLine(state)}`));
      this.#drawn = true;
    } else if (line && this.#mode === "lines") {
      console.error(progressLine(state));
    }
  }

  /** Prints a message on its own line (below the bar on a terminal). */
  message(text: string): void {
    this.end();
    console.error(text);
  }

  /** Ends the bar's line. */
  end(): void {
    if (this.#drawn) Deno.stderr.writeSync(this.#encoder.encode("\n"));
    this.#drawn = false;
  }
}
