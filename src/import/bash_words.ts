/**
 * A small bash word splitter for launch scripts: comments, line continuations, single and double quotes,
 * backslash escapes, variable and array assignments (`X=1`, `ARGS=( ... )`, `export X=1`) and their
 * expansion (`$X`, `${X}`, `${X:-default}`, `"${ARGS[@]}"`, unquoted expansions split on blanks). Command
 * substitutions and other expansions bash would run are kept as written.
 * @module
 */

/** One word of a command after expansion, with the line it was written on. */
export interface ShellWord {
  text: string;
  line: number;
}

/** One simple command: its words (assignments before it are applied, not listed). */
export interface ShellCommand {
  words: ShellWord[];
}

/** What a script defines and runs. */
export interface ShellScript {
  commands: ShellCommand[];
  /** Arrays the script assigned, in order, with the line of each element. */
  arrays: { name: string; words: ShellWord[] }[];
  /** Which arrays the commands expanded. */
  expanded: Set<string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

class Scanner {
  i = 0;
  line = 1;
  readonly env = new Map<string, ShellWord[]>();
  readonly script: ShellScript = { commands: [], arrays: [], expanded: new Set() };
  /** The fields of the word being read; the last one grows. Null between words. */
  fields: ShellWord[] | null = null;
  words: ShellWord[] = [];
  arrayName: string | null = null;

  constructor(readonly text: string) {}

  append(s: string) {
    if (!this.fields) this.fields = [{ text: "", line: this.line }];
    this.fields[this.fields.length - 1].text += s;
  }

  /** Expanded values of a variable reference; `split`: unquoted (word splitting), `all`: `[@]`. */
  expand(name: string, fallback: string | undefined, split: boolean, all: boolean) {
    if (all) this.script.expanded.add(name);
    const line = this.line;
    const values = this.env.get(name) ?? [{ text: fallback ?? "", line }];
    const parts = all ? values : [values[0] ?? { text: "", line }];
    const fieldsOf = split
      ? parts.flatMap((p) => p.text.split(/\s+/).filter(Boolean).map((text) => ({ text, line: p.line })))
      : parts;
    if (fieldsOf.length === 0) return;
    this.append(fieldsOf[0].text);
    const first = this.fields![this.fields!.length - 1];
    if (all && first.text === fieldsOf[0].text) first.line = fieldsOf[0].line;
    for (const f of fieldsOf.slice(1)) this.fields!.push({ ...f });
  }

  /** `$NAME`, `${NAME}`, `${NAME[@]}`, `${NAME:-x}` at i (on the `$`); else the `$` itself. */
  dollar(split: boolean) {
    const rest = this.text.slice(this.i + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)(\[[@*]\])?(?::?-([^}]*))?\}/.exec(rest);
    if (braced) {
      this.i += 1 + braced[0].length;
      this.expand(braced[1], braced[3], split, braced[2] !== undefined);
      return;
    }
    const plain = NAME.exec(rest);
    if (plain) {
      this.i += 1 + plain[0].length;
      this.expand(plain[0], undefined, split, false);
      return;
    }
    this.append("$");
    this.i++;
  }

  doubleQuoted() {
    this.append("");
    this.i++;
    while (this.i < this.text.length && this.text[this.i] !== '"') {
      const c = this.text[this.i];
      if (c === "\\" && '"\\$`\n'.includes(this.text[this.i + 1])) {
        if (this.text[this.i + 1] !== "\n") this.append(this.text[this.i + 1]);
        else this.line++;
        this.i += 2;
      } else if (c === "$") this.dollar(false);
      else {
        if (c === "\n") this.line++;
        this.append(c);
        this.i++;
      }
    }
    this.i++;
  }

  endWord() {
    if (!this.fields) return;
    this.words.push(...this.fields);
    this.fields = null;
  }

  endStatement() {
    this.endWord();
    if (this.arrayName) return;
    const words = this.words;
    this.words = [];
    let start = 0;
    if (["export", "declare", "local", "readonly"].includes(words[0]?.text)) start = 1;
    while (start < words.length && ASSIGNMENT.test(words[start].text)) {
      const [all, name] = ASSIGNMENT.exec(words[start].text)!;
      this.env.set(name, [{ text: words[start].text.slice(all.length), line: words[start].line }]);
      start++;
    }
    if (start < words.length && words[0]?.text !== "export") {
      this.script.commands.push({ words: words.slice(start) });
    }
  }

  openParen() {
    this.i++;
    const last = this.fields?.length === 1 ? this.fields[0].text : null;
    const match = last !== null ? /^([A-Za-z_][A-Za-z0-9_]*)=$/.exec(last) : null;
    if (!match) return;
    this.fields = null;
    this.arrayName = match[1];
    this.words = [];
  }

  closeParen() {
    this.i++;
    if (!this.arrayName) return;
    this.endWord();
    this.env.set(this.arrayName, this.words);
    this.script.arrays.push({ name: this.arrayName, words: this.words });
    this.arrayName = null;
    this.words = [];
  }

  step() {
    const c = this.text[this.i];
    const next = this.text[this.i + 1];
    if (c === "\\" && next === "\n") {
      this.i += 2;
      this.line++;
    } else if (c === "\\") {
      this.append(next ?? "");
      this.i += 2;
    } else if (c === "'") {
      const end = this.text.indexOf("'", this.i + 1);
      const body = this.text.slice(this.i + 1, end < 0 ? undefined : end);
      this.append(body);
      this.line += body.split("\n").length - 1;
      this.i = end < 0 ? this.text.length : end + 1;
    } else if (c === '"') this.doubleQuoted();
    else if (c === "$") this.dollar(true);
    else if (c === "#" && !this.fields) {
      while (this.i < this.text.length && this.text[this.i] !== "\n") this.i++;
    } else if (c === "(") this.openParen();
    else if (c === ")") this.closeParen();
    else if (c === "\n" || c === ";" || c === "&" || c === "|") {
      if (this.arrayName) this.endWord();
      else this.endStatement();
      if (c === "\n") this.line++;
      this.i++;
    } else if (c === " " || c === "\t" || c === "\r") {
      this.endWord();
      this.i++;
    } else {
      this.append(c);
      this.i++;
    }
  }
}

/**
 * The commands and arrays of a bash script (or a bare argument list), words expanded as bash would.
 *
 * @example
 * ```ts
 * import { shellScript } from "./bash_words.ts";
 * const script = shellScript('DATA="/my data"\ntorchrun train.py \\\n  --data-path "$DATA" --lr 3e-4');
 * script.commands[0].words.map((w) => w.text); // ["torchrun", "train.py", "--data-path", "/my data", "--lr", "3e-4"]
 * ```
 */
export function shellScript(text: string): ShellScript {
  const scanner = new Scanner(text);
  while (scanner.i < text.length) scanner.step();
  scanner.endStatement();
  return scanner.script;
}
