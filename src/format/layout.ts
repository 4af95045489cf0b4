/**
 * The formatter's layout: which token starts a line, at which indentation, and the space before every
 * other token, decided by walking the parser's concrete syntax tree.
 * @module
 */
import { type CstElement, type CstNode, type IToken, tokenMatcher } from "chevrotain";
import { Name } from "../../grammar/tokens.ts";
import { hasBlankLine } from "./comments.ts";

/** A token with its place in the formatted text. */
export interface PlacedToken {
  token: IToken;
  /** The spaces before it when it continues a line. */
  gap: string;
  /** True when it starts a line (a statement, or the `}` of a block laid out on lines). */
  lineStart: boolean;
  /** Its indentation (in levels) when it starts a line, forced or not. */
  level: number;
  /** The level of own-line comments just before it (inside a block, before its `}`: one deeper). */
  commentLevel: number;
}

/** The statements of each block; a block lays them out one per line, except the inline ones. */
const ITEMS: Record<string, ReadonlySet<string>> = {
  file: new Set(["importDecl", "letDecl", "recipeDecl"]),
  recipeDecl: new Set(["recipeItem"]),
  branchDecl: new Set(["recipeItem"]),
  dataBlock: new Set(["sourceDecl", "mixStmt"]),
  scheduleBlock: new Set(["phaseDecl", "cyclesDecl"]),
  cyclesDecl: new Set(["phaseDecl"]),
  phaseBody: new Set(["mixStmt", "shapedSetting", "checkpointStmt"]),
  optimizerBlock: new Set(["optimizerSetting", "groupDecl"]),
  groupDecl: new Set(["optimizerSetting"]),
  modelBlock: new Set(["modelSetting"]),
};
/**
 * Blocks written on one line, `{ lr 3e-3  betas 0.9 0.95 }`, unless a comment is inside (or, for the
 * optimizer block, a parameter group: then each setting and group has its line).
 */
const INLINE = new Set(["optimizerBlock", "modelBlock", "groupDecl"]);
/** Blocks whose braces belong to the statement that contains them. */
const BRACED = new Set([
  "recipeDecl",
  "branchDecl",
  "dataBlock",
  "scheduleBlock",
  "cyclesDecl",
  "phaseBody",
  ...INLINE,
]);

const isToken = (element: CstElement): element is IToken => "image" in element;
const startOf = (element: CstElement) =>
  isToken(element) ? element.startOffset : element.location!.startOffset;
const endOf = (element: CstElement) =>
  isToken(element) ? element.startOffset + element.image.length : element.location!.endOffset! + 1;

/** A node's children in source order. */
function ordered(node: CstNode): CstElement[] {
  return Object.values(node.children).flat().sort((a, b) => startOf(a) - startOf(b));
}

const NO_SPACE_AFTER = new Set(["LParen", "LBracket"]);
const NO_SPACE_BEFORE = new Set(["RParen", "RBracket", "Comma", "Percent"]);

class Layout {
  readonly placed: PlacedToken[] = [];
  /** Set for the next token: it starts a line at this level, or continues with this gap. */
  #next: { lineStart: boolean; level: number; gap?: string } | null = null;
  /** The gap before a source's `=`, aligning the `=` of adjacent sources. */
  readonly #aligned = new Map<IToken, string>();
  /** Tokens after which no space comes (a unary minus). */
  readonly #glued = new Set<IToken>();

  constructor(readonly text: string, readonly commentOffsets: readonly number[]) {}

  node(node: CstNode, statementLevel: number): void {
    const rule = node.name;
    const items = ITEMS[rule];
    const lines = items !== undefined &&
      (!INLINE.has(rule) || this.#hasComment(node) || node.children.groupDecl !== undefined);
    const inner = rule === "file" ? 0 : statementLevel + 1;
    if (rule === "dataBlock") this.#alignSources(node);
    let first = true;
    for (const child of ordered(node)) {
      if (!isToken(child)) {
        if (items?.has(child.name)) {
          this.#next = lines
            ? { lineStart: true, level: inner }
            : { lineStart: false, level: 0, gap: first ? " " : "  " };
          first = false;
          this.node(child, lines ? inner : statementLevel);
        } else this.node(child, statementLevel);
        continue;
      }
      if (rule === "unary" && child.tokenType.name === "Minus") this.#glued.add(child);
      const closing = BRACED.has(rule) && child.tokenType.name === "RBrace";
      const empty = closing && this.placed.at(-1)?.token.tokenType.name === "LBrace";
      if (closing && lines && !empty) this.#next = { lineStart: true, level: statementLevel };
      else if (closing) this.#next = { lineStart: false, level: statementLevel, gap: empty ? "" : " " };
      this.#token(child, node, statementLevel, closing ? inner : statementLevel + 1);
    }
  }

  #token(token: IToken, parent: CstNode, statementLevel: number, commentLevel: number): void {
    const next = this.#next;
    this.#next = null;
    const level = next?.lineStart
      ? next.level
      : token.tokenType.name === "RBrace"
      ? statementLevel
      : statementLevel + 1;
    this.placed.push({
      token,
      gap: next?.gap ?? this.#aligned.get(token) ?? this.#gap(token, parent),
      lineStart: next?.lineStart ?? false,
      level,
      commentLevel: next?.lineStart && token.tokenType.name !== "RBrace" ? level : commentLevel,
    });
  }

  #gap(token: IToken, parent: CstNode): string {
    const previous = this.placed.at(-1)?.token;
    if (!previous) return "";
    if (NO_SPACE_AFTER.has(previous.tokenType.name) || this.#glued.has(previous)) return "";
    if (NO_SPACE_BEFORE.has(token.tokenType.name)) return "";
    const call = parent.name === "primary" && token.tokenType.name === "LParen" &&
      tokenMatcher(previous, Name);
    return call ? "" : " ";
  }

  #hasComment(node: CstNode): boolean {
    const start = startOf(node);
    const end = endOf(node);
    return this.commentOffsets.some((offset) => offset > start && offset < end);
  }

  /** Pads the names of adjacent source declarations (no blank line between them) to one width. */
  #alignSources(block: CstNode): void {
    const groups: CstNode[][] = [];
    let previous: CstElement | null = null;
    for (const child of ordered(block)) {
      const source = !isToken(child) && child.name === "sourceDecl";
      const adjacent = previous !== null && !hasBlankLine(this.text, endOf(previous), startOf(child));
      if (source && adjacent && groups.length) groups.at(-1)!.push(child as CstNode);
      else if (source) groups.push([child as CstNode]);
      previous = source ? child : null;
    }
    for (const group of groups) {
      const names = group.map((s) => s.children.Identifier[0] as IToken);
      const width = Math.max(...names.map((n) => n.image.length));
      group.forEach((source, i) => {
        this.#aligned.set(source.children.Equals[0] as IToken, " ".repeat(1 + width - names[i].image.length));
      });
    }
  }
}

/**
 * Every token of the file's concrete syntax tree, in order, with its place in the formatted text.
 * `commentOffsets` are where comments start: a block that holds one is laid out on lines.
 *
 * @example
 * ```ts
 * import type { CstNode } from "chevrotain";
 * import { lexer } from "../../grammar/tokens.ts";
 * import { parser } from "../../grammar/parser.ts";
 * import { layout } from "./layout.ts";
 * parser.input = lexer.tokenize('recipe "r" { budget 10 steps }').tokens;
 * const placed = layout(parser.file() as CstNode, "", []);
 * console.assert(placed.find((p) => p.token.image === "budget")?.lineStart === true);
 * ```
 */
export function layout(cst: CstNode, text: string, commentOffsets: readonly number[]): PlacedToken[] {
  const walk = new Layout(text, commentOffsets);
  walk.node(cst, 0);
  return walk.placed;
}
