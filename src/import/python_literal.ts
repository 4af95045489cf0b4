/**
 * Reading the settings of a Python config module: top-level `NAME = literal` assignments whose literal is
 * a dict, tuple, list, string, number, None, True/False or math.inf (what Recipe's torchtitan module and
 * hand-written config modules hold). Anything else (a call, an expression) is skipped.
 * @module
 */

/** One top-level assignment: its value and the line it starts on. */
export interface PythonSetting {
  value: unknown;
  line: number;
}

class Reader {
  i: number;
  constructor(readonly text: string, start: number) {
    this.i = start;
  }

  blank() {
    while (this.i < this.text.length) {
      if (/\s/.test(this.text[this.i])) this.i++;
      else if (this.text[this.i] === "#") {
        while (this.i < this.text.length && this.text[this.i] !== "\n") this.i++;
      } else break;
    }
  }

  expect(c: string) {
    this.blank();
    if (this.text[this.i] !== c) throw new SyntaxError(`expected "${c}"`);
    this.i++;
  }

  sequence(close: string, item: () => void) {
    this.blank();
    while (this.text[this.i] !== close) {
      item();
      this.blank();
      if (this.text[this.i] === ",") this.i++;
      else if (this.text[this.i] !== close) throw new SyntaxError(`expected "," or "${close}"`);
      this.blank();
    }
    this.i++;
  }

  string(): string {
    const quote = this.text[this.i++];
    let out = "";
    while (this.text[this.i] !== quote) {
      if (this.i >= this.text.length) throw new SyntaxError("unterminated string");
      if (this.text[this.i] === "\\") {
        const c = this.text[this.i + 1];
        out += ({ n: "\n", t: "\t" } as Record<string, string>)[c] ?? c;
        this.i += 2;
      } else out += this.text[this.i++];
    }
    this.i++;
    return out;
  }

  value(): unknown {
    this.blank();
    const c = this.text[this.i];
    if (c === "{") {
      this.i++;
      const out: Record<string, unknown> = {};
      this.sequence("}", () => {
        const key = this.value();
        this.expect(":");
        out[String(key)] = this.value();
      });
      return out;
    }
    if (c === "(" || c === "[") {
      this.i++;
      const out: unknown[] = [];
      this.sequence(c === "(" ? ")" : "]", () => out.push(this.value()));
      return out;
    }
    if (c === '"' || c === "'") return this.string();
    const word =
      /^(-?[0-9][0-9_]*\.?[0-9_]*(?:[eE][-+]?[0-9]+)?|-?\.[0-9]+(?:[eE][-+]?[0-9]+)?|None|True|False|-?math\.inf|float\(["'](-?inf)["']\))/
        .exec(this.text.slice(this.i));
    if (!word) throw new SyntaxError("not a literal");
    this.i += word[0].length;
    const w = word[0];
    if (w === "None") return null;
    if (w === "True" || w === "False") return w === "True";
    if (w.includes("inf")) return w.startsWith("-") || word[2]?.startsWith("-") ? -Infinity : Infinity;
    return Number(w.replaceAll("_", ""));
  }
}

/**
 * The literal settings of a Python module, by name.
 *
 * @example
 * ```ts
 * import { pythonSettings } from "./python_literal.ts";
 * pythonSettings('import math\nTRAINING = {"steps": 10, "max_norm": math.inf}\n').get("TRAINING")?.value;
 * // { steps: 10, max_norm: Infinity }
 * ```
 */
export function pythonSettings(text: string): Map<string, PythonSetting> {
  const settings = new Map<string, PythonSetting>();
  for (const match of text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/gm)) {
    const reader = new Reader(text, match.index! + match[0].length);
    try {
      const value = reader.value();
      settings.set(match[1], { value, line: text.slice(0, match.index).split("\n").length });
    } catch {
      // Not a literal (a call, an expression): not a setting Recipe reads.
    }
  }
  return settings;
}
