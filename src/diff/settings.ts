/**
 * The settings two plans differ in, outside their phases: length, context, budget, optimizer, parameter
 * groups, model, sources, checkpoints, parent checkpoint and sweep values, as dotted keys. Source positions and the file
 * name are not settings.
 * @module
 */
import type { Plan } from "../plan/schema.ts";

/** One setting that differs: its dotted key and both values (undefined: that plan does not have it). */
export interface SettingChange {
  key: string;
  a: unknown;
  b: unknown;
}

function flatten(value: unknown, path: string, out: Map<string, unknown>): void {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k !== "origin") flatten(v, path ? `${path}.${k}` : k, out);
    }
  } else out.set(path, value);
}

/** The plan's settings by dotted key; parameter groups, sources and checkpoints keyed by their names. */
function settingsOf(plan: Plan): Map<string, unknown> {
  const { phases: _phases, file: _file, sources, checkpoints, init, model, groups, ...rest } = plan;
  const out = new Map<string, unknown>();
  flatten(rest, "", out);
  out.set("init", init ? `${init.recipe} at ${init.checkpoint} (update ${init.step}, LR ${init.lr})` : null);
  out.set("model", model);
  for (const s of sources) flatten({ kind: s.kind, uri: s.uri, tokens: s.tokens }, `sources.${s.name}`, out);
  for (const c of checkpoints) out.set(`checkpoints.${c.name}`, c.step);
  for (const { name, origin: _origin, ...group } of groups ?? []) flatten(group, `groups.${name}`, out);
  return out;
}

/**
 * The settings that differ between plans A and B (the name included: a sweep's plans differ in it).
 *
 * @example
 * ```ts
 * import { settingChanges } from "./settings.ts";
 * // settingChanges(a, b) // [{ key: "optimizer.lr", a: 0.001, b: 0.002 }]
 * ```
 */
export function settingChanges(a: Plan, b: Plan): SettingChange[] {
  const [sa, sb] = [settingsOf(a), settingsOf(b)];
  const keys = [...new Set([...sa.keys(), ...sb.keys()])];
  return keys.filter((k) => JSON.stringify(sa.get(k)) !== JSON.stringify(sb.get(k)))
    .map((key) => ({ key, a: sa.get(key), b: sb.get(key) }));
}
