/**
 * The output of the resolve stage: one recipe, under one sweep choice, with every name, inherited part,
 * value and position resolved and checked. Lowering it to a plan cannot fail.
 * @module
 */
import type { Average, Checkpoint, Ema, Group, Init, Model, Source, Timelines } from "../plan/schema.ts";
import type { At } from "./context.ts";
import type { ResolvedPhase } from "./phases.ts";
import type { Budget, OptimizerSettings } from "./settings.ts";

/** A recipe resolved and checked: what the plan is made of. */
export interface ResolvedRecipe {
  /** The recipe's name (a sweep's plans add their values to it). */
  name: string;
  /** Where the recipe's name is written: problems of the recipe as a whole point there. */
  nameAt: At;
  /** The file the recipe is in. */
  file: string;
  budget: Budget;
  /** The updates the placed phases cover, [0, steps). */
  steps: number;
  /** Tokens per sequence. */
  context: number;
  optimizer: OptimizerSettings;
  /** The parameter groups, in the order a parameter is matched against them. */
  groups: Group[];
  model: Model | null;
  /** Every declared source, ancestors' first (the plan keeps those a mixture uses). */
  sources: Source[];
  /** The placed phases, in order, with their shapes and mixtures. */
  phases: ResolvedPhase[];
  /** The quantities with schedules of their own (empty when none). */
  timelines: Timelines;
  /** Every checkpoint, `final` included, by name (not yet sorted by step). */
  checkpoints: Checkpoint[];
  /** The checkpoints made by averaging others, in the order they are written. */
  averages: Average[];
  /** The exponential moving average of the weights the recipe keeps, if any. */
  ema: Ema | null;
  /** Where training starts: the parent's checkpoint, for a continual-pretraining recipe. */
  init: Init | null;
}
