/**
 * A pairwise covering array, built greedily: every value of every field appears together with
 * every value of every other field in at least one row, in far fewer rows than the full product
 * (about v² · log n rows for n fields of v values, against vⁿ). Deterministic: the same fields
 * give the same rows.
 */

/**
 * Rows (one value index per field) covering every pair of values of two fields, at most
 * `maxRows` of them; `complete` is false when the cap cut it short.
 */
export function pairwiseRows(
  sizes: readonly number[],
  maxRows: number,
): { rows: number[][]; complete: boolean } {
  const n = sizes.length;
  if (n === 0) return { rows: [], complete: true };
  if (n === 1) {
    const rows = Array.from({ length: Math.min(sizes[0]!, maxRows) }, (_, v) => [v]);
    return { rows, complete: rows.length === sizes[0] };
  }
  // uncovered[i][j] (i < j): one flag per (value of i, value of j).
  const uncovered: Uint8Array[][] = [];
  let remaining = 0;
  for (let i = 0; i < n; i++) {
    uncovered.push([]);
    for (let j = 0; j < n; j++) {
      const cells = j > i ? sizes[i]! * sizes[j]! : 0;
      uncovered[i]!.push(new Uint8Array(cells).fill(1));
      remaining += cells;
    }
  }
  const isUncovered = (i: number, a: number, j: number, b: number): boolean =>
    i < j ? uncovered[i]![j]![a * sizes[j]! + b] === 1 : uncovered[j]![i]![b * sizes[i]! + a] === 1;
  const cover = (i: number, a: number, j: number, b: number): void => {
    const [lo, hi, x, y] = i < j ? [i, j, a, b] : [j, i, b, a];
    const cells = uncovered[lo]![hi]!;
    const cell = x * sizes[hi]! + y;
    if (cells[cell] === 1) {
      cells[cell] = 0;
      remaining -= 1;
    }
  };

  // Picking each value by its gain against every assigned field costs n² · v per row: affordable
  // for the few fields rule sets read; beyond that, a linear rule keeps generation linear-ish.
  const widest = Math.max(...sizes);
  const thorough = n * n * widest <= 20_000;
  const rows: number[][] = [];
  let scanI = 0;
  let scanJ = 1;
  let scanCell = 0;
  while (remaining > 0 && rows.length < maxRows) {
    // The first uncovered pair seeds the row, so every row covers at least one new pair.
    for (;;) {
      const cells = uncovered[scanI]![scanJ]!;
      while (scanCell < cells.length && cells[scanCell] === 0) scanCell++;
      if (scanCell < cells.length) break;
      scanCell = 0;
      scanJ += 1;
      if (scanJ >= n) {
        scanI += 1;
        scanJ = scanI + 1;
      }
    }
    const row = new Array<number>(n).fill(-1);
    row[scanI] = Math.floor(scanCell / sizes[scanJ]!);
    row[scanJ] = scanCell % sizes[scanJ]!;
    const seed = scanI;
    for (let k = 0; k < n; k++) {
      if (row[k] !== -1) continue;
      if (!thorough) {
        // Many fields: pair with the seed field only (O(v) per field), rotating otherwise.
        let pick = rows.length % sizes[k]!;
        for (let v = 0; v < sizes[k]!; v++) {
          if (isUncovered(k, v, seed, row[seed]!)) {
            pick = v;
            break;
          }
        }
        row[k] = pick;
        continue;
      }
      let best = 0;
      let bestGain = -1;
      for (let v = 0; v < sizes[k]!; v++) {
        let gain = 0;
        for (let other = 0; other < n; other++) {
          if (row[other] !== -1 && isUncovered(k, v, other, row[other]!)) gain++;
        }
        if (gain > bestGain) {
          best = v;
          bestGain = gain;
        }
      }
      row[k] = best;
    }
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) cover(i, row[i]!, j, row[j]!);
    rows.push(row);
  }
  return { rows, complete: remaining === 0 };
}
