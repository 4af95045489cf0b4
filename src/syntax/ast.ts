/**
 * The recipe AST. Every node carries a half-open source span [start, end) of offsets into its file's text.
 * @module
 */

import type { Span } from "../diagnostics/span.ts";

export type { Span };

/** A number literal; `relative` for `0.1x` (times the peak, or the base value). */
export interface NumberExpr {
  kind: "number";
  value: number;
  relative: boolean;
  span: Span;
}
/** A reference to a `let` binding. */
export interface NameExpr {
  kind: "name";
  name: string;
  span: Span;
}
/** `min(a, b)`, `max(a, b)`, `sqrt(a)`, `round(a)`. */
export interface CallExpr {
  kind: "call";
  callee: string;
  calleeSpan: Span;
  args: Expr[];
  span: Span;
}
/** `-a`. */
export interface NegExpr {
  kind: "neg";
  operand: Expr;
  span: Span;
}
/** `a + b`, `a - b`, `a * b`, `a / b`. */
export interface BinaryExpr {
  kind: "binary";
  op: "+" | "-" | "*" | "/";
  left: Expr;
  right: Expr;
  span: Span;
}
/** `sweep [a, b, c]`: one plan per choice. */
export interface SweepExpr {
  kind: "sweep";
  choices: Expr[];
  span: Span;
}
/** An arithmetic expression. */
export type Expr = NumberExpr | NameExpr | CallExpr | NegExpr | BinaryExpr | SweepExpr;

/** The units a quantity can carry. */
export type Unit = "steps" | "tokens" | "samples" | "%";
/** An expression with an optional unit: `20M tokens`, `2%`, `5000 steps`. */
export interface Quantity {
  expr: Expr;
  unit: Unit | null;
  span: Span;
}

/** How long a phase lasts: a length, up to a point, or what is left. */
export type Duration =
  | { kind: "for"; quantity: Quantity; span: Span }
  | { kind: "until"; quantity: Quantity; span: Span }
  | { kind: "rest"; span: Span };

/** The shape names the language accepts (the Plan's names). */
export type ShapeKeyword =
  | "constant"
  | "linear"
  | "cosine"
  | "1-sqrt"
  | "exponential"
  | "rex"
  | "inverse-sqrt"
  | "polynomial"
  | "step";

/** A shape with its own parameters. */
export interface ShapeSpec {
  name: ShapeKeyword;
  timescale?: Quantity;
  power?: Expr;
  factor?: Expr;
  milestones?: Quantity[];
  span: Span;
}

/** `from X`, `to X`, `at X`. */
export interface ValueOption {
  key: "from" | "to" | "at";
  expr: Expr;
  span: Span;
}

/** `weight_decay ...` or `batch ...` inside a phase: a constant or a shape. */
export interface ShapedSetting {
  key: "weight_decay" | "batch";
  value: Expr | null;
  shape: ShapeSpec | null;
  options: ValueOption[];
  span: Span;
}

/** A named source weight in a mixture; `replay` stands for the parent's mixture. */
export interface MixEntry {
  name: string;
  replay: boolean;
  weight: Expr;
  nameSpan: Span;
  span: Span;
}
/** `mix a 0.5, b 0.5`, `mix a 3, b 1 normalised` or `mix temperature 2`. */
export interface MixStmt {
  entries: MixEntry[];
  temperature: Expr | null;
  /** The weights are scaled to sum to 1 (`normalised`); otherwise they must already. */
  normalised: boolean;
  span: Span;
}

/** `checkpoint at start "name"`, `checkpoint at 50%`, `checkpoint every 1000 steps`. */
export interface CheckpointStmt {
  at: "start" | "end" | Quantity | null;
  every: Quantity | null;
  name: string | null;
  span: Span;
}

/**
 * `checkpoint average "avg" of "c-800", "c-900"` (a checkpoint that is the mean of others' weights), or
 * `checkpoint average "avg" last 3 of "c"` (the last three of the series `checkpoint every ... "c"`).
 */
export interface AverageStmt {
  name: string;
  nameSpan: Span;
  /** The checkpoints averaged, as written, with where each is written (empty for `last N of`). */
  of: { name: string; span: Span }[];
  /** For `last N of "c"`: how many of the series' checkpoints, and the series' name. */
  last: { count: Expr; series: string; seriesSpan: Span } | null;
  span: Span;
}

/** `ema "ema" decay 0.999 start 10%`: an exponential moving average of the weights, as a checkpoint. */
export interface EmaStmt {
  name: string;
  nameSpan: Span;
  decay: Expr;
  /** The position of the first averaged update; null for update 0. */
  start: Quantity | null;
  span: Span;
}

/** The phase keywords; `cooldown` is a `decay`. */
export type PhaseKeyword = "warmup" | "stable" | "decay" | "cooldown" | "rewarm" | "phase";

/** One phase of the schedule. */
export interface PhaseDecl {
  kind: "phase";
  keyword: PhaseKeyword;
  /** The name given with `phase "name"`; else null. */
  name: string | null;
  duration: Duration;
  shape: ShapeSpec | null;
  options: ValueOption[];
  inclusive: boolean;
  mixes: MixStmt[];
  settings: ShapedSetting[];
  checkpoints: CheckpointStmt[];
  keywordSpan: Span;
  span: Span;
}

/** `cycles N [mult M] (period D | over D) { phases }`. */
export interface CyclesDecl {
  kind: "cycles";
  count: Expr;
  mult: Expr | null;
  period: Quantity | null;
  over: Duration | null;
  phases: PhaseDecl[];
  span: Span;
}

/** `let name = expr`. */
export interface LetDecl {
  name: string;
  value: Expr;
  nameSpan: Span;
  span: Span;
}

/** `name = corpus "brown/news" [size 1B tokens]`. */
export interface SourceDecl {
  name: string;
  kind: "corpus" | "files" | "dataset";
  uri: string;
  size: Quantity | null;
  nameSpan: Span;
  span: Span;
}

/** A keyword setting with arguments, as in `optimizer adamw { betas 0.9 0.95 }` or `model gpt { layers 4 }`. */
export interface Setting {
  key: string;
  /** Empty for `clip none`. */
  args: Expr[];
  keySpan: Span;
  span: Span;
}

/**
 * `group "hidden" matrices { lr 0.5x }` inside the optimizer block: the parameters of a role (or, with
 * `params`, those whose names match a pattern) and the settings that replace the optimizer's for them.
 */
export interface GroupDecl {
  name: string;
  nameSpan: Span;
  /** The role as written: embeddings, head, matrices, vectors or params (checked when resolving). */
  role: string;
  roleSpan: Span;
  /** The name patterns after `params` (empty for a role). */
  patterns: string[];
  settings: Setting[];
  span: Span;
}

/** `batch 32 x 256`, `batch 8192 tokens`, `batch 32`. */
export interface BatchStmt {
  size: Expr;
  context: Expr | null;
  unit: Unit | null;
  span: Span;
}

/** The parent of a recipe: `from "name" at "checkpoint"` or `extends "name"`. */
export interface ParentRef {
  kind: "from" | "extends";
  recipe: string;
  checkpoint: string | null;
  span: Span;
}

/** The quantities that can follow a schedule of their own, beside the LR's (`schedule batch { ... }`). */
export type TimelineQuantity = "batch" | "context" | "weight_decay" | "beta1" | "beta2" | "clip" | "ema";

/** `schedule batch { phases }`: a schedule of one quantity, with its own phases over the budget. */
export interface TimelineDecl {
  quantity: TimelineQuantity;
  quantitySpan: Span;
  items: (PhaseDecl | CyclesDecl)[];
  span: Span;
}

/** What makes a recipe a branch: the recipe it is declared in, and its own name there. */
export interface BranchOf {
  recipe: string;
  name: string;
}

/**
 * One `recipe "name" { ... }`, or one `branch "b" at "ckpt" { ... }` inside recipe "a": the recipe "a.b",
 * `from "a" at "ckpt"`, whose `branchOf` says so.
 */
export interface RecipeDecl {
  name: string;
  nameSpan: Span;
  parent: ParentRef | null;
  /** Set for a branch: the recipe that declares it. */
  branchOf: BranchOf | null;
  lets: LetDecl[];
  budget: Quantity | null;
  batch: BatchStmt | null;
  optimizer: Setting[] | null;
  /** The parameter groups of the optimizer block, in order. */
  groups: GroupDecl[];
  model: Setting[] | null;
  sources: SourceDecl[];
  mixes: MixStmt[];
  schedule: (PhaseDecl | CyclesDecl)[] | null;
  /** The schedules of other quantities (`schedule batch { ... }`), at most one per quantity. */
  timelines: TimelineDecl[];
  checkpoints: CheckpointStmt[];
  averages: AverageStmt[];
  /** The recipe's `ema` statement, if any (one at most). */
  ema: EmaStmt | null;
  /** The branches declared inside it (the file's `recipes` lists them too, each after its recipe). */
  branches: RecipeDecl[];
  span: Span;
}

/** `import "other.recipe"`. */
export interface ImportDecl {
  path: string;
  span: Span;
}

/** One parsed file. */
export interface FileAst {
  path: string;
  text: string;
  imports: ImportDecl[];
  lets: LetDecl[];
  /** Every recipe of the file, its branches included (each right after the recipe that declares it). */
  recipes: RecipeDecl[];
}
