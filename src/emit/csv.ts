/**
 * The `csv` target: one row per update with the LR, weight decay, batch size and each source's weight, for
 * any trainer that can read a table (and for plotting); a plan's parameter groups add the columns
 * `lr:<group>` and `weight_decay:<group>` (the plan's values times the group's multipliers; a group that
 * keeps the optimizer's weight decay rule shows the plan's). Numbers are shortest round-trip decimals: exact.
 * Text (the source names of the header) goes through `csvField`: RFC 4180 quoting, and a single quote in
 * front of a name a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR), so it shows as text.
 * @module
 */
import type { Target } from "./target.ts";
import { scheduleTable } from "../schedule/table.ts";
import { csvField, fileStem } from "./_literals.ts";

/** The `csv` target. */
export const csv: Target = {
  name: "csv",
  release: "any reader",
  description: "CSV table: step,lr,weight_decay,batch and one weight column per source, any plan",
  emit(plan) {
    const table = scheduleTable(plan);
    const groups = plan.groups ?? [];
    const header = [
      "step",
      "lr",
      "weight_decay",
      "batch",
      ...plan.sources.map((s) => s.name),
      ...groups.flatMap((g) => [`lr:${g.name}`, `weight_decay:${g.name}`]),
    ];
    const lines = [header.map(csvField).join(",")];
    for (let k = 0; k < plan.steps; k++) {
      const mix = plan.phases[table.phase[k]].mix;
      const weights = plan.sources.map((s) => String(mix[s.name] ?? 0));
      const perGroup = groups.flatMap((g) => [
        table.lr[k] * g.lrScale,
        table.weightDecay[k] * (g.weightDecayScale ?? 1),
      ]);
      lines.push([k, table.lr[k], table.weightDecay[k], table.batch[k], ...weights, ...perGroup].join(","));
    }
    return {
      files: [{ name: `${fileStem(plan.name)}.csv`, content: lines.join("\n") + "\n" }],
      notes: [],
      maxDeviation: 0,
      tier: "universal",
      usage: [],
    };
  },
};
