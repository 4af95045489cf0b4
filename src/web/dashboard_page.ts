/// <reference lib="dom" />
/**
 * The run dashboard's script (bundled to dist/dashboard.js): every run under runs/, their training and
 * held-out loss, LR and throughput on one chart, updated live from the server's event stream while a run
 * trains (a run that starts after the page opened appears), and a run's plan and recipe beside it.
 * @module
 */
import {
  type ChartOptions,
  explainPlan,
  parseMetricsText,
  Plan,
  plotRuns,
  type RunSeries,
} from "./browser.ts";
import { fetchJson, fetchText } from "./fetch_text.ts";
import { changed, type RunEntry } from "./run_entry.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const runs = new Map<string, { entry: RunEntry; series: RunSeries; shown: boolean }>();
let updates = 0;

const runFile = (name: string, file: string) => `/files/runs/${encodeURIComponent(name)}/${file}`;

/** The run's plan.json as a plan, or null while it is missing or damaged. */
async function readPlan(name: string): Promise<Plan | null> {
  try {
    const value = JSON.parse(await fetchText(runFile(name, "plan.json")));
    return Plan.safeParse(Array.isArray(value) ? value[0] : value).data ?? null;
  } catch {
    return null;
  }
}

async function refresh(entry: RunEntry): Promise<void> {
  const known = runs.get(entry.name);
  if (!changed(known?.entry, entry)) return;
  const text = entry.size ? await fetchText(runFile(entry.name, "metrics.jsonl")).catch(() => "") : "";
  const plan = entry.plan ? (known?.series.plan ?? await readPlan(entry.name)) : null;
  const series = { name: entry.name, records: parseMetricsText(text), plan };
  runs.set(entry.name, { entry, series, shown: known?.shown ?? true });
}

async function update(entries: RunEntry[]): Promise<void> {
  await Promise.all(entries.map(refresh));
  listRuns();
  draw();
  document.body.dataset.updates = String(++updates);
}

function listRuns(): void {
  $("runs").replaceChildren(...[...runs.values()].map((run) => {
    const item = document.createElement("li");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = run.shown;
    box.onchange = () => {
      run.shown = box.checked;
      draw();
    };
    const name = document.createElement("button");
    name.textContent = run.series.name;
    name.onclick = () => showPlan(run.series);
    const last = run.series.records.at(-1);
    const note = document.createElement("span");
    note.className = "muted";
    note.textContent = last
      ? ` update ${last.step}, loss ${Number(last.loss).toFixed(3)}`
      : " (no metrics yet)";
    item.dataset.run = run.series.name;
    item.dataset.records = String(run.series.records.length);
    item.append(box, name, note);
    return item;
  }));
}

function chartOptions(): ChartOptions {
  return {
    logY: $<HTMLInputElement>("log-y").checked,
    axis: $<HTMLSelectElement>("axis").value === "tokens" ? "tokens" : "updates",
  };
}

function draw(): void {
  const shown = [...runs.values()].filter((r) => r.shown).map((r) => r.series);
  $("chart").innerHTML = shown.length ? plotRuns(shown, chartOptions()) : "<p class='muted'>No runs yet.</p>";
}

async function showPlan(series: RunSeries): Promise<void> {
  $("plan-title").textContent = `${series.name}: plan`;
  if (!series.plan) {
    $("plan").textContent = "This run has no plan.json yet.";
    return;
  }
  const recipe = await fetchText(`/files/${encodeURI(series.plan.file)}`).catch(() => null);
  $("plan").textContent = explainPlan(series.plan) + (recipe ? `\n\n${series.plan.file}:\n${recipe}` : "");
}

async function main(): Promise<void> {
  $("log-y").onchange = $("axis").onchange = draw;
  await update(await fetchJson<RunEntry[]>("/api/runs"));
  const events = new EventSource("/api/events");
  let queue = Promise.resolve();
  events.onmessage = (event) => queue = queue.then(() => update(JSON.parse(event.data)));
  events.onerror = () => $("status").textContent = "live updates paused (server unreachable)";
  events.onopen = () => $("status").textContent = "live";
}

main().catch((error) => {
  $("status").textContent = `error: ${(error as Error).message}`;
});
