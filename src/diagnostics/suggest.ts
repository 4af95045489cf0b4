/**
 * "Did you mean" suggestions.
 * @module
 */

/** Words longer than this get no suggestion: no keyword or likely name is that long, and it bounds the work. */
export const MAX_SUGGEST_LENGTH = 64;

/** The most candidates one suggestion compares against (the first ones given). */
export const MAX_SUGGEST_CANDIDATES = 2000;

/**
 * Edit distance between two strings, counting a swap of two neighbouring letters as one edit. Three rows of
 * `b.length + 1` numbers, so O(a * b) time and O(b) memory.
 */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  let before = new Array<number>(width).fill(0); // row i - 2
  let previous = Array.from({ length: width }, (_, j) => j); // row i - 1
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2] + 1);
      }
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo (distance at most a third of
 * the word's length, and at least 1 allowed). Ties go to the candidate of the same length (a swap or a
 * wrong letter is likelier than a missing one). Bounded work: a word longer than {@link MAX_SUGGEST_LENGTH}
 * gets no suggestion, a candidate whose length differs by more than the allowed distance is skipped
 * unread, and at most {@link MAX_SUGGEST_CANDIDATES} candidates are looked at.
 *
 * @example
 * ```ts
 * import { closest } from "./suggest.ts";
 * closest("newz", ["news", "fiction"]); // "news"
 * ```
 */
export function closest(word: string, candidates: Iterable<string>): string | null {
  if (word.length > MAX_SUGGEST_LENGTH) return null;
  let best: string | null = null;
  // One- and two-letter words are too short to guess from.
  let bestDistance = word.length < 3 ? 0 : Math.max(1, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  let seen = 0;
  for (const candidate of candidates) {
    if (++seen > MAX_SUGGEST_CANDIDATES) break;
    // The distance is at least the difference in length.
    if (Math.abs(candidate.length - word.length) > bestDistance) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
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
