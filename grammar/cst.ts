/**
 * The parser's concrete syntax tree, one interface per rule. Generated from grammar/parser.ts by
 * `deno task fixtures` (grammar/docs.ts `cstTypes`); do not edit. tests/grammar_test.ts checks it is current.
 * @module
 */
// deno-fmt-ignore-file
import type { CstNode, IToken } from "chevrotain";

export interface FileCstNode extends CstNode {
  name: "file";
  children: FileCstChildren;
}

export type FileCstChildren = {
  importDecl?: ImportDeclCstNode[];
  letDecl?: LetDeclCstNode[];
  recipeDecl?: RecipeDeclCstNode[];
};

export interface ImportDeclCstNode extends CstNode {
  name: "importDecl";
  children: ImportDeclCstChildren;
}

export type ImportDeclCstChildren = {
  Import: IToken[];
  StringLiteral: IToken[];
};

export interface LetDeclCstNode extends CstNode {
  name: "letDecl";
  children: LetDeclCstChildren;
}

export type LetDeclCstChildren = {
  Let: IToken[];
  Name: IToken[];
  Equals: IToken[];
  expression: ExpressionCstNode[];
};

export interface RecipeDeclCstNode extends CstNode {
  name: "recipeDecl";
  children: RecipeDeclCstChildren;
}

export type RecipeDeclCstChildren = {
  Recipe: IToken[];
  name: IToken[];
  From?: IToken[];
  parent?: IToken[];
  At?: IToken[];
  checkpoint?: IToken[];
  Extends?: IToken[];
  base?: IToken[];
  LBrace: IToken[];
  recipeItem?: RecipeItemCstNode[];
  RBrace: IToken[];
};

export interface RecipeItemCstNode extends CstNode {
  name: "recipeItem";
  children: RecipeItemCstChildren;
}

export type RecipeItemCstChildren = {
  letDecl?: LetDeclCstNode[];
  budgetStmt?: BudgetStmtCstNode[];
  batchStmt?: BatchStmtCstNode[];
  optimizerBlock?: OptimizerBlockCstNode[];
  modelBlock?: ModelBlockCstNode[];
  dataBlock?: DataBlockCstNode[];
  scheduleBlock?: ScheduleBlockCstNode[];
  checkpointStmt?: CheckpointStmtCstNode[];
  emaStmt?: EmaStmtCstNode[];
  branchDecl?: BranchDeclCstNode[];
};

export interface EmaStmtCstNode extends CstNode {
  name: "emaStmt";
  children: EmaStmtCstChildren;
}

export type EmaStmtCstChildren = {
  Ema: IToken[];
  name: IToken[];
  Decay: IToken[];
  decay: ExpressionCstNode[];
  Start?: IToken[];
  start?: QuantityCstNode[];
};

export interface BranchDeclCstNode extends CstNode {
  name: "branchDecl";
  children: BranchDeclCstChildren;
}

export type BranchDeclCstChildren = {
  Branch: IToken[];
  name: IToken[];
  At: IToken[];
  checkpoint: IToken[];
  LBrace: IToken[];
  recipeItem?: RecipeItemCstNode[];
  RBrace: IToken[];
};

export interface BudgetStmtCstNode extends CstNode {
  name: "budgetStmt";
  children: BudgetStmtCstChildren;
}

export type BudgetStmtCstChildren = {
  Budget: IToken[];
  quantity: QuantityCstNode[];
};

export interface BatchStmtCstNode extends CstNode {
  name: "batchStmt";
  children: BatchStmtCstChildren;
}

export type BatchStmtCstChildren = {
  Batch: IToken[];
  size: ExpressionCstNode[];
  Times?: IToken[];
  context?: ExpressionCstNode[];
  unit?: UnitCstNode[];
};

export interface OptimizerBlockCstNode extends CstNode {
  name: "optimizerBlock";
  children: OptimizerBlockCstChildren;
}

export type OptimizerBlockCstChildren = {
  Optimizer: IToken[];
  Adamw: IToken[];
  LBrace: IToken[];
  optimizerSetting?: OptimizerSettingCstNode[];
  groupDecl?: GroupDeclCstNode[];
  RBrace: IToken[];
};

export interface GroupDeclCstNode extends CstNode {
  name: "groupDecl";
  children: GroupDeclCstChildren;
}

export type GroupDeclCstChildren = {
  Group: IToken[];
  name: IToken[];
  role: IToken[];
  pattern?: (IToken)[];
  Comma?: IToken[];
  LBrace: IToken[];
  optimizerSetting?: OptimizerSettingCstNode[];
  RBrace: IToken[];
};

export interface OptimizerSettingCstNode extends CstNode {
  name: "optimizerSetting";
  children: OptimizerSettingCstChildren;
}

export type OptimizerSettingCstChildren = {
  key?: (IToken)[];
  expression?: (ExpressionCstNode)[];
  None?: IToken[];
};

export interface ModelBlockCstNode extends CstNode {
  name: "modelBlock";
  children: ModelBlockCstChildren;
}

export type ModelBlockCstChildren = {
  Model: IToken[];
  Gpt: IToken[];
  LBrace: IToken[];
  modelSetting?: ModelSettingCstNode[];
  RBrace: IToken[];
};

export interface ModelSettingCstNode extends CstNode {
  name: "modelSetting";
  children: ModelSettingCstChildren;
}

export type ModelSettingCstChildren = {
  key?: (IToken)[];
  expression: ExpressionCstNode[];
};

export interface DataBlockCstNode extends CstNode {
  name: "dataBlock";
  children: DataBlockCstChildren;
}

export type DataBlockCstChildren = {
  Data: IToken[];
  LBrace: IToken[];
  sourceDecl?: SourceDeclCstNode[];
  mixStmt?: MixStmtCstNode[];
  RBrace: IToken[];
};

export interface SourceDeclCstNode extends CstNode {
  name: "sourceDecl";
  children: SourceDeclCstChildren;
}

export type SourceDeclCstChildren = {
  Identifier: IToken[];
  Equals: IToken[];
  kind?: (IToken)[];
  StringLiteral: IToken[];
  Size?: IToken[];
  quantity?: QuantityCstNode[];
};

export interface MixStmtCstNode extends CstNode {
  name: "mixStmt";
  children: MixStmtCstChildren;
}

export type MixStmtCstChildren = {
  Mix: IToken[];
  Temperature?: IToken[];
  expression?: ExpressionCstNode[];
  mixEntry?: (MixEntryCstNode)[];
  Comma?: IToken[];
  Normalised?: IToken[];
};

export interface MixEntryCstNode extends CstNode {
  name: "mixEntry";
  children: MixEntryCstChildren;
}

export type MixEntryCstChildren = {
  Identifier?: IToken[];
  Replay?: IToken[];
  expression: ExpressionCstNode[];
};

export interface ScheduleBlockCstNode extends CstNode {
  name: "scheduleBlock";
  children: ScheduleBlockCstChildren;
}

export type ScheduleBlockCstChildren = {
  Schedule: IToken[];
  quantity?: (IToken)[];
  LBrace: IToken[];
  phaseDecl?: PhaseDeclCstNode[];
  cyclesDecl?: CyclesDeclCstNode[];
  RBrace: IToken[];
};

export interface CyclesDeclCstNode extends CstNode {
  name: "cyclesDecl";
  children: CyclesDeclCstChildren;
}

export type CyclesDeclCstChildren = {
  Cycles: IToken[];
  count: ExpressionCstNode[];
  Mult?: IToken[];
  mult?: ExpressionCstNode[];
  Period?: IToken[];
  quantity?: QuantityCstNode[];
  Over?: IToken[];
  duration?: DurationCstNode[];
  LBrace: IToken[];
  phaseDecl?: PhaseDeclCstNode[];
  RBrace: IToken[];
};

export interface PhaseDeclCstNode extends CstNode {
  name: "phaseDecl";
  children: PhaseDeclCstChildren;
}

export type PhaseDeclCstChildren = {
  kind?: (IToken)[];
  StringLiteral?: IToken[];
  duration: DurationCstNode[];
  phaseOption?: PhaseOptionCstNode[];
  phaseBody?: PhaseBodyCstNode[];
};

export interface DurationCstNode extends CstNode {
  name: "duration";
  children: DurationCstChildren;
}

export type DurationCstChildren = {
  Until?: IToken[];
  quantity?: (QuantityCstNode)[];
  Rest?: IToken[];
};

export interface PhaseOptionCstNode extends CstNode {
  name: "phaseOption";
  children: PhaseOptionCstChildren;
}

export type PhaseOptionCstChildren = {
  shapeSpec?: ShapeSpecCstNode[];
  valueOption?: ValueOptionCstNode[];
  Inclusive?: IToken[];
};

export interface ValueOptionCstNode extends CstNode {
  name: "valueOption";
  children: ValueOptionCstChildren;
}

export type ValueOptionCstChildren = {
  key?: (IToken)[];
  expression: ExpressionCstNode[];
};

export interface ShapeSpecCstNode extends CstNode {
  name: "shapeSpec";
  children: ShapeSpecCstChildren;
}

export type ShapeSpecCstChildren = {
  name?: (IToken)[];
  Timescale?: IToken[];
  timescale?: QuantityCstNode[];
  Power?: IToken[];
  power?: ExpressionCstNode[];
  factor?: ExpressionCstNode[];
  At?: IToken[];
  milestone?: (QuantityCstNode)[];
  Comma?: IToken[];
};

export interface PhaseBodyCstNode extends CstNode {
  name: "phaseBody";
  children: PhaseBodyCstChildren;
}

export type PhaseBodyCstChildren = {
  LBrace: IToken[];
  mixStmt?: MixStmtCstNode[];
  shapedSetting?: ShapedSettingCstNode[];
  checkpointStmt?: CheckpointStmtCstNode[];
  RBrace: IToken[];
};

export interface ShapedSettingCstNode extends CstNode {
  name: "shapedSetting";
  children: ShapedSettingCstChildren;
}

export type ShapedSettingCstChildren = {
  key?: (IToken)[];
  expression?: ExpressionCstNode[];
  shapeSpec?: ShapeSpecCstNode[];
  valueOption?: ValueOptionCstNode[];
};

export interface CheckpointStmtCstNode extends CstNode {
  name: "checkpointStmt";
  children: CheckpointStmtCstChildren;
}

export type CheckpointStmtCstChildren = {
  Checkpoint: IToken[];
  At?: IToken[];
  edge?: (IToken)[];
  quantity?: QuantityCstNode[];
  StringLiteral?: (IToken)[];
  Every?: IToken[];
  every?: QuantityCstNode[];
  averageOf?: AverageOfCstNode[];
};

export interface AverageOfCstNode extends CstNode {
  name: "averageOf";
  children: AverageOfCstChildren;
}

export type AverageOfCstChildren = {
  Average: IToken[];
  name: IToken[];
  Of?: (IToken)[];
  of?: (IToken)[];
  Comma?: IToken[];
  Last?: IToken[];
  count?: ExpressionCstNode[];
  series?: IToken[];
};

export interface QuantityCstNode extends CstNode {
  name: "quantity";
  children: QuantityCstChildren;
}

export type QuantityCstChildren = {
  expression: ExpressionCstNode[];
  unit?: UnitCstNode[];
};

export interface UnitCstNode extends CstNode {
  name: "unit";
  children: UnitCstChildren;
}

export type UnitCstChildren = {
  Steps?: IToken[];
  Tokens?: IToken[];
  Samples?: IToken[];
  Percent?: IToken[];
};

export interface ExpressionCstNode extends CstNode {
  name: "expression";
  children: ExpressionCstChildren;
}

export type ExpressionCstChildren = {
  operand: (ProductCstNode)[];
  operator?: (IToken)[];
};

export interface ProductCstNode extends CstNode {
  name: "product";
  children: ProductCstChildren;
}

export type ProductCstChildren = {
  operand: (UnaryCstNode)[];
  operator?: (IToken)[];
};

export interface UnaryCstNode extends CstNode {
  name: "unary";
  children: UnaryCstChildren;
}

export type UnaryCstChildren = {
  Minus?: IToken[];
  unary?: UnaryCstNode[];
  primary?: PrimaryCstNode[];
};

export interface PrimaryCstNode extends CstNode {
  name: "primary";
  children: PrimaryCstChildren;
}

export type PrimaryCstChildren = {
  NumberLiteral?: IToken[];
  Name?: IToken[];
  LParen?: (IToken)[];
  argument?: (ExpressionCstNode)[];
  Comma?: (IToken)[];
  RParen?: (IToken)[];
  inner?: ExpressionCstNode[];
  Sweep?: IToken[];
  LBracket?: IToken[];
  choice?: (ExpressionCstNode)[];
  RBracket?: IToken[];
};
