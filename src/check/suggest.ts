/**
 * "Did you mean" suggestions.
 * @module
 */

/** Edit distance between two strings, counting a swap of two neighbouring letters as one edit. */
export function editDistance(a: string, b: string): number {
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo (distance at most a third of
 * the word's length, and at least 1 allowed). Ties go to the candidate of the same length (a swap or a
 * wrong letter is likelier than a missing one).
 *
 * @example
 * ```ts
 * import { closest } from "./suggest.ts";
 * closest("newz", ["news", "fiction"]); // "news"
 * ```
 */
export function closest(word: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  // One- and two-letter words are too short to guess from.
  let bestDistance = word.length < 3 ? 0 : Math.max(1, Math.floor(word.length / 3));
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    const better = best === null || distance < bestDistance ||
      (distance === bestDistance && candidate.length === word.length && best.length !== word.length);
    if (distance <= bestDistance && better) {
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
