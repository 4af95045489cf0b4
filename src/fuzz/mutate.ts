/**
 * Mutators for fuzzing the compiler: each takes recipe text and a random source and returns new text.
 * They are seeded from real recipes, so most inputs get past the lexer and reach deep into the compiler.
 * @module
 */
import type { Random } from "./random.ts";
import { MAX_FILE_BYTES } from "../diagnostics/limits.ts";

/** A mutator: its name (reported with each failure) and what it does. */
export interface Mutator {
  name: string;
  apply(text: string, random: Random, corpus: readonly string[]): string;
}

const TOKEN =
  /\s+|[A-Za-z_][A-Za-z0-9_]*|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[KMBT]?x?|"[^"\n]*"|#[^\n]*|./gs;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[KMBT]?x?/g;

/** Splits text into tokens (whitespace and comments included), so that joining them gives it back. */
export function tokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

const CHARACTERS = [
  "@",
  ";",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  "=",
  "+",
  "-",
  "*",
  "/",
  "%",
  '"',
  "\\",
  "#",
  "x",
  "\n",
  "\r",
  "\t",
  " ",
  "0",
  "1",
  ".",
  "e",
  "K",
  "T",
];
const SPECIAL_NUMBERS = [
  "0",
  "0x",
  "-0",
  "1e308",
  "1.8e308",
  "1e999",
  "1e-320",
  "4.9e-324",
  "1e-400",
  "9007199254740993",
  "2147483648",
  "2147483647",
  "1e12",
  "1T",
  "1e300x",
  "1e-300x",
  "0.0000001",
  "100000000000000000000000",
  "0.5",
  "99.999999999",
  "1e-9",
  "3",
  "1M",
  "1e15",
];
const UNICODE = [
  "\u202E", // right-to-left override
  "\u200F", // right-to-left mark
  "\u200B", // zero-width space
  "\u200D", // zero-width joiner
  "\uFEFF", // byte order mark
  "\uD800", // lone high surrogate
  "\uDC00", // lone low surrogate
  "\u0000", // NUL
  "\u00A0", // no-break space
  "\u2028", // line separator
  "\u0301", // combining accent
  "😀",
  "名前",
  "ｒｅｃｉｐｅ", // fullwidth
];
const KEYWORDS = [
  "recipe",
  "budget",
  "batch",
  "optimizer",
  "adamw",
  "lr",
  "schedule",
  "warmup",
  "stable",
  "decay",
  "cooldown",
  "rewarm",
  "phase",
  "cycles",
  "mult",
  "period",
  "over",
  "rest",
  "until",
  "from",
  "to",
  "at",
  "linear",
  "cosine",
  "exponential",
  "step",
  "inverse-sqrt",
  "1-sqrt",
  "rex",
  "polynomial",
  "power",
  "timescale",
  "mix",
  "replay",
  "temperature",
  "data",
  "corpus",
  "files",
  "dataset",
  "size",
  "checkpoint",
  "every",
  "start",
  "end",
  "let",
  "sweep",
  "import",
  "extends",
  "steps",
  "tokens",
  "samples",
  "x",
  "inclusive",
  "weight_decay",
  "model",
  "gpt",
  "layers",
  "width",
  "heads",
  "context",
  "sqrt",
  "min",
  "max",
];

function at(text: string, random: Random): number {
  return random.int(text.length + 1);
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** Every mutator the fuzzer uses. */
export const MUTATORS: readonly Mutator[] = [
  {
    name: "byte",
    apply(text, random) {
      const i = at(text, random);
      const c = random.pick(CHARACTERS);
      const op = random.int(3);
      return op === 0
        ? splice(text, i, i, c)
        : op === 1
        ? splice(text, i, i + 1, "")
        : splice(text, i, i + 1, c);
    },
  },
  {
    name: "token",
    apply(text, random, corpus) {
      const parts = tokens(text);
      if (!parts.length) return text;
      const i = random.int(parts.length);
      const op = random.int(5);
      if (op === 0) parts.splice(i, 1);
      else if (op === 1) parts.splice(i, 0, parts[i], " ");
      else if (op === 2) parts[i] = random.pick(KEYWORDS);
      else if (op === 3) {
        const j = random.int(parts.length);
        [parts[i], parts[j]] = [parts[j], parts[i]];
      } else {
        const other = tokens(random.pick(corpus));
        parts[i] = other.length ? random.pick(other) : parts[i];
      }
      return parts.join("");
    },
  },
  {
    name: "lines",
    apply(text, random) {
      const lines = text.split("\n");
      const a = random.int(lines.length);
      const b = Math.min(lines.length, a + 1 + random.int(6));
      const block = lines.slice(a, b);
      const op = random.int(3);
      if (op === 0) lines.splice(a, b - a);
      else if (op === 1) lines.splice(b, 0, ...block);
      else {lines.splice(
          random.int(lines.length),
          0,
          ...Array.from({ length: 2 + random.int(50) }, () => block).flat(),
        );}
      return lines.join("\n");
    },
  },
  {
    name: "number",
    apply(text, random) {
      const numbers = [...text.matchAll(NUMBER)];
      if (!numbers.length) return text;
      const m = random.pick(numbers);
      const value = random.chance(0.7)
        ? random.pick(SPECIAL_NUMBERS)
        : String(Number(m[0].replace(/[KMBTx]/g, "")) * random.pick([-1, 10, 1e6, 1e-6, 1e100, 1e-100, 0.5]));
      return splice(text, m.index!, m.index! + m[0].length, value);
    },
  },
  {
    name: "long-name",
    apply(text, random) {
      const parts = tokens(text);
      const names = parts.map((p, i) => [p, i] as const).filter(([p]) => /^[A-Za-z_]/.test(p));
      const length = random.pick([20, 127, 128, 129, 1000, 100_000, 300_000]);
      const long = "n" + "a".repeat(length - 1);
      if (!names.length || random.chance(0.3)) {
        const i = at(text, random);
        return splice(text, i, i, ` ${long} `);
      }
      const [, i] = random.pick(names);
      parts[i] = long;
      return parts.join("");
    },
  },
  {
    name: "nesting",
    apply(text, random) {
      const depth = random.pick([10, 63, 64, 65, 200, 5000, 50_000]);
      const numbers = [...text.matchAll(NUMBER)];
      const kind = random.int(4);
      if (kind === 3 || !numbers.length) {
        const i = at(text, random);
        return splice(text, i, i, "{".repeat(depth) + "}".repeat(random.int(depth + 1)));
      }
      const m = random.pick(numbers);
      const [open, close] = kind === 0 ? ["(", ")"] : kind === 1 ? ["- ", ""] : ["1 + ", ""];
      const wrapped = open.repeat(depth) + m[0] + close.repeat(depth);
      return splice(text, m.index!, m.index! + m[0].length, wrapped);
    },
  },
  {
    name: "unicode",
    apply(text, random) {
      const i = at(text, random);
      return splice(text, i, i, random.pick(UNICODE).repeat(1 + random.int(3)));
    },
  },
  {
    name: "line-endings",
    apply(text, random) {
      const eol = random.pick(["\r\n", "\r", "\n\r", "\u2028"]);
      const converted = text.replace(/\r?\n/g, eol);
      return random.chance(0.3)
        ? converted.replace(/\s*$/, random.pick(["\r", "\r\n", "", "\\"]))
        : converted;
    },
  },
  {
    name: "nul",
    apply(text, random) {
      const i = at(text, random);
      return splice(text, i, i, "\0".repeat(1 + random.int(4)));
    },
  },
  {
    name: "size",
    apply(text, random) {
      const op = random.int(5);
      if (op === 0) return "";
      if (op === 1) return text.slice(0, random.int(text.length + 1));
      if (op === 2) {
        // A flood of one character or token, up to the file size limit.
        const unit = random.pick([...CHARACTERS, "@ ", "x ", "( ", "a 1, ", '"', "1 + "]);
        return text +
          unit.repeat(
            Math.floor(random.pick([1000, 100_000, MAX_FILE_BYTES - text.length - 8]) / unit.length),
          );
      }
      // Just under or over the file size limit, or thousands of copies of one recipe.
      const target = random.pick([MAX_FILE_BYTES - 10, MAX_FILE_BYTES + 10, 200_000]);
      return (text + "\n").repeat(Math.max(1, Math.floor(target / (text.length + 1))));
    },
  },
  {
    name: "splice",
    apply(text, random, corpus) {
      const other = random.pick(corpus);
      return text.slice(0, at(text, random)) + other.slice(random.int(other.length + 1));
    },
  },
];
