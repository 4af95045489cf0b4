/// <reference lib="dom" />
/**
 * The studio page's script (bundled to dist/studio.js): the editor with live diagnostics, the plans' charts
 * (overlaying other recipes), the explain table and downloads of every compiled target. The compiler runs in
 * the page (dist/recipe.js); files come from the server's /files/.
 * @module
 */
import {
  type ChartOptions,
  compileText,
  type Diagnostic,
  emitPlan,
  explainPlan,
  highlightHtml,
  type Plan,
  plotPlans,
  targetsFor,
} from "./browser.ts";
import { fetchJson, fetchText } from "./fetch_text.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const source = $<HTMLTextAreaElement>("source");
const state = {
  path: "",
  plans: [] as Plan[],
  overlays: new Map<string, Plan[]>(),
  marks: new Map<number, "error" | "warning">(),
  timer: undefined as ReturnType<typeof setTimeout> | undefined,
  compiles: 0,
};

/** Imports and overlays read from the server, fetched once per page. */
const files = new Map<string, Promise<string>>();
function readFile(path: string): Promise<string> {
  if (!files.has(path)) files.set(path, fetchText(`/files/${encodeURI(path)}`));
  return files.get(path)!;
}

function paint(): void {
  $("highlight").innerHTML = highlightHtml(source.value, state.marks);
  syncScroll();
}

function syncScroll(): void {
  $("highlight").scrollTop = source.scrollTop;
  $("highlight").scrollLeft = source.scrollLeft;
}

function showDiagnostics(diagnostics: Diagnostic[]): void {
  const own = diagnostics.filter((d) => d.file === state.path);
  state.marks = new Map();
  for (const d of own) if (state.marks.get(d.line) !== "error") state.marks.set(d.line, d.severity);
  const list = $("diagnostics");
  list.replaceChildren(...diagnostics.map((d) => {
    const item = document.createElement("li");
    item.className = d.severity;
    item.dataset.line = String(d.line);
    item.dataset.code = d.code;
    const where = d.file === state.path ? `line ${d.line}:${d.column}` : `${d.file}:${d.line}:${d.column}`;
    item.textContent = `${where} ${d.severity} ${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ""}`;
    item.onclick = () => jumpTo(d.line);
    return item;
  }));
  if (!diagnostics.length) {
    const item = document.createElement("li");
    item.className = "ok";
    item.textContent = "No problems";
    list.append(item);
  }
  paint();
}

function jumpTo(line: number): void {
  const offset = source.value.split("\n").slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  source.focus();
  source.setSelectionRange(offset, offset);
}

async function compile(): Promise<void> {
  const count = ++state.compiles;
  const began = performance.now();
  const result = await compileText(state.path, source.value, readFile);
  if (count !== state.compiles) return; // a newer edit is being compiled
  showDiagnostics(result.diagnostics);
  // For the browser test and bench/README.md: since navigation started, and this compile alone.
  document.body.dataset.firstDiagnosticMs ??= String(Math.round(performance.now()));
  document.body.dataset.compileMs = String(Math.round(performance.now() - began));
  if (result.ok) {
    state.plans = result.plans;
    showPlans();
  }
  document.body.dataset.compiled = String(count);
  document.body.dataset.ok = String(result.ok);
}

function chartOptions(): ChartOptions {
  return {
    logY: $<HTMLInputElement>("log-y").checked,
    axis: $<HTMLSelectElement>("axis").value === "tokens" ? "tokens" : "updates",
  };
}

function drawChart(): void {
  const plans = [...state.plans, ...[...state.overlays.values()].flat()];
  $("chart").innerHTML = plans.length ? plotPlans(plans, chartOptions()) : "";
}

function showPlans(): void {
  const select = $<HTMLSelectElement>("plan");
  const chosen = select.value;
  select.replaceChildren(...state.plans.map((p) => new Option(p.name, p.name, false, p.name === chosen)));
  showPlan();
  drawChart();
}

function selectedPlan(): Plan | undefined {
  return state.plans.find((p) => p.name === $<HTMLSelectElement>("plan").value) ?? state.plans[0];
}

function showPlan(): void {
  const plan = selectedPlan();
  $("explain").textContent = plan ? explainPlan(plan) : "";
  const target = $<HTMLSelectElement>("target");
  const chosen = target.value;
  const names = plan ? ["plan", ...targetsFor(plan)] : [];
  target.replaceChildren(...names.map((n) => new Option(n, n, false, n === chosen)));
}

function downloadTarget(): void {
  const plan = selectedPlan();
  const target = $<HTMLSelectElement>("target").value;
  if (!plan) return;
  const emitted = target === "plan"
    ? [{ name: `${plan.name}.plan.json`, content: JSON.stringify(plan, null, 2) + "\n" }]
    : emitPlan(plan, target).files;
  for (const file of emitted) saveFile(file.name, file.content);
  $("download-note").textContent = `saved ${emitted.map((f) => f.name).join(", ")}`;
}

function saveFile(name: string, text: string): void {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function toggleOverlay(path: string, on: boolean): Promise<void> {
  if (!on) state.overlays.delete(path);
  else {
    const result = await compileText(path, await readFile(path), readFile);
    state.overlays.set(path, result.plans);
  }
  drawChart();
}

async function open(path: string): Promise<void> {
  state.path = path;
  state.overlays.clear();
  location.hash = path;
  source.value = await readFile(path);
  paint();
  await compile();
}

function listRecipes(paths: string[]): void {
  const select = $<HTMLSelectElement>("file");
  select.replaceChildren(...paths.map((p) => new Option(p, p, false, p === state.path)));
  $("overlays").replaceChildren(...paths.map((path) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = path;
    box.onchange = () => toggleOverlay(path, box.checked);
    label.append(box, ` ${path}`, document.createElement("br"));
    return label;
  }));
}

async function main(): Promise<void> {
  const paths = await fetchJson<string[]>("/api/recipes");
  const wanted = decodeURIComponent(location.hash.slice(1));
  state.path = paths.includes(wanted)
    ? wanted
    : paths.find((p) => p.endsWith("wsd.recipe")) ?? paths[0] ?? "new.recipe";
  listRecipes(paths);
  source.addEventListener("input", () => {
    paint();
    clearTimeout(state.timer);
    state.timer = setTimeout(compile, 120);
  });
  source.addEventListener("scroll", syncScroll);
  $("file").onchange = () => open($<HTMLSelectElement>("file").value);
  $("plan").onchange = showPlan;
  $("log-y").onchange = $("axis").onchange = drawChart;
  $("download").onclick = downloadTarget;
  if (paths.length) await open(state.path);
  else await compile();
}

main().catch((error) => {
  $("status").textContent = `error: ${(error as Error).message}`;
});
