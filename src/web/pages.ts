/**
 * The HTML of the studio and the dashboard, written into dist/ by the build (src/web/build.ts). Each page
 * loads its script (dist/studio.js, dist/dashboard.js), which imports the compiler bundle (dist/recipe.js).
 * @module
 */

const STYLE = `
:root { font-family: system-ui, sans-serif; font-size: 14px; color: #222; }
body { margin: 0; }
header { display: flex; gap: 1.5em; align-items: baseline; padding: 0.5em 1em; background: #20232a; color: #eee; }
header a { color: #9cf; } header h1 { font-size: 1.1em; margin: 0; }
main { display: grid; grid-template-columns: minmax(420px, 1fr) minmax(560px, 760px); gap: 1em; padding: 1em; }
.toolbar { display: flex; flex-wrap: wrap; gap: 0.6em; align-items: center; margin-bottom: 0.5em; }
.editor { position: relative; height: 460px; border: 1px solid #bbb; background: #fcfcfc; }
.editor pre, .editor textarea { position: absolute; inset: 0; margin: 0; padding: 6px; border: 0; overflow: auto;
  font: 13px/18px ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre; tab-size: 2; }
.editor textarea { color: transparent; background: transparent; caret-color: #000; resize: none; outline: none; }
.editor pre { pointer-events: none; color: #222; }
.line { display: block; min-height: 18px; } .line.error { background: #fdd; } .line.warning { background: #fff3c4; }
.tok-comment { color: #6a737d; } .tok-string { color: #22863a; } .tok-number { color: #005cc5; }
.tok-keyword { color: #b31d28; font-weight: 600; }
#diagnostics { list-style: none; padding: 0; margin: 0.5em 0; font-family: ui-monospace, monospace; font-size: 12px; }
#diagnostics li { padding: 2px 4px; cursor: pointer; } #diagnostics li.error { color: #b00; }
#diagnostics li.warning { color: #8a6d00; } #diagnostics li.ok { color: #176b1e; cursor: default; }
pre.table { font-size: 12px; background: #f6f8fa; padding: 0.5em; overflow: auto; max-height: 360px; }
.chart svg { max-width: 100%; height: auto; }
#runs { list-style: none; padding: 0; margin: 0; } #runs li { padding: 2px 0; }
#runs button { font: inherit; border: 0; background: none; color: #036; cursor: pointer; text-decoration: underline; }
.muted { color: #777; }
`;

function page(title: string, script: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<header><h1>Recipe</h1><a href="/">Studio</a><a href="/dashboard">Runs</a><span id="status" class="muted"></span></header>
${body}
</body>
</html>
`;
}

/** The chart and its toolbar (log y, x axis, then `extra` controls), shared by both pages. */
function chartSection(extra: string): string {
  return `<section>
  <div class="toolbar">
    <label><input type="checkbox" id="log-y"> log y</label>
    <label>x axis <select id="axis"><option>updates</option><option>tokens</option></select></label>${extra}
  </div>
  <div id="chart" class="chart"></div>
</section>`;
}

/**
 * The studio: an editor with live diagnostics, the plan's charts and explain table, and downloads.
 *
 * @example
 * ```ts
 * import { studioHtml } from "./pages.ts";
 * console.assert(studioHtml().includes('id="source"'));
 * ```
 */
export function studioHtml(): string {
  return page(
    "Recipe studio",
    "studio.js",
    `<main>
<section>
  <div class="toolbar"><label>File <select id="file"></select></label></div>
  <div class="editor"><pre id="highlight" aria-hidden="true"></pre><textarea id="source" spellcheck="false" autocomplete="off"></textarea></div>
  <ul id="diagnostics"></ul>
  <div class="toolbar"><label>Plan <select id="plan"></select></label>
    <label>Target <select id="target"></select></label><button id="download">Download</button>
    <span id="download-note" class="muted"></span></div>
  <pre id="explain" class="table"></pre>
</section>
${chartSection('\n    <details><summary>Overlay other recipes</summary><div id="overlays"></div></details>')}
</main>`,
  );
}

/**
 * The run dashboard: every run under runs/, its curves updating while it trains, and its plan beside it.
 *
 * @example
 * ```ts
 * import { dashboardHtml } from "./pages.ts";
 * console.assert(dashboardHtml().includes('id="runs"'));
 * ```
 */
export function dashboardHtml(): string {
  return page(
    "Recipe runs",
    "dashboard.js",
    `<main>
<section>
  <h2>Runs</h2>
  <p class="muted">Tick runs to compare them; click a name for its plan.</p>
  <ul id="runs"></ul>
  <h3 id="plan-title"></h3>
  <pre id="plan" class="table"></pre>
</section>
${chartSection("")}
</main>`,
  );
}
