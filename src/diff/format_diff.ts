/**
 * The text `diff` prints: what differs, section by section, with the per-update divergences.
 * @module
 */
import type { Phase } from "../plan/schema.ts";
import type { Divergence, MixDivergence } from "./divergence.ts";
import type { PhaseChange } from "./phase_changes.ts";
import type { PlanDiff } from "./plan_diff.ts";

/** A number to 6 significant digits. */
const formatNumber = (x: number) => String(Number(x.toPrecision(6)));
const value = (v: unknown) =>
  v === undefined ? "(none)" : typeof v === "number" ? formatNumber(v) : JSON.stringify(v);
const span = (p: Phase) => `${p.start}..${p.end}`;

function phaseLine(change: PhaseChange): string {
  switch (change.kind) {
    case "added":
      return `  + ${change.phase.name} ${span(change.phase)}: added`;
    case "removed":
      return `  - ${change.phase.name} ${span(change.phase)}: removed`;
    case "moved":
      return `  > ${change.a.name} ${span(change.a)} -> ${span(change.b)}: moved`;
    case "reshaped":
      return `  ~ ${change.a.name} ${span(change.a)} -> ${span(change.b)}: ${change.what.join(", ")}`;
  }
}

function divergenceLine(name: string, d: Divergence | null, extra = ""): string {
  if (!d) return `  ${name}: the same at every update`;
  const at = (v: number | null) => v === null ? "(ended)" : formatNumber(v);
  const largest = d.largest > 0 ? `; largest difference ${formatNumber(d.largest)} at update ${d.at}` : "";
  return `  ${name}: first differs at update ${d.first} (${at(d.a)} vs ${at(d.b)})${largest}${extra}`;
}

const mixText = (m: Record<string, number> | null) =>
  m === null ? "(ended)" : Object.entries(m).map(([s, w]) => `${s} ${formatNumber(w)}`).join(", ");

function mixLine(d: MixDivergence | null): string {
  if (!d) return "  mixture: the same at every update";
  const largest = d.largest > 0
    ? `; largest difference ${formatNumber(d.largest)} (${d.source}) at update ${d.at}`
    : "";
  return `  mixture: first differs at update ${d.first} (${mixText(d.a)} vs ${mixText(d.b)})${largest}`;
}

/**
 * The report of a plan diff, ending with a one-line verdict.
 *
 * @example
 * ```ts
 * import { formatDiff } from "./format_diff.ts";
 * // console.log(formatDiff(diffPlans(a, b), "A.recipe", "B.recipe"));
 * ```
 */
export function formatDiff(diff: PlanDiff, labelA: string, labelB: string): string {
  const { a, b } = diff;
  const lines = [
    `A: ${labelA} (${a.name}), ${a.steps} updates`,
    `B: ${labelB} (${b.name}), ${b.steps} updates`,
  ];
  if (diff.identical) return [...lines, "", "the plans are identical"].join("\n") + "\n";
  lines.push("", "settings:");
  if (diff.settings.length === 0) lines.push("  (the same)");
  for (const s of diff.settings) lines.push(`  ${s.key}: ${value(s.a)} -> ${value(s.b)}`);
  lines.push("", "phases:");
  if (diff.phases.length === 0) lines.push("  (the same)");
  lines.push(...diff.phases.map(phaseLine));
  lines.push(
    "",
    "per update:",
    divergenceLine(
      "lr",
      diff.lr,
      diff.lr ? `; area between the curves ${formatNumber(diff.lrArea)} (LR x updates)` : "",
    ),
    divergenceLine("weight decay", diff.weightDecay),
    divergenceLine("batch", diff.batch),
    ...diff.scheduled.map((s) => divergenceLine(s.name, s.divergence)),
    mixLine(diff.mix),
  );
  return lines.join("\n") + "\n";
}
