/**
 * Documentation generated from the parser itself, so it cannot drift from it: the EBNF of every rule and
 * a self-contained railroad-diagram page (inline SVG, no scripts, no network).
 * @module
 */
import { generateCstDts, type ISerializedGast } from "chevrotain";
import { parser } from "./parser.ts";

type Gast = ISerializedGast & { definition?: Gast[]; name?: string; label?: string; separator?: Gast };

const NAMED_TERMINALS: Record<string, string> = {
  NumberLiteral: "NUMBER",
  StringLiteral: "STRING",
  Identifier: "NAME",
  Name: "NAME",
};

function terminal(node: Gast): string {
  return NAMED_TERMINALS[node.name!] ?? node.label ?? node.name!;
}

function ebnf(nodes: Gast[]): string {
  return nodes.map((node) => {
    const inner = () => ebnf(node.definition ?? []);
    switch (node.type) {
      case "Terminal":
        return terminal(node);
      case "NonTerminal":
        return node.name!;
      case "Alternation":
        return `( ${node.definition!.map((alt) => ebnf(alt.definition ?? [])).join(" | ")} )`;
      case "Option":
        return `[ ${inner()} ]`;
      case "Repetition":
        return `{ ${inner()} }`;
      case "RepetitionMandatory":
        return `${inner()} { ${inner()} }`;
      default:
        return `{ ${inner()} }`;
    }
  }).join(" ");
}

/** The grammar in EBNF, one rule per line: `[ x ]` optional, `{ x }` zero or more, `( a | b )` choice. */
export function grammarEbnf(): string {
  const rules = parser.getSerializedGastProductions() as Gast[];
  const width = Math.max(...rules.map((r) => r.name!.length));
  return rules.map((rule) => `${rule.name!.padEnd(width)} = ${ebnf(rule.definition ?? [])} ;`).join("\n") +
    "\n";
}

/** A laid-out railroad element: entry at (x, y), exit at (x + w, y); it spans y - up to y + down. */
interface Box {
  w: number;
  up: number;
  down: number;
  draw(x: number, y: number): string;
}

const GAP = 10;
const line = (x1: number, y1: number, x2: number, y2: number) => `<path d="M${x1} ${y1}H${x2}V${y2}"/>`;
const escapeXml = (text: string) =>
  text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);

function textBox(text: string, link: string | null): Box {
  const w = text.length * 7.5 + 20;
  return {
    w,
    up: 11,
    down: 11,
    draw: (x, y) => {
      const box =
        `<rect x="${x}" y="${y - 11}" width="${w}" height="22" rx="${link ? 0 : 10}" class="${
          link ? "rule" : "token"
        }"/>` +
        `<text x="${x + w / 2}" y="${y + 4}">${escapeXml(text)}</text>`;
      return link ? `<a href="#${link}">${box}</a>` : box;
    },
  };
}

function sequence(items: Box[]): Box {
  if (!items.length) return { w: 0, up: 0, down: 0, draw: () => "" };
  const w = items.reduce((sum, item) => sum + item.w, 0) + GAP * (items.length - 1);
  return {
    w,
    up: Math.max(...items.map((i) => i.up)),
    down: Math.max(...items.map((i) => i.down)),
    draw: (x, y) => {
      let cx = x;
      return items.map((item, i) => {
        const part = item.draw(cx, y) +
          (i < items.length - 1 ? line(cx + item.w, y, cx + item.w + GAP, y) : "");
        cx += item.w + GAP;
        return part;
      }).join("");
    },
  };
}

function choice(items: Box[]): Box {
  const inner = Math.max(...items.map((i) => i.w));
  const offsets = [0];
  for (let i = 1; i < items.length; i++) offsets.push(offsets[i - 1] + items[i - 1].down + GAP + items[i].up);
  return {
    w: inner + 40,
    up: items[0].up,
    down: offsets.at(-1)! + items.at(-1)!.down,
    draw: (x, y) =>
      items.map((item, i) => {
        const yi = y + offsets[i];
        return `<path d="M${x} ${y}H${x + 10}V${yi}H${x + 20}"/>` + item.draw(x + 20, yi) +
          `<path d="M${x + 20 + item.w} ${yi}H${x + inner + 30}V${y}H${x + inner + 40}"/>`;
      }).join(""),
  };
}

function oneOrMore(item: Box): Box {
  return {
    w: item.w + 20,
    up: item.up,
    down: item.down + GAP,
    draw: (x, y) => {
      const yl = y + item.down + GAP - 2;
      return line(x, y, x + 10, y) + item.draw(x + 10, y) + line(x + 10 + item.w, y, x + item.w + 20, y) +
        `<path d="M${x + item.w + 15} ${y}V${yl}H${x + 5}V${y}" class="loop"/>`;
    },
  };
}

function layout(nodes: Gast[]): Box {
  return sequence(nodes.map((node): Box => {
    const inner = () => layout(node.definition ?? []);
    switch (node.type) {
      case "Terminal":
        return textBox(terminal(node).replace(/^"(.+)"$/, "$1"), null);
      case "NonTerminal":
        return textBox(node.name!, node.name!);
      case "Alternation":
        return choice(node.definition!.map((alt) => layout(alt.definition ?? [])));
      case "Option":
        return choice([sequence([]), inner()]);
      case "RepetitionMandatory":
        return oneOrMore(inner());
      default:
        return choice([sequence([]), oneOrMore(inner())]);
    }
  }));
}

function diagram(rule: Gast): string {
  const body = layout(rule.definition ?? []);
  const width = body.w + 60;
  const height = body.up + body.down + 24;
  const y = body.up + 12;
  return `<svg class="railroad" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<path d="M10 ${y - 8}V${y + 8}M10 ${y}H30"/>${body.draw(30, y)}` +
    `<path d="M${30 + body.w} ${y}H${width - 10}M${width - 10} ${y - 8}V${y + 8}"/></svg>`;
}

/** Replaces the text between `<!-- ebnf:start -->` and `<!-- ebnf:end -->` with the current EBNF. */
export function withEbnf(readme: string): string {
  return readme.replace(
    /(<!-- ebnf:start -->\n)[\s\S]*?(<!-- ebnf:end -->)/,
    `$1\n\`\`\`ebnf\n${grammarEbnf()}\`\`\`\n\n$2`,
  );
}

/** The railroad-diagram page: one diagram per rule, rule names linked, everything inline. */
export function diagramsHtml(): string {
  const rules = parser.getSerializedGastProductions() as Gast[];
  const sections = rules.map((rule) =>
    `<section id="${rule.name}"><h2>${rule.name}</h2>\n${diagram(rule)}\n<pre>${
      escapeXml(ebnf(rule.definition ?? []))
    }</pre></section>`
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Recipe grammar: railroad diagrams</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #222 }
svg.railroad path { fill: none; stroke: #333; stroke-width: 1.5 }
svg.railroad path.loop { stroke: #777 }
svg.railroad rect.token { fill: #e8f4ff; stroke: #333 }
svg.railroad rect.rule { fill: #fff8e0; stroke: #333 }
svg.railroad text { font: 12px monospace; text-anchor: middle }
svg.railroad a text { fill: #0645ad }
pre { color: #555; white-space: pre-wrap }
</style></head><body>
<h1>Recipe grammar</h1>
<p>Generated from grammar/parser.ts by <code>deno task fixtures</code>. Rounded boxes are tokens, square boxes are rules (click to jump).</p>
${sections.join("\n")}
</body></html>
`;
}

/**
 * grammar/cst.ts: the TypeScript types of the parser's concrete syntax tree, one interface per rule with
 * its children by name, so that the CST -> AST step is type-checked against the grammar.
 *
 * @example
 * ```ts
 * import { cstTypes } from "./docs.ts";
 * console.assert(cstTypes().includes("export interface RecipeDeclCstNode extends CstNode {"));
 * ```
 */
export function cstTypes(): string {
  const body = generateCstDts(parser.getGAstProductions(), { includeVisitorInterface: false })
    .replace(/^import type \{ CstNode, ICstVisitor, IToken \} from "chevrotain";\n/, "");
  return [
    "/**",
    " * The parser's concrete syntax tree, one interface per rule. Generated from grammar/parser.ts by",
    " * `deno task fixtures` (grammar/docs.ts `cstTypes`); do not edit. tests/grammar_test.ts checks it is current.",
    " * @module",
    " */",
    "// deno-fmt-ignore-file",
    'import type { CstNode, IToken } from "chevrotain";',
    body.trimEnd(),
    "",
  ].join("\n");
}
