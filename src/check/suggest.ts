/**
 * "Did you mean" suggestions.
 * @module
 */

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo (distance at most a third of
 * the word's length, and at least 1 allowed).
 *
 * @example
 * ```ts
 * import { closest } from "./suggest.ts";
 * closest("newz", ["news", "fiction"]); // "news"
 * ```
 */
export function closest(word: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(word.length / 3));
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= bestDistance && (best === null || distance < bestDistance)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` did you mean "x"?` for a close candidate, else null. */
export function didYouMean(word: string, candidates: Iterable<string>): string | null {
  const match = closest(word, candidates);
  return match === null ? null : `did you mean "${match}"?`;
}
