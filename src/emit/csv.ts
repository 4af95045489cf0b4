/**
 * The `csv` target: one row per update with the LR, weight decay, batch size and each source's weight, for
 * any trainer that can read a table (and for plotting); a plan's parameter groups add the columns
 * `lr:<group>` and `weight_decay:<group>` (the plan's values times the group's multipliers; a group that
 * keeps the optimizer's weight decay rule shows the plan's); a plan with an EMA of the weights adds the
 * column `ema_decay`, the decay each update applies (0 before the EMA starts: it is then a copy of the
 * weights). Numbers are shortest round-trip decimals: exact.
 * Text (the source names of the header) goes through `csvField`: RFC 4180 quoting, and a single quote in
 * front of a name a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR), so it shows as text.
 * @module
 */
import type { Target } from "./target.ts";
import { SCHEDULED_COLUMNS, scheduleTable } from "../schedule/table.ts";
import { csvField, fileStem } from "./_literals.ts";
import { emaDecay } from "../plan/ema_decay.ts";

/** The `csv` target. */
export const csv: Target = {
  name: "csv",
  timelines: ["batch", "context", "weightDecay", "beta1", "beta2", "clip", "emaDecay"],
  release: "any reader",
  carriesEma: true,
  description:
    "CSV table: step,lr,weight_decay,batch (context, beta1, beta2, clip when scheduled), one weight column per source (ema_decay with an EMA), any plan",
  emit(plan) {
    const table = scheduleTable(plan);
    const own = plan.timelines ?? {};
    const ema = plan.ema;
    const groups = plan.groups ?? [];
    // Columns for context, betas and clip only when the plan schedules them.
    const extra = SCHEDULED_COLUMNS.filter((name) => own[name]);
    const header = [
      "step",
      "lr",
      "weight_decay",
      "batch",
      ...extra,
      ...plan.sources.map((s) => s.name),
      ...groups.flatMap((g) => [`lr:${g.name}`, `weight_decay:${g.name}`]),
      ...(ema ? ["ema_decay"] : []),
    ];
    const lines = [header.map(csvField).join(",")];
    for (let k = 0; k < plan.steps; k++) {
      const mix = plan.phases[table.phase[k]].mix;
      const weights = plan.sources.map((s) => String(mix[s.name] ?? 0));
      const scheduled = extra.map((name) => table[name]![k]);
      const perGroup = groups.flatMap((g) => [
        table.lr[k] * g.lrScale,
        table.weightDecay[k] * (g.weightDecayScale ?? 1),
      ]);
      const decay = ema ? [emaDecay(ema, k, own.emaDecay)] : [];
      const row = [k, table.lr[k], table.weightDecay[k], table.batch[k], ...scheduled, ...weights];
      lines.push([...row, ...perGroup, ...decay].join(","));
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
