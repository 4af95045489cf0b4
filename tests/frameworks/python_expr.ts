/**
 * A TypeScript evaluator for the small Python expression language the python targets emit (numbers, the
 * local index `i`, + - * / **, comparisons, `a if c else b`, math.* and jnp.* functions, and the optax module's
 * `_fraction`), so that tests run the emitted formulas themselves, without Python. Float semantics match
 * Python's for these operators.
 * @module
 */

type Env = Record<string, number>;
type Node = (env: Env) => number;

const FUNCTIONS: Record<string, (...args: number[]) => number> = {
  "math.cos": Math.cos,
  "math.sqrt": Math.sqrt,
  "math.pow": Math.pow,
  "jnp.cos": Math.cos,
  "jnp.sqrt": Math.sqrt,
  "jnp.power": Math.pow,
  "jnp.where": (c, a, b) => (c ? a : b),
  "jnp.maximum": Math.max,
  // The optax module's phase fraction: t / n clamped to [0, 1], exactly 1 from t = n on.
  "_fraction": (t, n) => (t >= n ? 1 : Math.min(Math.max(t / n, 0), 1)),
};
const CONSTANTS: Record<string, number> = { "math.pi": Math.PI, "jnp.pi": Math.PI };

function tokenize(text: string): string[] {
  const tokens = text.match(/\d+\.?\d*(?:e[+-]?\d+)?|[A-Za-z_][A-Za-z0-9_.]*|\*\*|>=|<=|==|[-+*/(),<>]|\S/g);
  return tokens ?? [];
}

/**
 * Compiles a Python expression to a function of its free variables.
 *
 * @example
 * ```ts
 * import { compilePython } from "./python_expr.ts";
 * compilePython("(0.0 + (1.0 - 0.0) * (i / 4))")({ i: 1 }); // 0.25
 * ```
 */
export function compilePython(
  text: string,
  functions: Record<string, (...args: number[]) => number> = {},
): Node {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (expected !== undefined && token !== expected) {
      throw new SyntaxError(`Expected "${expected}" but found "${token}" in ${text}`);
    }
    return token;
  };
  const conditional = (): Node => {
    const body = comparison();
    if (peek() !== "if") return body;
    take("if");
    const test = comparison();
    take("else");
    const orElse = conditional();
    return (env) => (test(env) ? body(env) : orElse(env));
  };
  const comparison = (): Node => {
    const left = arith();
    const op = peek();
    if (op !== ">=" && op !== "<" && op !== ">" && op !== "<=") return left;
    take();
    const right = arith();
    const compare = {
      ">=": (a: number, b: number) => a >= b,
      "<": (a: number, b: number) => a < b,
      ">": (a: number, b: number) => a > b,
      "<=": (a: number, b: number) => a <= b,
    }[op];
    return (env) => Number(compare(left(env), right(env)));
  };
  const arith = (): Node => {
    let left = term();
    while (peek() === "+" || peek() === "-") {
      const op = take();
      const [l, r] = [left, term()];
      left = op === "+" ? (env) => l(env) + r(env) : (env) => l(env) - r(env);
    }
    return left;
  };
  const term = (): Node => {
    let left = unary();
    while (peek() === "*" || peek() === "/") {
      const op = take();
      const [l, r] = [left, unary()];
      left = op === "*" ? (env) => l(env) * r(env) : (env) => l(env) / r(env);
    }
    return left;
  };
  const unary = (): Node => {
    if (peek() === "-") {
      take();
      const operand = unary();
      return (env) => -operand(env);
    }
    const base = atom();
    if (peek() !== "**") return base;
    take();
    const exponent = unary();
    return (env) => Math.pow(base(env), exponent(env));
  };
  const atom = (): Node => {
    const token = take();
    if (token === "(") {
      const inner = conditional();
      take(")");
      return inner;
    }
    if (/^\d/.test(token)) {
      const value = Number(token);
      return () => value;
    }
    if (token in CONSTANTS) return () => CONSTANTS[token];
    if (peek() === "(") {
      const f = functions[token] ?? FUNCTIONS[token];
      if (!f) throw new SyntaxError(`Unknown function "${token}" in ${text}`);
      take("(");
      const args: Node[] = [conditional()];
      while (peek() === ",") {
        take(",");
        args.push(conditional());
      }
      take(")");
      return (env) => f(...args.map((a) => a(env)));
    }
    if (/^[A-Za-z_]\w*$/.test(token)) {
      return (env) => {
        if (!(token in env)) throw new ReferenceError(`Unbound name "${token}" in ${text}`);
        return env[token];
      };
    }
    throw new SyntaxError(`Unexpected "${token}" in ${text}`);
  };
  const node = conditional();
  if (at !== tokens.length) throw new SyntaxError(`Unexpected "${tokens[at]}" in ${text}`);
  return node;
}

/**
 * The rows `(start, end, lambda i: expr)` of a table named `name` in an emitted Python module; `functions`
 * replace the evaluator's functions of those names.
 */
export function pythonTable(
  module: string,
  name: string,
  functions: Record<string, (...args: number[]) => number> = {},
): { start: number; end: number; value: Node }[] {
  const block = module.match(new RegExp(`^${name} = \\(\\n([\\s\\S]*?)\\n\\)$`, "m"));
  if (!block) throw new Error(`No table "${name}" in the module`);
  return block[1].split("\n").map((line) => {
    const row = line.match(/^ {4}\((\d+), (\d+), lambda i: (.*)\),$/);
    if (!row) throw new SyntaxError(`Unexpected table row: ${line}`);
    return { start: Number(row[1]), end: Number(row[2]), value: compilePython(row[3], functions) };
  });
}

/** A module-level constant `NAME = <number>` of an emitted Python module. */
export function pythonConstant(module: string, name: string): number {
  const match = module.match(new RegExp(`^${name} = (\\S+)$`, "m"));
  if (!match) throw new Error(`No constant "${name}" in the module`);
  return Number(match[1]);
}
