import type { Condition } from '../model/condition.js';
import { PinAnalysis } from './condition-pins.js';
import type { ConditionPin, PinAnalysisContext } from './condition-pins.js';
import type { EvaluationScope } from './evaluation-scope.js';
import { compileFactReader } from './fact-reader.js';
import type { FactReader } from './fact-reader.js';

/** Most keys one rule is filed under when it is filed under two facts (values × values). */
const MAX_PAIR_KEYS = 16;
/** A second fact is used only when it keeps at most this share of the values rules pin on it. */
const MAX_SECOND_SELECTIVITY = 0.5;

/**
 * Candidate lookup for `route`. Pin analysis (`PinAnalysis`) proves, per rule, which facts its
 * condition pins down, whatever syntax wrote it. Each rule is filed under its most selective
 * pinned fact, or under a pair of them (nested maps, no per-event key building), or under
 * "always" when it pins nothing; a rule that provably never holds is filed nowhere. An event reads
 * each indexed fact once, looks up one bucket per access path, and merges those lists (rule
 * ranks, each sorted) into the candidates in evaluation order; a rule sits under one access path
 * only, so there are no duplicates. A candidate's other pins on indexed facts are checked against
 * the values already read, so a pin that fails costs a comparison, not a condition run.
 */
export class RuleIndex {
  /** Per slot (an indexed fact): how the event's value is read, exactly as the leaves read it. */
  private readonly readers: readonly FactReader[];
  private readonly singlePaths: readonly SinglePath[];
  private readonly pairPaths: readonly PairPath[];
  private readonly always: Bucket;
  /** Per rank: the pins on indexed facts other than its access path's, as (slot, values). */
  private readonly otherPins: readonly (readonly PinCheck[])[];
  /** Per rank: every pin with its own reader, for `admits`. */
  private readonly allPins: readonly (readonly {
    read: FactReader;
    values: ReadonlySet<unknown>;
  }[])[];
  private readonly values: unknown[];
  private readonly lists: Bucket[];
  private readonly heads: Int32Array;

  /** `conditions` must be in evaluation order (rank = position). */
  constructor(conditions: readonly Condition[], context: PinAnalysisContext) {
    const analysis = new PinAnalysis(context);
    const pinsByRank = conditions.map((condition) => analysis.pinsOf(condition));
    const known = new Map<string, Set<unknown>>();
    for (const pins of pinsByRank) {
      for (const pin of pins) {
        let values = known.get(pin.key);
        if (values === undefined) known.set(pin.key, (values = new Set()));
        for (const v of pin.values) values.add(v);
      }
    }
    const selectivity = (pin: ConditionPin): number =>
      pin.values.size / Math.max(1, known.get(pin.key)!.size);

    const slotOf = new Map<string, number>();
    const slotPins: ConditionPin[] = [];
    const slot = (pin: ConditionPin): number => {
      let found = slotOf.get(pin.key);
      if (found === undefined) {
        slotOf.set(pin.key, (found = slotPins.length));
        slotPins.push(pin);
      }
      return found;
    };
    const singles = new Map<number, Map<unknown, number[]>>();
    const pairs = new Map<
      string,
      { first: number; second: number; root: Map<unknown, Map<unknown, number[]>> }
    >();
    const always: number[] = [];
    const accessKeys: (readonly string[])[] = [];
    pinsByRank.forEach((pins, rank) => {
      const ordered = [...pins].sort(
        (a, b) => selectivity(a) - selectivity(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
      );
      const [first, second] = ordered;
      if (first === undefined) {
        accessKeys.push([]);
        always.push(rank);
        return;
      }
      // Provably never holds: no event needs it as a candidate.
      if (first.values.size === 0) {
        accessKeys.push([first.key]);
        return;
      }
      const paired =
        second !== undefined &&
        selectivity(second) <= MAX_SECOND_SELECTIVITY &&
        first.values.size * second.values.size <= MAX_PAIR_KEYS;
      if (!paired) {
        accessKeys.push([first.key]);
        const s = slot(first);
        let byValue = singles.get(s);
        if (byValue === undefined) singles.set(s, (byValue = new Map<unknown, number[]>()));
        for (const v of first.values) push(byValue, v, rank);
        return;
      }
      const [outer, inner] = first.key < second.key ? [first, second] : [second, first];
      accessKeys.push([outer.key, inner.key]);
      const pathKey = `${outer.key}\u0001${inner.key}`;
      let path = pairs.get(pathKey);
      if (path === undefined) {
        path = { first: slot(outer), second: slot(inner), root: new Map() };
        pairs.set(pathKey, path);
      }
      for (const v of outer.values) {
        let byInner = path.root.get(v);
        if (byInner === undefined) path.root.set(v, (byInner = new Map<unknown, number[]>()));
        for (const w of inner.values) push(byInner, w, rank);
      }
    });

    const otherPins = pinsByRank.map((pins, rank) =>
      pins
        .filter((pin) => slotOf.has(pin.key) && !accessKeys[rank]!.includes(pin.key))
        .map((pin): PinCheck => {
          const [only] = pin.values;
          const s = slotOf.get(pin.key)!;
          return pin.values.size === 1
            ? { slot: s, values: pin.values, single: true, value: only }
            : { slot: s, values: pin.values, single: false, value: undefined };
        }),
    );
    const bucketOf = (ranks: readonly number[]): Bucket => {
      const checkSlots = new Int32Array(ranks.length);
      const checkValues = ranks.map((rank, i) => {
        const others = otherPins[rank]!;
        const only = others[0];
        if (only === undefined) checkSlots[i] = NO_CHECK;
        else if (others.length === 1 && only.single) checkSlots[i] = only.slot;
        else checkSlots[i] = FULL_CHECK;
        return checkSlots[i] >= 0 ? only!.value : undefined;
      });
      return { ranks: Int32Array.from(ranks), checkSlots, checkValues };
    };
    const bucketsOf = (byValue: Map<unknown, number[]>): Map<unknown, Bucket> =>
      new Map([...byValue].map(([value, ranks]) => [value, bucketOf(ranks)]));

    this.readers = slotPins.map((pin) => compileFactReader(pin.fact, pin.segments));
    this.singlePaths = [...singles].map(([s, byValue]) => ({
      slot: s,
      buckets: bucketsOf(byValue),
    }));
    this.pairPaths = [...pairs.values()].map((path) => ({
      first: path.first,
      second: path.second,
      buckets: new Map([...path.root].map(([v, byInner]) => [v, bucketsOf(byInner)])),
    }));
    this.always = bucketOf(always);
    this.otherPins = otherPins;
    const readerOf = new Map<string, FactReader>();
    this.allPins = pinsByRank.map((pins) =>
      pins.map((pin) => {
        let read = readerOf.get(pin.key);
        if (read === undefined)
          readerOf.set(pin.key, (read = compileFactReader(pin.fact, pin.segments)));
        return { read, values: pin.values };
      }),
    );
    this.values = new Array<unknown>(slotPins.length);
    const lists = this.singlePaths.length + this.pairPaths.length + 1;
    this.lists = new Array<Bucket>(lists);
    this.heads = new Int32Array(lists);
  }

  /**
   * Whether every fact rule `rank` pins holds one of its values for the event in `scope`;
   * when false, the rule cannot match and `route` never evaluates it.
   */
  admits(rank: number, scope: EvaluationScope): boolean {
    for (const pin of this.allPins[rank]!) {
      if (!pin.values.has(pin.read(scope))) return false;
    }
    return true;
  }

  /**
   * Writes the candidate ranks for the event into `out` in evaluation order and returns how many
   * there are; every rule that can match the event is among them. Allocation-free: the scratch
   * arrays are reused, which is safe because routing is synchronous and nothing here calls back
   * into user code.
   */
  collect(scope: EvaluationScope, out: Int32Array): number {
    const { readers, values, lists, singlePaths, pairPaths } = this;
    for (let s = 0; s < readers.length; s++) values[s] = readers[s]!(scope);
    let listCount = 0;
    for (let p = 0; p < singlePaths.length; p++) {
      const path = singlePaths[p]!;
      const bucket = path.buckets.get(values[path.slot]);
      if (bucket !== undefined) lists[listCount++] = bucket;
    }
    for (let p = 0; p < pairPaths.length; p++) {
      const path = pairPaths[p]!;
      const bucket = path.buckets.get(values[path.first])?.get(values[path.second]);
      if (bucket !== undefined) lists[listCount++] = bucket;
    }
    if (this.always.ranks.length > 0) lists[listCount++] = this.always;
    if (listCount === 0) return 0;
    if (listCount === 1) return this.admitted(lists[0]!, out);
    const heads = this.heads;
    heads.fill(0, 0, listCount);
    let count = 0;
    for (;;) {
      let best = -1;
      let bestRank = 0x7fffffff;
      for (let l = 0; l < listCount; l++) {
        const ranks = lists[l]!.ranks;
        const head = heads[l]!;
        if (head < ranks.length && ranks[head]! < bestRank) {
          bestRank = ranks[head]!;
          best = l;
        }
      }
      if (best < 0) return count;
      const head = heads[best]!;
      heads[best] = head + 1;
      if (this.passes(lists[best]!, head, bestRank)) out[count++] = bestRank;
    }
  }

  private admitted(bucket: Bucket, out: Int32Array): number {
    const ranks = bucket.ranks;
    let count = 0;
    for (let i = 0; i < ranks.length; i++) {
      if (this.passes(bucket, i, ranks[i]!)) out[count++] = ranks[i]!;
    }
    return count;
  }

  /** The entry's other pins hold: inline for the common single `equal`, else pin by pin. */
  private passes(bucket: Bucket, entry: number, rank: number): boolean {
    const slot = bucket.checkSlots[entry]!;
    if (slot >= 0) return this.values[slot] === bucket.checkValues[entry];
    return slot === NO_CHECK || this.otherPinsHold(rank);
  }

  private otherPinsHold(rank: number): boolean {
    const pins = this.otherPins[rank]!;
    for (let p = 0; p < pins.length; p++) {
      const pin = pins[p]!;
      const value = this.values[pin.slot];
      if (pin.single ? value !== pin.value : !pin.values.has(value)) return false;
    }
    return true;
  }
}

function push(map: Map<unknown, number[]>, key: unknown, rank: number): void {
  const ranks = map.get(key);
  if (ranks === undefined) map.set(key, [rank]);
  else ranks.push(rank);
}

const NO_CHECK = -1;
const FULL_CHECK = -2;

/** Rules filed under one fact's value: value → bucket. */
interface SinglePath {
  readonly slot: number;
  readonly buckets: ReadonlyMap<unknown, Bucket>;
}

/** Rules filed under two facts' values: first value → second value → bucket. */
interface PairPath {
  readonly first: number;
  readonly second: number;
  readonly buckets: ReadonlyMap<unknown, ReadonlyMap<unknown, Bucket>>;
}

/**
 * Rules filed under one key, in evaluation order. Each entry carries its rule's other pin
 * inline when that is a single `equal` (`checkSlots[i]` ≥ 0, compared with `checkValues[i]`),
 * so scanning a bucket reads three contiguous arrays; `NO_CHECK` means no other pin,
 * `FULL_CHECK` several (checked through `otherPins`).
 */
interface Bucket {
  readonly ranks: Int32Array;
  readonly checkSlots: Int32Array;
  readonly checkValues: readonly unknown[];
}

/**
 * One pin as the index checks it: the slot of the fact's value and the values allowed; a pin
 * with one value is checked with `===`, which agrees with the set here because NaN never gets
 * into it.
 */
interface PinCheck {
  readonly slot: number;
  readonly values: ReadonlySet<unknown>;
  readonly single: boolean;
  readonly value: unknown;
}
