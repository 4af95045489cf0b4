/**
 * Small dependency-free SVG charts: line panels and stacked-band panels, stacked into one document.
 * @module
 */

/** One line of a chart. */
export interface Series {
  name: string;
  /** [x, y] points, x increasing. */
  points: [number, number][];
  color?: string;
}

/** A band of a stacked chart: a share per x interval. */
export interface Band {
  name: string;
  /** [x0, x1, share] rectangles; shares of all bands at one interval sum to 1. */
  spans: [number, number, number][];
  color?: string;
}

/** A panel: lines or stacked bands, with a title and an x range. */
export interface Panel {
  title: string;
  xLabel: string;
  x: [number, number];
  lines?: Series[];
  bands?: Band[];
  /** Use a log scale on y (lines only; values <= 0 are dropped). */
  logY?: boolean;
  /** Vertical markers: phase boundaries (dashed grey) or checkpoints (solid, with a triangle on top). */
  markers?: Marker[];
}

/** A vertical line at `x`, named by `label` (shown on hover). */
export interface Marker {
  x: number;
  label: string;
  kind?: "phase" | "checkpoint";
  color?: string;
}

/** Colours for series and bands, in order. */
export const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

const WIDTH = 720;
const HEIGHT = 200;
const MARGIN = { left: 64, right: 150, top: 28, bottom: 36 };

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

function label(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e6) return `${Number((x / 1e6).toPrecision(3))}M`;
  if (a >= 1e3) return `${Number((x / 1e3).toPrecision(3))}K`;
  return a < 1e-2 ? x.toExponential(1) : String(Number(x.toPrecision(3)));
}

/** Keeps at most ~2 points per pixel column (min and max), so long runs stay small and spikes stay visible. */
export function downsample(points: [number, number][], columns = 1200): [number, number][] {
  if (points.length <= columns * 2) return points;
  const [x0, x1] = [points[0][0], points.at(-1)![0]];
  const out: [number, number][] = [];
  let bucket = -1;
  let lo: [number, number] | null = null;
  let hi: [number, number] | null = null;
  const flush = () => {
    if (lo && hi) out.push(...(lo[0] <= hi[0] ? [lo, hi] : [hi, lo]));
  };
  for (const p of points) {
    const b = Math.floor(((p[0] - x0) / (x1 - x0 || 1)) * columns);
    if (b !== bucket) {
      flush();
      bucket = b;
      lo = hi = p;
    } else {
      if (p[1] < lo![1]) lo = p;
      if (p[1] > hi![1]) hi = p;
    }
  }
  flush();
  return out;
}

function markerSvg(marker: Marker, x: number, h: number): string {
  const title = `<title>${escapeXml(marker.label)}</title>`;
  const [x1, y1, y2] = [x.toFixed(2), MARGIN.top, MARGIN.top + h];
  if (marker.kind !== "checkpoint") {
    return `<line x1="${x1}" x2="${x1}" y1="${y1}" y2="${y2}" stroke="#999" stroke-dasharray="3,3">${title}</line>`;
  }
  const color = marker.color ?? "#444";
  return `<g class="checkpoint">${title}<line x1="${x1}" x2="${x1}" y1="${y1}" y2="${y2}" stroke="${color}" ` +
    `stroke-opacity="0.6"/><path d="M${(x - 4).toFixed(2)},${y1 - 7}L${(x + 4).toFixed(2)},${
      y1 - 7
    }L${x1},${y1}Z" ` +
    `fill="${color}"/></g>`;
}

/** A panel's plot area: width and height in pixels, and the x scale. */
interface Area {
  w: number;
  h: number;
  sx: (x: number) => number;
}

/** A drawn panel body: its SVG parts, y scale and y ticks. */
interface Body {
  parts: string[];
  sy: (y: number) => number;
  yTicks: number[];
}

/** Stacked bands (a mixture): shares from 0 to 1. */
function bandsSvg(bands: Band[], { h, sx }: Area): Body {
  const sy = (y: number) => MARGIN.top + (1 - y) * h;
  const parts: string[] = [];
  const base = new Map<string, number>();
  bands.forEach((band, i) => {
    for (const [a, b, share] of band.spans) {
      const key = `${a}`;
      const under = base.get(key) ?? 0;
      base.set(key, under + share);
      parts.push(
        `<rect x="${sx(a).toFixed(2)}" y="${sy(under + share).toFixed(2)}" width="${
          Math.max(0.5, sx(b) - sx(a)).toFixed(2)
        }" height="${(share * h).toFixed(2)}" fill="${
          band.color ?? PALETTE[i % PALETTE.length]
        }" fill-opacity="0.8"/>`,
      );
    }
  });
  return { parts, sy, yTicks: [0, 0.25, 0.5, 0.75, 1] };
}

/** Lines on a linear or log y axis fitted to their values. */
function linesSvg(panel: Panel, { h, sx }: Area): Body {
  const lines = (panel.lines ?? []).map((s) => ({
    ...s,
    points: downsample(panel.logY ? s.points.filter((p) => p[1] > 0) : s.points),
  }));
  const ys = lines.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  let lo = ys.length ? ys.reduce((a, b) => Math.min(a, b)) : 0;
  let hi = ys.length ? ys.reduce((a, b) => Math.max(a, b)) : 1;
  let sy: (y: number) => number;
  let yTicks: number[];
  if (panel.logY) {
    const [a, b] = [Math.log10(lo), Math.log10(hi)];
    const span = b - a || 1;
    sy = (y) => MARGIN.top + (1 - (Math.log10(y) - a) / span) * h;
    yTicks = niceTicks(a, b, 4).map((t) => 10 ** t);
  } else {
    if (lo > 0 && lo < hi * 0.5) lo = 0;
    if (hi === lo) [lo, hi] = [lo - Math.abs(lo || 1) * 0.1, hi + Math.abs(hi || 1) * 0.1];
    const pad = (hi - lo) * 0.05;
    [lo, hi] = [lo === 0 ? 0 : lo - pad, hi + pad];
    sy = (y) => MARGIN.top + (1 - (y - lo) / (hi - lo)) * h;
    yTicks = niceTicks(lo, hi, 4);
  }
  const parts = lines.map((s, i) => {
    const d = s.points.filter((p) => Number.isFinite(p[1])).map((p, j) =>
      `${j ? "L" : "M"}${sx(p[0]).toFixed(2)},${sy(p[1]).toFixed(2)}`
    ).join("");
    return `<path d="${d}" fill="none" stroke="${
      s.color ?? PALETTE[i % PALETTE.length]
    }" stroke-width="1.5"/>`;
  });
  return { parts, sy, yTicks };
}

/** The grid, tick labels, markers, frame, x label and legend around a panel's body. */
function frameSvg(panel: Panel, { w, h, sx }: Area, { sy, yTicks }: Body): string[] {
  const parts: string[] = [];
  for (const t of yTicks) {
    const y = sy(t);
    if (!(y >= MARGIN.top - 0.5 && y <= MARGIN.top + h + 0.5)) continue;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${y.toFixed(2)}" y2="${
        y.toFixed(2)
      }" stroke="#ddd"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${(y + 4).toFixed(2)}" font-size="11" text-anchor="end">${
        label(t)
      }</text>`,
    );
  }
  for (const t of niceTicks(panel.x[0], panel.x[1], 6)) {
    parts.push(
      `<text x="${sx(t).toFixed(2)}" y="${MARGIN.top + h + 16}" font-size="11" text-anchor="middle">${
        label(t)
      }</text>`,
    );
  }
  for (const m of panel.markers ?? []) parts.push(markerSvg(m, sx(m.x), h));
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#333"/>`,
  );
  parts.push(
    `<text x="${MARGIN.left + w / 2}" y="${MARGIN.top + h + 32}" font-size="11" text-anchor="middle">${
      escapeXml(panel.xLabel)
    }</text>`,
  );
  const legend = panel.bands ?? panel.lines ?? [];
  legend.forEach((s, i) => {
    const y = MARGIN.top + 6 + i * 16;
    parts.push(
      `<rect x="${MARGIN.left + w + 12}" y="${y}" width="10" height="10" fill="${
        s.color ?? PALETTE[i % PALETTE.length]
      }"/>`,
    );
    parts.push(`<text x="${MARGIN.left + w + 28}" y="${y + 9}" font-size="11">${escapeXml(s.name)}</text>`);
  });
  return parts;
}

function panelSvg(panel: Panel, top: number): string {
  const w = WIDTH - MARGIN.left - MARGIN.right;
  const h = HEIGHT - MARGIN.top - MARGIN.bottom;
  const [x0, x1] = panel.x;
  const area: Area = { w, h, sx: (x) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * w };
  const body = panel.bands ? bandsSvg(panel.bands, area) : linesSvg(panel, area);
  return [
    `<g transform="translate(0,${top})">`,
    `<text x="${MARGIN.left}" y="18" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`,
    ...body.parts,
    ...frameSvg(panel, area, body),
    "</g>",
  ].join("\n");
}

/**
 * Renders panels stacked vertically as one standalone SVG document (no external resources).
 *
 * @example
 * ```ts
 * import { renderPanels } from "./chart.ts";
 * const svg = renderPanels([{ title: "loss", xLabel: "step", x: [0, 2], lines: [{ name: "train", points: [[0, 3], [2, 1]] }] }]);
 * ```
 */
export function renderPanels(panels: Panel[]): string {
  const height = HEIGHT * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...panels.map((p, i) => panelSvg(p, i * HEIGHT)),
    "</svg>",
    "",
  ].join("\n");
}
