/**
 * CST -> AST: turns chevrotain's concrete syntax tree into the typed AST of ast.ts, with a span on every
 * node. Runs only on trees without syntax errors. Duplicates that the grammar allows (two budgets, two
 * `from` options) are reported here, because only here is it known which node came first.
 * @module
 */
import type { IToken } from "chevrotain";
import type * as C from "../../grammar/cst.ts";
import type * as A from "./ast.ts";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.ts";
import type { SourceText } from "../diagnostics/source_text.ts";

/** The children of one name: present in the CST only when the rule matched them. */
const all = <T>(children: T[] | undefined): T[] => children ?? [];
/** The first child of a name, when the rule matched it. */
const first = <T>(children: T[] | undefined): T | undefined => children?.[0];

function tokenSpan(t: IToken): A.Span {
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}
function nodeSpan(node: { location?: { startOffset: number; endOffset?: number } }): A.Span {
  const loc = node.location!;
  return { start: loc.startOffset, end: (loc.endOffset ?? loc.startOffset) + 1 };
}

const MAGNITUDE: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 };

/** The value of a number literal such as `3e-3`, `20M`, `0.1x`. */
export function numberValue(image: string): { value: number; relative: boolean } {
  const relative = image.endsWith("x");
  const body = relative ? image.slice(0, -1) : image;
  const scale = MAGNITUDE[body.at(-1)!] ?? 1;
  return { value: Number(scale === 1 ? body : body.slice(0, -1)) * scale, relative };
}

/** The value of a string literal, escapes resolved. */
export function stringValue(image: string): string {
  return image.slice(1, -1).replace(
    /\\(.)/g,
    (_, c: string) => ({ n: "\n", t: "\t" } as Record<string, string>)[c] ?? c,
  );
}

/** A recipe followed by its branches, theirs after each (depth first). */
function withBranches(recipe: A.RecipeDecl): A.RecipeDecl[] {
  return [recipe, ...recipe.branches.flatMap(withBranches)];
}

/** `checkpoint` statements split into averages (`checkpoint average ...`) and the others. */
function splitAverages(
  nodes: C.CheckpointStmtCstNode[],
): [C.CheckpointStmtCstNode[], C.CheckpointStmtCstNode[]] {
  const isAverage = (n: C.CheckpointStmtCstNode) => n.children.averageOf !== undefined;
  return [nodes.filter(isAverage), nodes.filter((n) => !isAverage(n))];
}

/** Builds the AST of one file, reporting duplicates into `diagnostics`. */
export function toAst(cst: C.FileCstNode, source: SourceText, diagnostics: Diagnostic[]): A.FileAst {
  return new AstBuilder(source, diagnostics).file(cst);
}

/** Builds the AST of one file from its CST, reporting duplicates into `diagnostics`. */
class AstBuilder {
  constructor(readonly source: SourceText, readonly diagnostics: Diagnostic[]) {}

  duplicate(span: A.Span, what: string): void {
    this.diagnostics.push(
      diagnostic("R0004", this.source, span, `${what} is given twice`, "remove one of them"),
    );
  }

  expression(node: C.ExpressionCstNode): A.Expr {
    return this.binaryChain(node.children.operand, all(node.children.operator), (n) => this.product(n));
  }
  product(node: C.ProductCstNode): A.Expr {
    return this.binaryChain(node.children.operand, all(node.children.operator), (n) => this.unary(n));
  }
  binaryChain<N>(operandNodes: N[], operators: IToken[], operand: (n: N) => A.Expr): A.Expr {
    const operands = operandNodes.map(operand);
    let result = operands[0];
    operators.forEach((op, i) => {
      const right = operands[i + 1];
      result = {
        kind: "binary",
        op: op.image as A.BinaryExpr["op"],
        left: result,
        right,
        span: { start: result.span.start, end: right.span.end },
      };
    });
    return result;
  }
  unary(node: C.UnaryCstNode): A.Expr {
    const inner = first(node.children.unary);
    if (inner) return { kind: "neg", operand: this.unary(inner), span: nodeSpan(node) };
    return this.primary(first(node.children.primary)!);
  }
  primary(node: C.PrimaryCstNode): A.Expr {
    const span = nodeSpan(node);
    const c = node.children;
    const num = first(c.NumberLiteral);
    if (num) return { kind: "number", ...numberValue(num.image), span };
    const id = first(c.Name);
    if (id) {
      if (!c.LParen) return { kind: "name", name: id.image, span };
      return {
        kind: "call",
        callee: id.image,
        calleeSpan: tokenSpan(id),
        args: all(c.argument).map((n) => this.expression(n)),
        span,
      };
    }
    const inner = first(c.inner);
    if (inner) return this.expression(inner);
    return { kind: "sweep", choices: all(c.choice).map((n) => this.expression(n)), span };
  }
  unitOf(node: C.UnitCstNode | undefined): A.Unit | null {
    if (!node) return null;
    const c = node.children;
    return (first(c.Steps) ?? first(c.Tokens) ?? first(c.Samples) ?? first(c.Percent))!.image as A.Unit;
  }
  quantity(node: C.QuantityCstNode): A.Quantity {
    return {
      expr: this.expression(node.children.expression[0]),
      unit: this.unitOf(first(node.children.unit)),
      span: nodeSpan(node),
    };
  }
  duration(node: C.DurationCstNode): A.Duration {
    const span = nodeSpan(node);
    if (node.children.Rest) return { kind: "rest", span };
    return {
      kind: node.children.Until ? "until" : "for",
      quantity: this.quantity(first(node.children.quantity)!),
      span,
    };
  }
  shapeSpec(node: C.ShapeSpecCstNode): A.ShapeSpec {
    const c = node.children;
    const name = first(c.name)!.image as A.ShapeKeyword;
    const spec: A.ShapeSpec = { name, span: nodeSpan(node) };
    const timescale = first(c.timescale);
    if (timescale) spec.timescale = this.quantity(timescale);
    const power = first(c.power);
    if (power) spec.power = this.expression(power);
    const factor = first(c.factor);
    if (factor) spec.factor = this.expression(factor);
    if (name === "step") spec.milestones = all(c.milestone).map((n) => this.quantity(n));
    return spec;
  }
  valueOption(node: C.ValueOptionCstNode): A.ValueOption {
    return {
      key: first(node.children.key)!.image as A.ValueOption["key"],
      expr: this.expression(node.children.expression[0]),
      span: nodeSpan(node),
    };
  }
  uniqueOptions(options: A.ValueOption[]): A.ValueOption[] {
    const seen = new Set<string>();
    for (const option of options) {
      if (seen.has(option.key)) this.duplicate(option.span, `"${option.key}"`);
      seen.add(option.key);
    }
    return options;
  }
  mixEntry(entry: C.MixEntryCstNode): A.MixEntry {
    const replay = first(entry.children.Replay);
    const name = replay ?? first(entry.children.Identifier)!;
    return {
      name: name.image,
      replay: replay !== undefined,
      weight: this.expression(entry.children.expression[0]),
      nameSpan: tokenSpan(name),
      span: nodeSpan(entry),
    };
  }
  mixStmt(node: C.MixStmtCstNode): A.MixStmt {
    const temperature = first(node.children.expression);
    return {
      entries: all(node.children.mixEntry).map((n) => this.mixEntry(n)),
      temperature: temperature ? this.expression(temperature) : null,
      normalised: node.children.Normalised !== undefined,
      span: nodeSpan(node),
    };
  }
  checkpointStmt(node: C.CheckpointStmtCstNode): A.CheckpointStmt {
    const c = node.children;
    const edge = first(c.edge);
    const at = first(c.quantity);
    const every = first(c.every);
    const name = first(c.StringLiteral);
    return {
      at: edge ? (edge.image as "start" | "end") : at ? this.quantity(at) : null,
      every: every ? this.quantity(every) : null,
      name: name ? stringValue(name.image) : null,
      span: nodeSpan(node),
    };
  }
  averageStmt(stmt: C.CheckpointStmtCstNode): A.AverageStmt {
    const node = stmt.children.averageOf![0];
    const name = node.children.name[0];
    return {
      name: stringValue(name.image),
      nameSpan: tokenSpan(name),
      of: all(node.children.of).map((t) => ({ name: stringValue(t.image), span: tokenSpan(t) })),
      last: node.children.count
        ? {
          count: this.expression(node.children.count[0]),
          series: stringValue(node.children.series![0].image),
          seriesSpan: tokenSpan(node.children.series![0]),
        }
        : null,
      span: nodeSpan(stmt),
    };
  }
  emaStmt(node: C.EmaStmtCstNode): A.EmaStmt {
    const name = node.children.name[0];
    const start = first(node.children.start);
    return {
      name: stringValue(name.image),
      nameSpan: tokenSpan(name),
      decay: this.expression(node.children.decay[0]),
      start: start ? this.quantity(start) : null,
      span: nodeSpan(node),
    };
  }
  shapedSetting(node: C.ShapedSettingCstNode): A.ShapedSetting {
    const value = first(node.children.expression);
    const shape = first(node.children.shapeSpec);
    return {
      key: first(node.children.key)!.image as A.ShapedSetting["key"],
      value: value ? this.expression(value) : null,
      shape: shape ? this.shapeSpec(shape) : null,
      options: this.uniqueOptions(all(node.children.valueOption).map((n) => this.valueOption(n))),
      span: nodeSpan(node),
    };
  }
  phaseOptions(phase: A.PhaseDecl, options: C.PhaseOptionCstNode[]): void {
    for (const option of options) {
      const shape = first(option.children.shapeSpec);
      const value = first(option.children.valueOption);
      if (shape) {
        if (phase.shape) this.duplicate(nodeSpan(shape), "A shape");
        phase.shape = this.shapeSpec(shape);
      } else if (value) phase.options.push(this.valueOption(value));
      else {
        if (phase.inclusive) this.duplicate(nodeSpan(option), `"inclusive"`);
        phase.inclusive = true;
      }
    }
    this.uniqueOptions(phase.options);
  }
  phaseBody(phase: A.PhaseDecl, body: C.PhaseBodyCstNode): void {
    phase.mixes = all(body.children.mixStmt).map((n) => this.mixStmt(n));
    phase.settings = all(body.children.shapedSetting).map((n) => this.shapedSetting(n));
    const [averages, checkpoints] = splitAverages(all(body.children.checkpointStmt));
    phase.checkpoints = checkpoints.map((n) => this.checkpointStmt(n));
    for (const n of averages) {
      this.diagnostics.push(
        diagnostic(
          "R0037",
          this.source,
          nodeSpan(n),
          "An average is written at recipe level, not inside a phase",
          "move the `checkpoint average` line out of the phase, into the recipe",
        ),
      );
    }
    phase.mixes.slice(1).forEach((m) => this.duplicate(m.span, "A mixture for this phase"));
    const keys = new Set<string>();
    for (const setting of phase.settings) {
      if (keys.has(setting.key)) this.duplicate(setting.span, `"${setting.key}"`);
      keys.add(setting.key);
    }
  }
  phaseDecl(node: C.PhaseDeclCstNode): A.PhaseDecl {
    const kind = first(node.children.kind)!;
    const name = first(node.children.StringLiteral);
    const phase: A.PhaseDecl = {
      kind: "phase",
      keyword: kind.image as A.PhaseKeyword,
      name: name ? stringValue(name.image) : null,
      duration: this.duration(node.children.duration[0]),
      shape: null,
      options: [],
      inclusive: false,
      mixes: [],
      settings: [],
      checkpoints: [],
      keywordSpan: tokenSpan(kind),
      span: nodeSpan(node),
    };
    this.phaseOptions(phase, all(node.children.phaseOption));
    const body = first(node.children.phaseBody);
    if (body) this.phaseBody(phase, body);
    return phase;
  }
  cyclesDecl(node: C.CyclesDeclCstNode): A.CyclesDecl {
    const c = node.children;
    const period = first(c.quantity);
    const over = first(c.duration);
    const mult = first(c.mult);
    return {
      kind: "cycles",
      count: this.expression(c.count[0]),
      mult: mult ? this.expression(mult) : null,
      period: period ? this.quantity(period) : null,
      over: over ? this.duration(over) : null,
      phases: all(c.phaseDecl).map((n) => this.phaseDecl(n)),
      span: nodeSpan(node),
    };
  }
  settings(items: (C.OptimizerSettingCstNode | C.ModelSettingCstNode)[]): A.Setting[] {
    const seen = new Set<string>();
    return items.map((item) => {
      const key = first(item.children.key)!;
      if (seen.has(key.image)) this.duplicate(nodeSpan(item), `"${key.image}"`);
      seen.add(key.image);
      return {
        key: key.image,
        args: all(item.children.expression).map((n) => this.expression(n)),
        keySpan: tokenSpan(key),
        span: nodeSpan(item),
      };
    });
  }
  groupDecl(node: C.GroupDeclCstNode): A.GroupDecl {
    const c = node.children;
    const role = c.role[0];
    return {
      name: stringValue(c.name[0].image),
      nameSpan: tokenSpan(c.name[0]),
      role: role.image,
      roleSpan: tokenSpan(role),
      patterns: all(c.pattern).map((p) => stringValue(p.image)),
      settings: this.settings(all(c.optimizerSetting)),
      span: nodeSpan(node),
    };
  }
  letDecl(node: C.LetDeclCstNode): A.LetDecl {
    const name = node.children.Name[0];
    return {
      name: name.image,
      value: this.expression(node.children.expression[0]),
      nameSpan: tokenSpan(name),
      span: nodeSpan(node),
    };
  }
  once<N extends { location?: { startOffset: number } }, T>(
    items: N[],
    what: string,
    build: (n: N) => T,
  ): T | null {
    items.slice(1).forEach((n) => this.duplicate(nodeSpan(n), what));
    return items.length ? build(items[0]) : null;
  }
  batchStmt(n: C.BatchStmtCstNode): A.BatchStmt {
    const context = first(n.children.context);
    return {
      size: this.expression(n.children.size[0]),
      context: context ? this.expression(context) : null,
      unit: this.unitOf(first(n.children.unit)),
      span: nodeSpan(n),
    };
  }
  sourceDecl(s: C.SourceDeclCstNode): A.SourceDecl {
    const id = s.children.Identifier[0];
    const size = first(s.children.quantity);
    return {
      name: id.image,
      kind: first(s.children.kind)!.image as A.SourceDecl["kind"],
      uri: stringValue(s.children.StringLiteral[0].image),
      size: size ? this.quantity(size) : null,
      nameSpan: tokenSpan(id),
      span: nodeSpan(s),
    };
  }
  /** The `schedule <quantity> { ... }` blocks, one per quantity. */
  timelines(blocks: C.ScheduleBlockCstNode[]): A.TimelineDecl[] {
    const seen = new Set<string>();
    return blocks.flatMap((n) => {
      const quantity = n.children.quantity![0];
      if (seen.has(quantity.image)) {
        this.duplicate(nodeSpan(n), `The schedule of ${quantity.image}`);
        return [];
      }
      seen.add(quantity.image);
      return [{
        quantity: quantity.image as A.TimelineQuantity,
        quantitySpan: tokenSpan(quantity),
        items: this.schedule(n),
        span: nodeSpan(n),
      }];
    });
  }
  schedule(n: C.ScheduleBlockCstNode): (A.PhaseDecl | A.CyclesDecl)[] {
    const items: (C.PhaseDeclCstNode | C.CyclesDeclCstNode)[] = [
      ...all(n.children.phaseDecl),
      ...all(n.children.cyclesDecl),
    ];
    return items.sort((a, b) => a.location!.startOffset - b.location!.startOffset)
      .map((c) => (c.name === "phaseDecl" ? this.phaseDecl(c) : this.cyclesDecl(c)));
  }
  recipeDecl(node: C.RecipeDeclCstNode): A.RecipeDecl {
    const c = node.children;
    const name = c.name[0];
    const parentName = first(c.parent) ?? first(c.base);
    const checkpoint = first(c.checkpoint);
    const parent: A.ParentRef | null = parentName
      ? {
        kind: checkpoint ? "from" : "extends",
        recipe: stringValue(parentName.image),
        checkpoint: checkpoint ? stringValue(checkpoint.image) : null,
        span: { start: tokenSpan(parentName).start, end: tokenSpan(checkpoint ?? parentName).end },
      }
      : null;
    return this.recipeBody(node, { name: stringValue(name.image), nameSpan: tokenSpan(name), parent });
  }
  /** `branch "b" at "ckpt" { ... }` inside recipe `outer`: the recipe `outer.b`, `from` outer at ckpt. */
  branchDecl(node: C.BranchDeclCstNode, outer: string): A.RecipeDecl {
    const name = node.children.name[0];
    const checkpoint = node.children.checkpoint[0];
    const branch = stringValue(name.image);
    return this.recipeBody(node, {
      name: `${outer}.${branch}`,
      nameSpan: tokenSpan(name),
      parent: {
        kind: "from",
        recipe: outer,
        checkpoint: stringValue(checkpoint.image),
        span: tokenSpan(checkpoint),
      },
      branchOf: { recipe: outer, name: branch },
    });
  }
  /** The branches declared among `items` of recipe `outer`; a name given twice is R0004. */
  branches(items: C.RecipeItemCstChildren[], outer: string): A.RecipeDecl[] {
    const seen = new Set<string>();
    return items.flatMap((item) => all(item.branchDecl)).flatMap((n) => {
      const branch = this.branchDecl(n, outer);
      if (!seen.has(branch.branchOf!.name)) {
        seen.add(branch.branchOf!.name);
        return [branch];
      }
      this.diagnostics.push(
        diagnostic(
          "R0004",
          this.source,
          branch.nameSpan,
          `Recipe "${outer}" declares branch "${branch.branchOf!.name}" twice`,
          "give each branch its own name",
        ),
      );
      return [];
    });
  }
  /** The items of a recipe or branch body, with what its header says (`head`). */
  recipeBody(
    node: C.RecipeDeclCstNode | C.BranchDeclCstNode,
    head: Pick<A.RecipeDecl, "name" | "nameSpan" | "parent"> & { branchOf?: A.BranchOf },
  ): A.RecipeDecl {
    const items = all(node.children.recipeItem).map((item) => item.children);
    const data = items.flatMap((item) => all(item.dataBlock));
    const optimizer = items.flatMap((item) => all(item.optimizerBlock));
    const [averages, checkpoints] = splitAverages(items.flatMap((item) => all(item.checkpointStmt)));
    data.slice(1).forEach((d) => this.duplicate(nodeSpan(d), "The data block"));
    return {
      ...head,
      branchOf: head.branchOf ?? null,
      lets: items.flatMap((item) => all(item.letDecl)).map((n) => this.letDecl(n)),
      budget: this.once(
        items.flatMap((item) => all(item.budgetStmt)),
        "The budget",
        (n) => this.quantity(n.children.quantity[0]),
      ),
      batch: this.once(items.flatMap((item) => all(item.batchStmt)), "The batch", (n) => this.batchStmt(n)),
      optimizer: this.once(
        optimizer,
        "The optimizer block",
        (n) => this.settings(all(n.children.optimizerSetting)),
      ),
      groups: all(optimizer[0]?.children.groupDecl).map((n) => this.groupDecl(n)),
      model: this.once(
        items.flatMap((item) => all(item.modelBlock)),
        "The model block",
        (n) => this.settings(all(n.children.modelSetting)),
      ),
      sources: data.flatMap((d) => all(d.children.sourceDecl).map((n) => this.sourceDecl(n))),
      mixes: data.flatMap((d) => all(d.children.mixStmt).map((n) => this.mixStmt(n))),
      schedule: this.once(
        items.flatMap((item) => all(item.scheduleBlock)).filter((n) => !n.children.quantity),
        "The schedule block",
        (n) => this.schedule(n),
      ),
      timelines: this.timelines(
        items.flatMap((item) => all(item.scheduleBlock)).filter((n) => n.children.quantity),
      ),
      checkpoints: checkpoints.map((n) => this.checkpointStmt(n)),
      averages: averages.map((n) => this.averageStmt(n)),
      ema: this.once(items.flatMap((item) => all(item.emaStmt)), "The ema statement", (n) => this.emaStmt(n)),
      branches: this.branches(items, head.name),
      span: nodeSpan(node),
    };
  }

  file(cst: C.FileCstNode): A.FileAst {
    return {
      path: this.source.path,
      text: this.source.text,
      imports: all(cst.children.importDecl).map((n) => ({
        path: stringValue(n.children.StringLiteral[0].image),
        span: nodeSpan(n),
      })),
      lets: all(cst.children.letDecl).map((n) => this.letDecl(n)),
      recipes: all(cst.children.recipeDecl).flatMap((n) => withBranches(this.recipeDecl(n))),
    };
  }
}
