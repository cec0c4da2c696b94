import type { DueEntry } from './state-store.js';

interface HeapNode {
  readonly score: number;
  readonly id: string;
  readonly entry: DueEntry;
}

/**
 * The in-memory due index: entries by (kind, key) with one due time each, claimable earliest
 * first. A binary min-heap with lazy deletion: a node is live only while the map still points
 * at it, so rescheduling is O(log n) and never searches the heap.
 */
export class DueIndex {
  private readonly live = new Map<string, HeapNode>();
  private heap: HeapNode[] = [];

  /** Number of scheduled entries. */
  get size(): number {
    return this.live.size;
  }

  /** Sets the entry's due time (adds it when absent); a no-op when it already has that time. */
  schedule(entry: DueEntry, score: number): void {
    const id = idOf(entry);
    const current = this.live.get(id);
    if (current !== undefined && current.score === score) return;
    const node: HeapNode = { score, id, entry };
    this.live.set(id, node);
    this.push(node);
    if (this.heap.length > 64 && this.heap.length > 4 * this.live.size) this.compact();
  }

  /** Removes the entry; a no-op when absent. */
  remove(entry: DueEntry): void {
    this.live.delete(idOf(entry));
  }

  /** Earliest live due time, or undefined. */
  peekScore(): number | undefined {
    this.dropDeadTop();
    return this.heap[0]?.score;
  }

  /** Takes up to `limit` entries due by `now`, earliest first, and moves each to `leaseUntil`. */
  claim(now: number, limit: number, leaseUntil: number): DueEntry[] {
    const claimed: HeapNode[] = [];
    while (claimed.length < limit) {
      this.dropDeadTop();
      const top = this.heap[0];
      if (top === undefined || top.score > now) break;
      this.pop();
      this.live.delete(top.id);
      claimed.push(top);
    }
    for (const node of claimed) this.schedule(node.entry, leaseUntil);
    return claimed.map((node) => node.entry);
  }

  private dropDeadTop(): void {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || this.live.get(top.id) === top) return;
      this.pop();
    }
  }

  private compact(): void {
    this.heap = [...this.live.values()].sort(compare);
  }

  private push(node: HeapNode): void {
    const heap = this.heap;
    heap.push(node);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compare(heap[parent]!, node) <= 0) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = node;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && compare(heap[right]!, heap[left]!) < 0 ? right : left;
      if (compare(heap[child]!, last) >= 0) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

function idOf(entry: DueEntry): string {
  return `${entry.kind}\u0000${entry.key}`;
}

/** Due time, then kind, then key in code-unit order (the order `claimDue` promises). */
function compare(a: HeapNode, b: HeapNode): number {
  if (a.score !== b.score) return a.score - b.score;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
