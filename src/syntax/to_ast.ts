/**
 * CST -> AST: turns chevrotain's concrete syntax tree into the typed AST of ast.ts, with a span on every
 * node. Runs only on trees without syntax errors. Duplicates that the grammar allows (two budgets, two
 * `from` options) are reported here, because only here is it known which node came first.
 * @module
 */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.ts";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.ts";
import type { SourceText } from "../diagnostics/source_text.ts";

type Child = CstNode | IToken;

function isToken(child: Child): child is IToken {
  return "image" in child;
}
function tokens(node: CstNode, key: string): IToken[] {
  return (node.children[key] ?? []).filter(isToken);
}
function token(node: CstNode, key: string): IToken | undefined {
  return tokens(node, key)[0];
}
function nodes(node: CstNode, key: string): CstNode[] {
  return (node.children[key] ?? []).filter((c): c is CstNode => !isToken(c));
}
function child(node: CstNode, key: string): CstNode | undefined {
  return nodes(node, key)[0];
}
function tokenSpan(t: IToken): A.Span {
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}
function nodeSpan(node: CstNode): A.Span {
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

/** Builds the AST of one file, reporting duplicates into `diagnostics`. */
export function toAst(cst: CstNode, source: SourceText, diagnostics: Diagnostic[]): A.FileAst {
  const duplicate = (span: A.Span, what: string) =>
    diagnostics.push(diagnostic("R0004", source, span, `${what} is given twice`, "remove one of them"));

  function expression(node: CstNode): A.Expr {
    return binaryChain(node, product);
  }
  function product(node: CstNode): A.Expr {
    return binaryChain(node, unary);
  }
  function binaryChain(node: CstNode, operand: (n: CstNode) => A.Expr): A.Expr {
    const operands = nodes(node, "operand").map(operand);
    const operators = tokens(node, "operator");
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
  function unary(node: CstNode): A.Expr {
    const inner = child(node, "unary");
    if (inner) return { kind: "neg", operand: unary(inner), span: nodeSpan(node) };
    return primary(child(node, "primary")!);
  }
  function primary(node: CstNode): A.Expr {
    const span = nodeSpan(node);
    const num = token(node, "NumberLiteral");
    if (num) return { kind: "number", ...numberValue(num.image), span };
    const id = token(node, "Identifier");
    if (id) {
      if (!token(node, "LParen")) return { kind: "name", name: id.image, span };
      return {
        kind: "call",
        callee: id.image,
        calleeSpan: tokenSpan(id),
        args: nodes(node, "argument").map(expression),
        span,
      };
    }
    const inner = child(node, "inner");
    if (inner) return expression(inner);
    return { kind: "sweep", choices: nodes(node, "choice").map(expression), span };
  }
  function unitOf(node: CstNode | undefined): A.Unit | null {
    if (!node) return null;
    const t = Object.values(node.children).flat()[0] as IToken;
    return t.image as A.Unit;
  }
  function quantity(node: CstNode): A.Quantity {
    return {
      expr: expression(child(node, "expression")!),
      unit: unitOf(child(node, "unit")),
      span: nodeSpan(node),
    };
  }
  function duration(node: CstNode): A.Duration {
    const span = nodeSpan(node);
    if (token(node, "Rest")) return { kind: "rest", span };
    return {
      kind: token(node, "Until") ? "until" : "for",
      quantity: quantity(child(node, "quantity")!),
      span,
    };
  }
  function shapeSpec(node: CstNode): A.ShapeSpec {
    const name = token(node, "name")!.image as A.ShapeKeyword;
    const spec: A.ShapeSpec = { name, span: nodeSpan(node) };
    const timescale = child(node, "timescale");
    if (timescale) spec.timescale = quantity(timescale);
    const power = child(node, "power");
    if (power) spec.power = expression(power);
    const factor = child(node, "factor");
    if (factor) spec.factor = expression(factor);
    if (name === "step") spec.milestones = nodes(node, "milestone").map(quantity);
    return spec;
  }
  function valueOption(node: CstNode): A.ValueOption {
    return {
      key: token(node, "key")!.image as A.ValueOption["key"],
      expr: expression(child(node, "expression")!),
      span: nodeSpan(node),
    };
  }
  function uniqueOptions(options: A.ValueOption[]): A.ValueOption[] {
    const seen = new Set<string>();
    for (const option of options) {
      if (seen.has(option.key)) duplicate(option.span, `"${option.key}"`);
      seen.add(option.key);
    }
    return options;
  }
  function mixStmt(node: CstNode): A.MixStmt {
    const temperature = child(node, "expression");
    const entries = nodes(node, "mixEntry").map((entry): A.MixEntry => {
      const name = token(entry, "Identifier") ?? token(entry, "Replay")!;
      return {
        name: name.image,
        replay: name.tokenType.name === "Replay",
        weight: expression(child(entry, "expression")!),
        nameSpan: tokenSpan(name),
        span: nodeSpan(entry),
      };
    });
    return {
      entries,
      temperature: temperature ? expression(temperature) : null,
      normalised: token(node, "Normalised") !== undefined,
      span: nodeSpan(node),
    };
  }
  function checkpointStmt(node: CstNode): A.CheckpointStmt {
    const edge = token(node, "edge");
    const at = child(node, "quantity");
    const every = child(node, "every");
    const name = token(node, "StringLiteral");
    return {
      at: edge ? (edge.image as "start" | "end") : at ? quantity(at) : null,
      every: every ? quantity(every) : null,
      name: name ? stringValue(name.image) : null,
      span: nodeSpan(node),
    };
  }
  function shapedSetting(node: CstNode): A.ShapedSetting {
    const value = child(node, "expression");
    const shape = child(node, "shapeSpec");
    return {
      key: token(node, "key")!.image as A.ShapedSetting["key"],
      value: value ? expression(value) : null,
      shape: shape ? shapeSpec(shape) : null,
      options: uniqueOptions(nodes(node, "valueOption").map(valueOption)),
      span: nodeSpan(node),
    };
  }
  function phaseDecl(node: CstNode): A.PhaseDecl {
    const kind = token(node, "kind")!;
    const phase: A.PhaseDecl = {
      kind: "phase",
      keyword: kind.image as A.PhaseKeyword,
      name: token(node, "StringLiteral") ? stringValue(token(node, "StringLiteral")!.image) : null,
      duration: duration(child(node, "duration")!),
      shape: null,
      options: [],
      inclusive: false,
      mixes: [],
      settings: [],
      checkpoints: [],
      keywordSpan: tokenSpan(kind),
      span: nodeSpan(node),
    };
    for (const option of nodes(node, "phaseOption")) {
      const shape = child(option, "shapeSpec");
      const value = child(option, "valueOption");
      if (shape) {
        if (phase.shape) duplicate(nodeSpan(shape), "A shape");
        phase.shape = shapeSpec(shape);
      } else if (value) phase.options.push(valueOption(value));
      else {
        if (phase.inclusive) duplicate(nodeSpan(option), `"inclusive"`);
        phase.inclusive = true;
      }
    }
    uniqueOptions(phase.options);
    const body = child(node, "phaseBody");
    if (body) {
      phase.mixes = nodes(body, "mixStmt").map(mixStmt);
      phase.settings = nodes(body, "shapedSetting").map(shapedSetting);
      phase.checkpoints = nodes(body, "checkpointStmt").map(checkpointStmt);
      phase.mixes.slice(1).forEach((m) => duplicate(m.span, "A mixture for this phase"));
      const keys = new Set<string>();
      for (const setting of phase.settings) {
        if (keys.has(setting.key)) duplicate(setting.span, `"${setting.key}"`);
        keys.add(setting.key);
      }
    }
    return phase;
  }
  function cyclesDecl(node: CstNode): A.CyclesDecl {
    const period = child(node, "quantity");
    const over = child(node, "duration");
    const mult = child(node, "mult");
    return {
      kind: "cycles",
      count: expression(child(node, "count")!),
      mult: mult ? expression(mult) : null,
      period: period ? quantity(period) : null,
      over: over ? duration(over) : null,
      phases: nodes(node, "phaseDecl").map(phaseDecl),
      span: nodeSpan(node),
    };
  }
  function settings(items: CstNode[]): A.Setting[] {
    const seen = new Set<string>();
    return items.map((item) => {
      const key = token(item, "key")!;
      if (seen.has(key.image)) duplicate(nodeSpan(item), `"${key.image}"`);
      seen.add(key.image);
      return {
        key: key.image,
        args: nodes(item, "expression").map(expression),
        keySpan: tokenSpan(key),
        span: nodeSpan(item),
      };
    });
  }
  function letDecl(node: CstNode): A.LetDecl {
    const name = token(node, "Identifier")!;
    return {
      name: name.image,
      value: expression(child(node, "expression")!),
      nameSpan: tokenSpan(name),
      span: nodeSpan(node),
    };
  }
  function once<T>(items: CstNode[], what: string, build: (n: CstNode) => T): T | null {
    items.slice(1).forEach((n) => duplicate(nodeSpan(n), what));
    return items.length ? build(items[0]) : null;
  }
  function recipeDecl(node: CstNode): A.RecipeDecl {
    const name = token(node, "name")!;
    const parentName = token(node, "parent") ?? token(node, "base");
    const checkpoint = token(node, "checkpoint");
    const items = nodes(node, "recipeItem");
    const all = (key: string) => items.flatMap((item) => nodes(item, key));
    const data = all("dataBlock");
    data.slice(1).forEach((d) => duplicate(nodeSpan(d), "The data block"));
    return {
      name: stringValue(name.image),
      nameSpan: tokenSpan(name),
      parent: parentName
        ? {
          kind: checkpoint ? "from" : "extends",
          recipe: stringValue(parentName.image),
          checkpoint: checkpoint ? stringValue(checkpoint.image) : null,
          span: { start: tokenSpan(parentName).start, end: tokenSpan(checkpoint ?? parentName).end },
        }
        : null,
      lets: all("letDecl").map(letDecl),
      budget: once(all("budgetStmt"), "The budget", (n) => quantity(child(n, "quantity")!)),
      batch: once(all("batchStmt"), "The batch", (n) => {
        const context = child(n, "context");
        return {
          size: expression(child(n, "size")!),
          context: context ? expression(context) : null,
          unit: unitOf(child(n, "unit")),
          span: nodeSpan(n),
        };
      }),
      optimizer: once(
        all("optimizerBlock"),
        "The optimizer block",
        (n) => settings(nodes(n, "optimizerSetting")),
      ),
      model: once(all("modelBlock"), "The model block", (n) => settings(nodes(n, "modelSetting"))),
      sources: data.flatMap((d) =>
        nodes(d, "sourceDecl").map((s): A.SourceDecl => {
          const id = token(s, "Identifier")!;
          const size = child(s, "quantity");
          return {
            name: id.image,
            kind: token(s, "kind")!.image as A.SourceDecl["kind"],
            uri: stringValue(token(s, "StringLiteral")!.image),
            size: size ? quantity(size) : null,
            nameSpan: tokenSpan(id),
            span: nodeSpan(s),
          };
        })
      ),
      mixes: data.flatMap((d) => nodes(d, "mixStmt").map(mixStmt)),
      schedule: once(
        all("scheduleBlock"),
        "The schedule block",
        (n) =>
          (n.children.phaseDecl ?? []).concat(n.children.cyclesDecl ?? [])
            .map((c) => c as CstNode)
            .sort((a, b) => a.location!.startOffset - b.location!.startOffset)
            .map((c) => (c.name === "phaseDecl" ? phaseDecl(c) : cyclesDecl(c))),
      ),
      checkpoints: all("checkpointStmt").map(checkpointStmt),
      span: nodeSpan(node),
    };
  }

  return {
    path: source.path,
    text: source.text,
    imports: nodes(cst, "importDecl").map((n) => ({
      path: stringValue(token(n, "StringLiteral")!.image),
      span: nodeSpan(n),
    })),
    lets: nodes(cst, "letDecl").map(letDecl),
    recipes: nodes(cst, "recipeDecl").map(recipeDecl),
  };
}
