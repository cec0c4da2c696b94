/**
 * "Did you mean …?" suggestions for misspelled keys, operators and reference names, based on
 * the optimal-string-alignment edit distance (Levenshtein plus adjacent transpositions).
 */

/**
 * Most candidates compared per lookup (those of a plausible length, in order): bounds one
 * lookup to about 100 small tables, so a thousand misspelled names cost milliseconds each.
 */
const MAX_COMPARED_CANDIDATES = 100;

/** Most candidates looked at per lookup at all, so a huge directory costs bounded time. */
const MAX_SCANNED_CANDIDATES = 20_000;

/**
 * Edit distance between two strings, counting an adjacent swap (`tpye` → `type`) as one edit;
 * any value above `max` once it is certain to exceed it (a row of the table all above `max`),
 * so a far-off candidate costs a few rows, not the whole table.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  // Three rows of one buffer (two back, one back, this one), reused across calls.
  const rows = rowBuffer(width * 3);
  let prevPrev = 0;
  let prev = width;
  let current = 2 * width;
  for (let j = 0; j < width; j++) rows[prev + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[current] = i;
    let rowBest = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j < width; j++) {
      const bj = b.charCodeAt(j - 1);
      let best = rows[prev + j - 1]! + (ai === bj ? 0 : 1);
      const up = rows[prev + j]! + 1;
      if (up < best) best = up;
      const left = rows[current + j - 1]! + 1;
      if (left < best) best = left;
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        const swap = rows[prevPrev + j - 2]! + 1;
        if (swap < best) best = swap;
      }
      rows[current + j] = best;
      if (best < rowBest) rowBest = best;
    }
    if (rowBest > max) return max + 1;
    const oldest = prevPrev;
    prevPrev = prev;
    prev = current;
    current = oldest;
  }
  return rows[prev + b.length]!;
}

let sharedRows = new Int32Array(256);

function rowBuffer(size: number): Int32Array {
  if (sharedRows.length < size) sharedRows = new Int32Array(size);
  return sharedRows;
}

/**
 * The candidate closest to `input`, when it is close enough to be a plausible typo (a case-only
 * difference, or at most a third of the word's letters wrong); `undefined` otherwise. Bounded:
 * only candidates whose length could be close enough are compared, at most 1 000 of them, so
 * a thousand misspelled names against a thousand-entry directory cost linear time.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length > 200) return undefined;
  const lower = input.toLowerCase();
  const allowed = Math.max(1, Math.floor(Math.max(input.length, 3) / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let scanned = 0;
  let compared = 0;
  for (const candidate of candidates) {
    if (++scanned > MAX_SCANNED_CANDIDATES) break;
    if (candidate === input || Math.abs(candidate.length - input.length) > allowed) continue;
    if (++compared > MAX_COMPARED_CANDIDATES) break;
    const other = candidate.toLowerCase();
    const distance =
      other === lower ? 0.5 : editDistance(lower, other, Math.min(allowed, bestDistance));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/** `did you mean 'X'?` for the closest candidate, or `undefined` when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const match = closestMatch(input, candidates);
  return match === undefined ? undefined : `did you mean '${match}'?`;
}
