/**
 * Every diagnostic the compiler reports, with its stable code. This table is the one place codes are
 * documented; docs/errors.md is generated from it (`deno task fixtures`). Codes are never reused.
 * @module
 */

/** One diagnostic kind. */
export interface CodeInfo {
  severity: "error" | "warning";
  title: string;
  /** What triggers it and how to fix it. */
  description: string;
}

/** The table of diagnostic codes. */
export const CODES = {
  R0001: {
    severity: "error",
    title: "Syntax error",
    description:
      "The text does not follow the grammar (see grammar/README.md). The message names what was expected; a misspelt keyword gets a suggestion.",
  },
  R0002: {
    severity: "error",
    title: "Unknown character",
    description: "A character that no token starts with, such as `@` or `;`.",
  },
  R0003: {
    severity: "error",
    title: "Unknown name",
    description:
      "A name that no `let`, source, recipe or function defines. The message suggests the closest known name.",
  },
  R0004: {
    severity: "error",
    title: "Duplicate definition",
    description:
      'A recipe, branch, let, source, mixture entry, setting, block, phase option or checkpoint name given twice where only one is allowed (a branch "b" of recipe "a" is the recipe "a.b"); or a checkpoint named "final" (reserved for the weights after the last update) or with an empty name.',
  },
  R0005: {
    severity: "error",
    title: "Missing statement",
    description:
      "A recipe needs `budget`, `batch`, `optimizer` (with `lr`) and `schedule`, unless it inherits them from a parent.",
  },
  R0006: {
    severity: "error",
    title: "Phases overrun the budget",
    description:
      "The phases add up to more than the budget, or an `until` point lies before the phase starts.",
  },
  R0007: {
    severity: "error",
    title: "Phases do not fill the budget",
    description: "The phases end before the budget does. Give the last phase `rest`, or lengthen a phase.",
  },
  R0008: {
    severity: "error",
    title: "Empty or negative duration",
    description: "A phase, cycle period or interval resolves to zero or fewer updates after rounding.",
  },
  R0009: {
    severity: "error",
    title: "Invalid value",
    description:
      "A learning rate, weight decay, weight, size, count or setting that is negative, NaN, infinite, outside its range (a batch of more than 16,777,216 sequences), or an empty name; a mixture whose temperature weights overflow; more than 10,000 checkpoints from one `checkpoint every`.",
  },
  R0010: {
    severity: "error",
    title: "Mixture without weight",
    description: "A mixture whose weights are all zero, or a recipe with sources and no mixture.",
  },
  R0011: {
    severity: "error",
    title: "Unknown source",
    description: "A mixture names a source that the data block (or the parent recipe) does not declare.",
  },
  R0012: {
    severity: "error",
    title: "Replay without a parent",
    description: '`replay` needs a parent checkpoint: `recipe "b" from "a" at "final"`.',
  },
  R0013: { severity: "error", title: "Import cycle", description: "Files import each other in a cycle." },
  R0014: {
    severity: "error",
    title: "Missing file",
    description: "An imported or compiled file cannot be read.",
  },
  R0015: {
    severity: "error",
    title: "Too many sweep plans",
    description: "The sweeps of a recipe multiply to more than 1,000 plans.",
  },
  R0016: {
    severity: "error",
    title: "Wrong unit",
    description: "A quantity has no unit, or one that does not fit (a budget in %, a batch in steps).",
  },
  R0017: {
    severity: "error",
    title: "Unknown recipe or checkpoint",
    description:
      "A parent recipe that no loaded file defines, a parent checkpoint the parent's plan does not have (for `from` or a `branch ... at`), or a recipe file with several recipes and no choice.",
  },
  R0018: {
    severity: "error",
    title: "Invalid arithmetic",
    description:
      "Division by zero, the square root of a negative number, a function given the wrong number of arguments, absolute and relative (`x`) values mixed, `sqrt` or `round` of a relative value, or expressions nested too deeply to compile.",
  },
  R0019: {
    severity: "error",
    title: "Misplaced rest",
    description: "`rest` is used twice, or a phase after `rest` ends at an `until` point.",
  },
  R0020: {
    severity: "error",
    title: "Invalid shape",
    description:
      "A shape that cannot take these values: exponential through 0 or across a ratio too large for a double (from 1e-320 to 1x), step factors that overflow, step milestones out of order, `to` on a shape that has none (constant, inverse-sqrt, step) or missing where it is needed (a shaped `phase`), a relative value where no base exists.",
  },
  R0021: {
    severity: "error",
    title: "Checkpoint outside the plan",
    description:
      "A checkpoint before update 0 or after the last update, or a phase's checkpoint outside its phase.",
  },
  R0022: {
    severity: "error",
    title: "Model does not fit the recipe",
    description:
      "A model block that contradicts the batch context, heads that do not divide the width, or a model change when starting from a checkpoint.",
  },
  R0023: {
    severity: "error",
    title: "Invalid parent",
    description: "A recipe that is its own ancestor, or a parent with sweeps.",
  },
  R0024: {
    severity: "error",
    title: "Target cannot express the recipe",
    description:
      "An emitter refused: the target trainer has no way to do exactly what the plan says (a shape, a phase sequence, a mixture change). The message names the feature and the targets that can; `pytorch` and `csv` always can, and `--approximate` allows a documented approximation where the target has one.",
  },
  R0025: {
    severity: "error",
    title: "Name cannot be a file name",
    description:
      'A recipe or checkpoint name becomes a directory or file name (the run directory, a checkpoint directory, emitted files), so it cannot be empty, contain `/` or `\\`, start with a dot, contain control characters or `<>:"|?*`, end with a space or a dot, be a Windows device name such as `con`, or be longer than 100 characters.',
  },
  R0026: {
    severity: "error",
    title: "Too many errors",
    description:
      "A file has more than 100 diagnostics, and errors are among those not shown: the first 100 are shown and this one says how many more there are. Syntax checking stops at the 100th syntax error, and says where. Fix those and check again.",
  },
  R0027: {
    severity: "error",
    title: "File too large",
    description:
      "A recipe file is larger than 512 KiB (524,288 bytes). Recipes are short; a file this large is usually not a recipe.",
  },
  R0028: {
    severity: "error",
    title: "Name too long",
    description: "A name (a let, a source) longer than 128 characters.",
  },
  R0029: {
    severity: "error",
    title: "Nested too deeply",
    description:
      "Brackets, braces or parentheses nested more than 64 deep, or more than 64 signs in a row (`- - - 1`). Split long expressions with `let`.",
  },
  R0030: {
    severity: "error",
    title: "Plan too large",
    description:
      "A plan of more than 10,000 phases (a `cycles` block repeats its phases once per cycle) or more than 2,147,483,647 updates.",
  },
  R0031: {
    severity: "error",
    title: "Mixture weights do not sum to 1",
    description:
      "The weights of a mixture add up to something other than 1 (within 1e-9), which usually means a typo. Make them sum to 1, or write `normalised` after them (`mix a 3, b 1 normalised`) to have them scaled to 1. A `replay` weight counts as one entry; `mix temperature T` is always normalised.",
  },
  R0032: {
    severity: "error",
    title: "Branch of a recipe with sweeps",
    description:
      'A `branch "b" at "ckpt"` inside a recipe whose sweeps make several plans: each plan has its own checkpoint "ckpt", so the branch has no single one to start from. Give the recipe one value for each swept setting (a branch may sweep its own settings: it then makes one plan per value), or write separate recipes.',
  },
  R0033: {
    severity: "error",
    title: "Average of an unknown checkpoint",
    description:
      '`checkpoint average "avg" of "a", "b"` names a checkpoint the recipe does not have. An average takes the checkpoints of its own recipe (`final`, named ones, and those `checkpoint every` makes, named `<name>-<step>` or `step-<step>`); `deno task explain` lists them.',
  },
  R0034: {
    severity: "error",
    title: "Average of fewer than two checkpoints",
    description:
      "An average names one checkpoint only: the mean of one checkpoint is that checkpoint. Name at least two, or start from the checkpoint itself.",
  },
  R0035: {
    severity: "error",
    title: "Checkpoint averaged twice",
    description:
      "An average names the same checkpoint twice, which would weigh it double. Name each checkpoint once.",
  },
  R0036: {
    severity: "error",
    title: "Average name taken",
    description:
      'An average has the name of a checkpoint of the recipe, or of another average (or "final", or an empty name): its checkpoint directory would replace the other one. Give it its own name.',
  },
  R0037: {
    severity: "error",
    title: "Average inside a phase",
    description:
      "A `checkpoint average` line inside a phase's body. An average is not taken at a point of the schedule but when the last checkpoint it averages has been written, so it is written at recipe level.",
  },
  R0038: {
    severity: "error",
    title: "Quantity scheduled twice",
    description:
      "A quantity that has a schedule of its own (`schedule batch { ... }`, `schedule weight_decay { ... }`) is also set inside a phase of the LR schedule. Set it in one place: its own schedule, or the phases' bodies.",
  },
  R0039: {
    severity: "error",
    title: "Not allowed in a quantity's schedule",
    description:
      "A quantity's own schedule (`schedule batch|context|weight_decay|beta1|beta2|clip { ... }`) takes phases with a duration, a shape and values only: no mixtures, settings or checkpoints in a phase body (those belong to the LR schedule). A batch or context schedule takes no `cycles`, and only its last phase may take `rest`. Inside `cycles`, against a batch or context schedule, a length must be in the budget's unit or % (a length in another unit has no fixed size there).",
  },
  R0040: {
    severity: "error",
    title: "Average count is not a whole number of at least two",
    description:
      '`checkpoint average "avg" last N of "c"` with N below 2 or not a whole number: an average takes the last two checkpoints of the series or more.',
  },
  R0041: {
    severity: "error",
    title: "Average of more checkpoints than the series has",
    description:
      '`checkpoint average "avg" last N of "c"` asks for more checkpoints than `checkpoint every ... "c"` makes (`final` is not one of them). Average fewer, or checkpoint more often; `deno task explain` lists the checkpoints.',
  },
  R0042: {
    severity: "error",
    title: "Average of an unknown checkpoint series",
    description:
      '`checkpoint average "avg" last N of "c"` names a series that no `checkpoint every ... "c"` of the recipe makes. Name the series of a periodic checkpoint statement (its checkpoints are `<name>-<step>`).',
  },
  R0043: {
    severity: "error",
    title: "EMA decay outside (0, 1)",
    description:
      '`ema "ema" decay D` needs 0 < D < 1: each update keeps D of the average and adds 1 - D of the weights (0.999 averages over about the last 1000 updates).',
  },
  R0044: {
    severity: "error",
    title: "EMA name taken",
    description:
      'The EMA has the name of a checkpoint or average of the recipe (or "final", or an empty name, or a name a directory cannot have): its checkpoint directory would replace the other one. Give it its own name.',
  },
  R0045: {
    severity: "error",
    title: "EMA start outside the plan",
    description:
      '`ema "ema" decay D start X` with X at or after the last update: the EMA would average no update. Start it before the end of training.',
  },
  R0046: {
    severity: "error",
    title: "Invalid parameter group",
    description:
      'A `group` of the optimizer block selects by an unknown role (the roles are `embeddings`, `head`, `matrices`, `vectors`, and `params "pattern", ...` for parameter names), gives patterns to a role or none to `params`, has an empty name, or sets what only the whole optimizer has (`clip`). The message suggests the closest role.',
  },
  R0047: {
    severity: "error",
    title: "Group weight decay without a base",
    description:
      "A group gives an absolute `weight_decay` while the optimizer's is 0. A group's weight decay is a multiple of the plan's weight decay of every update (so that per-phase weight decay applies to it too), and nothing times 0 is the value written. Set the optimizer's `weight_decay`, or write the group's relative to it (`weight_decay 0.5x`).",
  },
  W0001: {
    severity: "warning",
    title: "LR jumps between phases",
    description:
      "A phase starts at a different LR than the previous one ends on, and is not a rewarm or a cycle restart. Drop `from` to continue smoothly, or use `rewarm`.",
  },
  W0002: {
    severity: "warning",
    title: "Long warmup",
    description: "Warmup takes more than 25% of the budget.",
  },
  W0003: {
    severity: "warning",
    title: "Unused source",
    description: "A declared source that no mixture uses.",
  },
  W0004: {
    severity: "warning",
    title: "Too many warnings",
    description:
      "A file has more than 100 diagnostics, and those not shown are all warnings; this one says how many.",
  },
  W0005: {
    severity: "warning",
    title: "Group selects nothing in the built-in trainer",
    description:
      "A `head` group in a recipe with a model block: the built-in GPT ties its output head to the token embeddings (wte), so the head has no parameters of its own and the group changes nothing when the recipe is run. Select `embeddings` to change wte (and so the head); external trainers with an untied head honour the group.",
  },
  W0006: {
    severity: "warning",
    title: "Group selects nothing",
    description:
      'A parameter group names the role (`matrices`, `vectors`, `embeddings`, `head`) of an earlier group. A parameter belongs to the first group that selects it, so the later group selects nothing. Remove one, or narrow the earlier one with `params "glob"`.',
  },
  W0007: {
    severity: "warning",
    title: "A decay that rises",
    description:
      'A `decay` or `cooldown` phase ends above the LR it starts from (`decay rest to 2x`), most likely a `to` relative to the wrong value. Write `to` below where it starts, or use `rewarm` or `phase "name"` for a rise.',
  },
} as const satisfies Record<string, CodeInfo>;

/** A diagnostic code, e.g. "R0011". */
export type Code = keyof typeof CODES;
