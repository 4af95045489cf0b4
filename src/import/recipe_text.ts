/**
 * Writing an import as recipe text: budget, batch, optimizer, data, the schedule's phases with their
 * conventions explicit, checkpoints, and the config's leftover keys as comments.
 * @module
 */
import type { Shape } from "../plan/schema.ts";
import type { Imported } from "./imported.ts";
import { type LaidPhase, layPhases } from "./phases.ts";

/** A number as the recipe lexer reads it back to the same double (`1e+21` -> `1e21`). */
export function numberText(x: number): string {
  return String(x).replace("e+", "e");
}

/** A string literal of the recipe language. */
function quoted(s: string): string {
  return `"${
    s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n").replaceAll("\t", "\\t")
  }"`;
}

/** `mix a 0.7, b 0.3` (with `normalised` when the weights do not sum to 1). */
function mixText(weights: Record<string, number>): string {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  const sum = entries.reduce((s, [, w]) => s + w, 0);
  const list = entries.map(([name, w]) => `${name} ${numberText(w)}`).join(", ");
  return `mix ${list}${Math.abs(sum - 1) > 1e-9 ? " normalised" : ""}`;
}

/** The phase keyword, shape and values of an LR shape: `decay 900 steps cosine from 0.001 to 0`. */
function lrText(shape: Shape, n: number): string {
  const steps = `${n} steps`;
  const n_ = numberText;
  switch (shape.shape) {
    case "constant":
      return `stable ${steps} at ${n_(shape.value)}`;
    case "inverse-sqrt":
      return `decay ${steps} inverse-sqrt timescale ${n_(shape.timescale)} steps from ${n_(shape.from)}`;
    case "step":
      return `phase "steps" ${steps} step 1 at 1 steps`; // never produced by an importer
    default: {
      if (shape.from === shape.to) return `stable ${steps} at ${n_(shape.from)}`;
      const kind = shape.to > shape.from ? "warmup" : "decay";
      const name = shape.shape === "polynomial" ? `polynomial power ${n_(shape.power)}` : shape.shape;
      return `${kind} ${steps} ${name} from ${n_(shape.from)} to ${n_(shape.to)}`;
    }
  }
}

/** A weight-decay setting: `weight_decay 0.1` or `weight_decay linear from 0 to 0.1`. */
function weightDecayText(shape: Shape): string {
  if (shape.shape === "constant") return `weight_decay ${numberText(shape.value)}`;
  if (shape.shape === "linear" || shape.shape === "cosine" || shape.shape === "exponential") {
    return `weight_decay ${shape.shape} from ${numberText(shape.from)} to ${numberText(shape.to)}`;
  }
  throw new Error(`A ${shape.shape} weight decay is not produced by an importer`);
}

/** The value a weight-decay shape leaves in effect for the next phase (see grammar/README.md). */
const carried = (shape: Shape) => shape.shape === "constant" ? shape.value : "to" in shape ? shape.to : NaN;

function phaseLines(imported: Imported, phases: LaidPhase[]): string[] {
  let weightDecay = imported.optimizer.weightDecay;
  return phases.map((phase, i) => {
    const body: string[] = i === 0 && imported.checkpointsAt.includes(0)
      ? ['checkpoint at start "step0"']
      : [];
    const wd = phase.weightDecay;
    if (wd && (wd.shape !== "constant" || wd.value !== weightDecay)) {
      body.push(weightDecayText(wd));
      weightDecay = carried(wd);
    }
    if (i > 0 && phase.stage !== phases[i - 1].stage && phase.stage >= 0) {
      body.push(mixText(imported.stages[phase.stage].weights));
    }
    const inclusive = phase.offset === 1 && phase.lr.shape !== "constant" ? " inclusive" : "";
    const block = body.length ? ` { ${body.join("  ")} }` : "";
    return `    ${lrText(phase.lr, phase.end - phase.start)}${inclusive}${block}`;
  });
}

function dataLines(imported: Imported): string[] {
  if (imported.sources.length === 0) return [];
  return [
    "  data {",
    ...imported.sources.map((s) => `    ${s.name} = ${s.kind} ${quoted(s.uri)}`),
    ...(imported.stages.length ? [`    ${mixText(imported.stages[0].weights)}`] : []),
    "  }",
  ];
}

function header(imported: Imported): string[] {
  const lines = [`# Imported from ${imported.file} (${imported.format}) by \`deno task import\`.`];
  for (const note of imported.notes) lines.push(`# note: ${note}`);
  if (imported.parent) {
    lines.push(
      `# The run continues from the checkpoint ${quoted(imported.parent.path)} (${imported.parent.key}):`,
      '# import the parent\'s recipe and write `recipe "..." from "<parent>" at "<checkpoint>"` to say so.',
    );
  }
  return lines;
}

function footer(imported: Imported): string[] {
  if (imported.leftovers.length === 0) return [];
  return [
    "",
    `# Settings of the ${imported.format} config that a recipe does not hold (model, parallelism, precision, I/O...):`,
    ...imported.leftovers.map((l) =>
      `#   ${l.key} = ${l.value.length > 200 ? l.value.slice(0, 200) + "..." : l.value}` +
      (l.line ? `  (line ${l.line})` : "")
    ),
  ];
}

/**
 * The recipe text of an import.
 *
 * @example
 * ```ts
 * import { recipeText } from "./recipe_text.ts";
 * // recipeText(imported) // 'recipe "wsd-small" {\n  budget 781 steps\n ...'
 * ```
 */
export function recipeText(imported: Imported): string {
  const phases = layPhases(imported);
  const o = imported.optimizer;
  const n = numberText;
  const checkpoints = [
    ...(imported.checkpointEvery ? [`  checkpoint every ${imported.checkpointEvery} steps`] : []),
    ...imported.checkpointsAt.filter((s) => s > 0).map((s) => `  checkpoint at ${s} steps "step${s}"`),
  ];
  return [
    ...header(imported),
    `recipe ${quoted(imported.name)} {`,
    `  budget ${imported.steps} steps`,
    `  batch ${imported.sequences} x ${imported.context}`,
    `  optimizer adamw { lr ${n(o.lr)}  betas ${n(o.betas[0])} ${n(o.betas[1])}  eps ${n(o.eps)}  ` +
    `weight_decay ${n(o.weightDecay)}  clip ${o.clip === null ? "none" : n(o.clip)} }`,
    ...dataLines(imported),
    "  schedule {",
    ...phaseLines(imported, phases),
    "  }",
    ...checkpoints,
    "}",
    ...footer(imported),
    "",
  ].join("\n");
}
