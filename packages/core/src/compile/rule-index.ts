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

/** Most facts the index reads per event; further pinned facts are left to the conditions. */
const MAX_SLOTS = 32;

/**
 * Candidate lookup for `route`. Pin analysis (`PinAnalysis`) proves, per rule, which facts its
 * condition pins down, whatever syntax wrote it. Each rule is filed under its most selective
 * pinned fact, or under a pair of them (nested maps, no per-event key building), or under
 * "always" when it pins nothing; a rule that provably never holds is filed nowhere. An event
 * reads each indexed fact once, looks up one bucket per access path, and merges those lists
 * (rule ranks, each sorted) into the candidates in evaluation order; a rule sits under one
 * access path only, so there are no duplicates. A candidate's other pins are checked against the
 * values already read (value sets are shared between rules, so they stay in the CPU caches).
 * When a rule's condition is exact — nothing but its pins — and all its pins are checked here,
 * `isExact` says so and `route` need not run the condition at all.
 */
export class RuleIndex {
  /** Per slot (an indexed fact): how the event's value is read, exactly as the leaves read it. */
  private readonly readers: readonly FactReader[];
  private readonly singlePaths: readonly SinglePath[];
  private readonly pairPaths: readonly PairPath[];
  private readonly always: Int32Array;
  /** Checks of rank r are entries `checkFrom[r]` to `checkFrom[r + 1]` of the arrays below. */
  private readonly checkFrom: Int32Array;
  private readonly checkSlot: Int32Array;
  /** The one allowed value, when the set has one (compared with `===`), else `undefined`. */
  private readonly checkValue: readonly unknown[];
  /** The allowed values, when there are several, else `undefined`. */
  private readonly checkSet: readonly (ReadonlySet<unknown> | undefined)[];
  private readonly exact: Uint8Array;
  /** Per rank: every pin with its own reader, for `admits`. */
  private readonly allPins: readonly (readonly {
    read: FactReader;
    values: ReadonlySet<unknown>;
  }[])[];
  private readonly values: unknown[];
  private readonly lists: Int32Array[];
  private readonly heads: Int32Array;

  /** `conditions` must be in evaluation order (rank = position). */
  constructor(conditions: readonly Condition[], context: PinAnalysisContext) {
    const analysis = new PinAnalysis(context);
    const analysed = conditions.map((condition) => analysis.analyse(condition));
    const known = new Map<string, Set<unknown>>();
    const pinning = new Map<string, { pin: ConditionPin; rules: number }>();
    for (const { pins } of analysed) {
      for (const pin of pins) {
        let values = known.get(pin.key);
        if (values === undefined) known.set(pin.key, (values = new Set()));
        for (const v of pin.values) values.add(v);
        const count = pinning.get(pin.key);
        if (count === undefined) pinning.set(pin.key, { pin, rules: 1 });
        else count.rules++;
      }
    }
    // The facts most rules pin get a slot: read once per event, checked here.
    const slotPins = [...pinning.values()]
      .sort((a, b) => b.rules - a.rules || (a.pin.key < b.pin.key ? -1 : 1))
      .slice(0, MAX_SLOTS)
      .map(({ pin }) => pin);
    const slotOf = new Map(slotPins.map((pin, s) => [pin.key, s]));
    const selectivity = (pin: ConditionPin): number =>
      pin.values.size / Math.max(1, known.get(pin.key)!.size);

    const singles = new Map<number, Map<unknown, number[]>>();
    const pairs = new Map<
      string,
      { first: number; second: number; root: Map<unknown, Map<unknown, number[]>> }
    >();
    const always: number[] = [];
    const accessKeys: (readonly string[])[] = [];
    analysed.forEach(({ pins }, rank) => {
      const ordered = pins
        .filter((pin) => slotOf.has(pin.key))
        .sort(
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
        const s = slotOf.get(first.key)!;
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
        path = { first: slotOf.get(outer.key)!, second: slotOf.get(inner.key)!, root: new Map() };
        pairs.set(pathKey, path);
      }
      for (const v of outer.values) {
        let byInner = path.root.get(v);
        if (byInner === undefined) path.root.set(v, (byInner = new Map<unknown, number[]>()));
        for (const w of inner.values) push(byInner, w, rank);
      }
    });

    // The other pins on slots, as flat arrays; equal value sets are one shared Set.
    const sharedSets = new Map<string, ReadonlySet<unknown>>();
    const checkFrom = new Int32Array(conditions.length + 1);
    const checkSlot: number[] = [];
    const checkValue: unknown[] = [];
    const checkSet: (ReadonlySet<unknown> | undefined)[] = [];
    const exact = new Uint8Array(conditions.length);
    analysed.forEach(({ pins, exact: isExact }, rank) => {
      checkFrom[rank] = checkSlot.length;
      let allChecked = true;
      for (const pin of pins) {
        const s = slotOf.get(pin.key);
        if (s === undefined) {
          allChecked = false;
          continue;
        }
        if (accessKeys[rank]!.includes(pin.key)) continue;
        checkSlot.push(s);
        const [only] = pin.values;
        checkValue.push(pin.values.size === 1 ? only : undefined);
        checkSet.push(pin.values.size === 1 ? undefined : shared(sharedSets, pin.values));
      }
      exact[rank] = isExact && allChecked ? 1 : 0;
    });
    checkFrom[conditions.length] = checkSlot.length;

    this.readers = slotPins.map((pin) => compileFactReader(pin.fact, pin.segments));
    this.singlePaths = [...singles].map(([s, byValue]) => ({ slot: s, buckets: ranksOf(byValue) }));
    this.pairPaths = [...pairs.values()].map((path) => ({
      first: path.first,
      second: path.second,
      buckets: new Map([...path.root].map(([v, byInner]) => [v, ranksOf(byInner)])),
    }));
    this.always = Int32Array.from(always);
    this.checkFrom = checkFrom;
    this.checkSlot = Int32Array.from(checkSlot);
    this.checkValue = checkValue;
    this.checkSet = checkSet;
    this.exact = exact;
    const readerOf = new Map<string, FactReader>();
    this.allPins = analysed.map(({ pins }) =>
      pins.map((pin) => {
        let read = readerOf.get(pin.key);
        if (read === undefined) {
          readerOf.set(pin.key, (read = compileFactReader(pin.fact, pin.segments)));
        }
        return { read, values: pin.values };
      }),
    );
    this.values = new Array<unknown>(slotPins.length);
    const lists = this.singlePaths.length + this.pairPaths.length + 1;
    this.lists = new Array<Int32Array>(lists);
    this.heads = new Int32Array(lists);
  }

  /**
   * Whether rule `rank`'s condition holds for every candidate `collect` yields for it: its
   * condition is nothing but its pins, and `collect` checked them all.
   */
  isExact(rank: number): boolean {
    return this.exact[rank] === 1;
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
      const ranks = path.buckets.get(values[path.slot]);
      if (ranks !== undefined) lists[listCount++] = ranks;
    }
    for (let p = 0; p < pairPaths.length; p++) {
      const path = pairPaths[p]!;
      const ranks = path.buckets.get(values[path.first])?.get(values[path.second]);
      if (ranks !== undefined) lists[listCount++] = ranks;
    }
    if (this.always.length > 0) lists[listCount++] = this.always;
    if (listCount === 0) return 0;
    if (listCount === 1) return this.admitted(lists[0]!, out);
    const heads = this.heads;
    heads.fill(0, 0, listCount);
    let count = 0;
    for (;;) {
      let best = -1;
      let bestRank = 0x7fffffff;
      for (let l = 0; l < listCount; l++) {
        const ranks = lists[l]!;
        const head = heads[l]!;
        if (head < ranks.length && ranks[head]! < bestRank) {
          bestRank = ranks[head]!;
          best = l;
        }
      }
      if (best < 0) return count;
      heads[best]!++;
      if (this.passes(bestRank)) out[count++] = bestRank;
    }
  }

  private admitted(ranks: Int32Array, out: Int32Array): number {
    let count = 0;
    for (let i = 0; i < ranks.length; i++) {
      const rank = ranks[i]!;
      if (this.passes(rank)) out[count++] = rank;
    }
    return count;
  }

  /** The rule's pins other than its access path's hold for the values read. */
  private passes(rank: number): boolean {
    const { checkSlot, checkValue, checkSet, values } = this;
    const end = this.checkFrom[rank + 1]!;
    for (let c = this.checkFrom[rank]!; c < end; c++) {
      const value = values[checkSlot[c]!];
      const set = checkSet[c];
      if (set === undefined ? value !== checkValue[c] : !set.has(value)) return false;
    }
    return true;
  }
}

/** The one Set per distinct value set (values are primitives, NaN never among them). */
function shared(
  sets: Map<string, ReadonlySet<unknown>>,
  values: ReadonlySet<unknown>,
): ReadonlySet<unknown> {
  const key = JSON.stringify(
    [...values].map((v) => `${typeof v}:${String(v)}`).sort((a, b) => (a < b ? -1 : 1)),
  );
  const found = sets.get(key);
  if (found !== undefined) return found;
  sets.set(key, values);
  return values;
}

function ranksOf(byValue: Map<unknown, number[]>): Map<unknown, Int32Array> {
  return new Map([...byValue].map(([value, ranks]) => [value, Int32Array.from(ranks)]));
}

function push(map: Map<unknown, number[]>, key: unknown, rank: number): void {
  const ranks = map.get(key);
  if (ranks === undefined) map.set(key, [rank]);
  else ranks.push(rank);
}

/** Rules filed under one fact's value: value → ranks in evaluation order. */
interface SinglePath {
  readonly slot: number;
  readonly buckets: ReadonlyMap<unknown, Int32Array>;
}

/** Rules filed under two facts' values: first value → second value → ranks. */
interface PairPath {
  readonly first: number;
  readonly second: number;
  readonly buckets: ReadonlyMap<unknown, ReadonlyMap<unknown, Int32Array>>;
}
