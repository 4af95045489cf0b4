/**
 * How two plans' phases differ, matched by name: added, removed, moved (same length and shapes at other
 * updates) and reshaped (what changed: length, LR, convention, weight decay, batch, mixture).
 * @module
 */
import type { Phase } from "../plan/schema.ts";

/** One phase that is not the same in both plans. */
export type PhaseChange =
  | { kind: "added"; phase: Phase }
  | { kind: "removed"; phase: Phase }
  | { kind: "moved"; a: Phase; b: Phase }
  | { kind: "reshaped"; a: Phase; b: Phase; what: string[] };

const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);

/** What differs between two phases of one name, besides where they start. */
function reshaped(a: Phase, b: Phase): string[] {
  const what: string[] = [];
  const [na, nb] = [a.end - a.start, b.end - b.start];
  if (na !== nb) what.push(`length ${na} -> ${nb} updates`);
  if (!same(a.lr, b.lr)) what.push("LR");
  if (a.offset !== b.offset) what.push(a.offset ? "no longer inclusive" : "now inclusive");
  if (!same(a.weightDecay, b.weightDecay)) what.push("weight decay");
  if (!same(a.batch, b.batch)) what.push("batch");
  if (!same(a.mix, b.mix)) what.push("mixture");
  return what;
}

/**
 * The phase changes from plan A's phases to plan B's, in B's order (removed ones where A had them).
 *
 * @example
 * ```ts
 * import { phaseChanges } from "./phase_changes.ts";
 * // phaseChanges(a.phases, b.phases) // [{ kind: "reshaped", a, b, what: ["LR"] }]
 * ```
 */
export function phaseChanges(a: Phase[], b: Phase[]): PhaseChange[] {
  const byName = new Map(a.map((p) => [p.name, p]));
  const names = new Set(b.map((p) => p.name));
  const changes: PhaseChange[] = a.filter((p) => !names.has(p.name)).map((phase) => ({
    kind: "removed",
    phase,
  }));
  for (const phase of b) {
    const old = byName.get(phase.name);
    if (!old) {
      changes.push({ kind: "added", phase });
      continue;
    }
    const what = reshaped(old, phase);
    if (what.length) changes.push({ kind: "reshaped", a: old, b: phase, what });
    else if (old.start !== phase.start) changes.push({ kind: "moved", a: old, b: phase });
  }
  return changes;
}
