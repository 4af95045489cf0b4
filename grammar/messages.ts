/**
 * Syntax error messages in the project's style: sentence case, the found text quoted, what was expected,
 * and a suggestion when a name is a likely typo of a keyword.
 * @module
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { Identifier, keywords, Name, Schedule, SCHEDULED_QUANTITIES } from "./tokens.ts";
import { didYouMean } from "../src/diagnostics/suggest.ts";

/** Tokens found where a name was expected (filled as the parser builds its messages). */
const nameExpected = new WeakSet<IToken>();

function found(token: IToken): string {
  return token.tokenType.name === "EOF" ? "the end of the file" : `"${token.image}"`;
}

function expectedList(types: TokenType[]): string {
  const labels = [...new Set(types.map((type) => type.LABEL ?? type.name))];
  if (labels.length <= 1) return labels[0] ?? "nothing";
  return `one of ${labels.slice(0, -1).join(", ")} or ${labels.at(-1)}`;
}

/**
 * What would be right after a syntax error at `token` (after `previous`): the keyword a misspelt name was
 * likely meant to be (after `schedule`, one of the quantities with schedules of their own), a reserved word
 * used as a name, or `32x256` written without spaces.
 */
export function syntaxHint(token: IToken, previous?: IToken): string | null {
  if (nameExpected.has(token) && keywords.includes(token.image)) {
    return `"${token.image}" is a reserved word; choose another name`;
  }
  if (token.tokenType.name !== "Identifier") return null;
  if (previous?.tokenType === Schedule) {
    const quantities = SCHEDULED_QUANTITIES.map((q) => String(q.LABEL).slice(1, -1));
    return didYouMean(token.image, quantities) ?? `a schedule of its own is for ${quantities.join(", ")}`;
  }
  if (/^x\d+$/.test(token.image)) return `write the batch with spaces: "N x ${token.image.slice(1)}"`;
  return didYouMean(token.image, keywords);
}

/** Plugs into the parser's `errorMessageProvider` option. */
export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    if (expected === Identifier || expected === Name) nameExpected.add(actual);
    const what = expected.name === "EOF" ? "the end of the file" : expected.LABEL ?? expected.name;
    return `Expected ${what} but found ${found(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `Unexpected ${found(firstRedundant)} after the last complete statement`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    const firsts = expectedPathsPerAlt.flatMap((paths) => paths.map((path) => path[0])).filter(Boolean);
    if (firsts.includes(Identifier) || firsts.includes(Name)) nameExpected.add(actual[0]);
    return `Expected ${expectedList(firsts)} but found ${found(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const firsts = expectedIterationPaths.map((path) => path[0]).filter(Boolean);
    return `Expected at least one ${expectedList(firsts)} but found ${found(actual[0])}`;
  },
};
