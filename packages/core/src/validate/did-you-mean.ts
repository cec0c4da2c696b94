/**
 * "Did you mean …?" suggestions for misspelled keys, operators and reference names, based on
 * the optimal-string-alignment edit distance (Levenshtein plus adjacent transpositions).
 */

/** Edit distance between two strings, counting an adjacent swap (`tpye` → `type`) as one edit. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, current[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, prevPrev[j - 2]! + 1);
      }
      current.push(best);
    }
    prevPrev = prev;
    prev = current;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `input`, when it is close enough to be a plausible typo (a case-only
 * difference, or at most a third of the word's letters wrong); `undefined` otherwise.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length > 200) return undefined;
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const distance =
      candidate.toLowerCase() === lower ? 0.5 : editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(Math.max(input.length, 3) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** `did you mean 'X'?` for the closest candidate, or `undefined` when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const match = closestMatch(input, candidates);
  return match === undefined ? undefined : `did you mean '${match}'?`;
}
