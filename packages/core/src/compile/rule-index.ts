import type { RuleDefinition } from '../model/rule-set.js';
import { conditionShape, isFactValueReference, leafPath } from './condition-shape.js';
import type { EvaluationScope } from './evaluation-scope.js';
import { compileFactReader } from './fact-reader.js';
import { internString } from './intern-string.js';
import type { FactReader } from './fact-reader.js';

/** Top-level event fields a rule can pin down with `equal` / `in`, and so be indexed on. */
export const INDEXED_FIELDS = [
  'type',
  'documentType',
  'region',
  'channel',
  'priority',
  'source',
  'tenant',
] as const;

/** A field a rule pins down: the rule can only match when the event's field is one of `values`. */
export interface RulePin {
  readonly field: string;
  readonly values: ReadonlySet<unknown>;
}

const INDEXED = new Set<string>(INDEXED_FIELDS);

/**
 * The fields a rule pins down: leaves directly under its top-level `all` that compare an indexed
 * field (no path, no decorator, literal value) with `equal` or with `in` over a list. Such a leaf
 * holds only when the field is `===` one of the values, so the rule is no candidate otherwise.
 * NaN is left out of the values because it never equals anything while a Map would find it.
 */
export function pinsOf(rule: RuleDefinition): RulePin[] {
  const pins: RulePin[] = [];
  const top = rule.condition.all;
  if (!Array.isArray(top)) return pins;
  for (const leaf of top) {
    if (conditionShape(leaf) !== 'leaf') continue;
    const { fact, operator, value } = leaf as { fact: unknown; operator: unknown; value: unknown };
    if (typeof fact !== 'string' || !INDEXED.has(fact)) continue;
    if (leafPath(leaf as { path?: string }) !== undefined || isFactValueReference(value)) continue;
    if (operator === 'equal') {
      pins.push({ field: fact, values: new Set(isNaNValue(value) ? [] : [internString(value)]) });
    } else if (operator === 'in' && Array.isArray(value)) {
      pins.push({
        field: fact,
        values: new Set(value.filter((v) => !isNaNValue(v)).map(internString)),
      });
    }
  }
  return pins;
}

function isNaNValue(value: unknown): boolean {
  return typeof value === 'number' && Number.isNaN(value);
}

/**
 * Candidate lookup for `route`. Each rule is filed under the one pinned field that narrows it
 * most (or under "always" when it pins nothing), per value, as rule ranks in evaluation order.
 * An event reads each pinned field once, looks up one bucket per field, and merges those sorted
 * lists into the candidates in evaluation order (no duplicates: a rule sits under one field
 * only). A candidate's other pins are checked against the values already read, so a rule that
 * pins `type` and `documentType` costs a set lookup, not a condition run, when either differs.
 */
export class RuleIndex {
  /** Every pinned field of any rule, in slot order. */
  private readonly readers: readonly FactReader[];
  /** Per slot: value → the rules filed under that field and value (empty map when none is). */
  private readonly buckets: readonly ReadonlyMap<unknown, Bucket>[];
  private readonly always: Bucket;
  /** Per rank: the pins other than the one it is filed under, as (slot, values) pairs. */
  private readonly otherPins: readonly (readonly PinCheck[])[];
  /** Per rank: every pin, for `admits`. */
  private readonly allPins: readonly (readonly PinCheck[])[];
  private readonly values: unknown[];
  private readonly lists: Bucket[];
  private readonly heads: Int32Array;

  /** `rules` must be in evaluation order (rank = position). */
  constructor(rules: readonly RuleDefinition[]) {
    const pinsByRank = rules.map(pinsOf);
    const popularity = new Map<string, Map<unknown, number>>();
    const slotOf = new Map<string, number>();
    for (const pins of pinsByRank) {
      for (const pin of pins) {
        if (!slotOf.has(pin.field)) slotOf.set(pin.field, slotOf.size);
        let counts = popularity.get(pin.field);
        if (counts === undefined) popularity.set(pin.field, (counts = new Map<unknown, number>()));
        for (const v of pin.values) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
    }
    const fields = [...slotOf.keys()];
    const byField = fields.map(() => new Map<unknown, number[]>());
    const always: number[] = [];
    const otherPins: PinCheck[][] = [];
    const allPins: PinCheck[][] = [];
    pinsByRank.forEach((pins, rank) => {
      const chosen = selectivePin(pins, popularity);
      const checks = pins.map((pin): PinCheck => {
        const slot = slotOf.get(pin.field)!;
        const [only] = pin.values;
        return pin.values.size === 1
          ? { slot, values: pin.values, single: true, value: only }
          : { slot, values: pin.values, single: false, value: undefined };
      });
      allPins.push(checks);
      otherPins.push(checks.filter((_, i) => pins[i] !== chosen));
      if (chosen === undefined) {
        always.push(rank);
        return;
      }
      const buckets = byField[slotOf.get(chosen.field)!]!;
      for (const v of chosen.values) {
        let bucket = buckets.get(v);
        if (bucket === undefined) buckets.set(v, (bucket = []));
        bucket.push(rank);
      }
    });
    this.readers = fields.map((field) => compileFactReader(field, undefined));
    const bucketOf = (ranks: readonly number[]): Bucket => {
      const checkSlots = new Int32Array(ranks.length);
      const checkValues = ranks.map((rank, i) => {
        const others = otherPins[rank]!;
        const only = others[0];
        if (others.length === 0) checkSlots[i] = NO_CHECK;
        else if (others.length === 1 && only!.single) checkSlots[i] = only!.slot;
        else checkSlots[i] = FULL_CHECK;
        return checkSlots[i] >= 0 ? only!.value : undefined;
      });
      return { ranks: Int32Array.from(ranks), checkSlots, checkValues };
    };
    this.buckets = byField.map(
      (buckets) => new Map([...buckets].map(([value, ranks]) => [value, bucketOf(ranks)])),
    );
    this.always = bucketOf(always);
    this.otherPins = otherPins;
    this.allPins = allPins;
    this.values = new Array<unknown>(fields.length);
    this.lists = new Array<Bucket>(fields.length + 1);
    this.heads = new Int32Array(fields.length + 1);
  }

  /**
   * Whether every field rule `rank` pins holds one of its values for the event in `scope`;
   * when false, the rule cannot match and `route` never evaluates it.
   */
  admits(rank: number, scope: EvaluationScope): boolean {
    for (const pin of this.allPins[rank]!) {
      if (!pin.values.has(this.readers[pin.slot]!(scope))) return false;
    }
    return true;
  }

  /**
   * Writes the candidate ranks for the event into `out` in evaluation order and returns how many
   * there are. Allocation-free: the scratch arrays are reused, which is safe because routing is
   * synchronous and nothing here calls back into user code.
   */
  collect(scope: EvaluationScope, out: Int32Array): number {
    const { readers, buckets, values, lists } = this;
    let listCount = 0;
    for (let slot = 0; slot < readers.length; slot++) {
      const value = readers[slot]!(scope);
      values[slot] = value;
      const bucket = buckets[slot]!.get(value);
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

const NO_CHECK = -1;
const FULL_CHECK = -2;

/**
 * Rules filed under one value, in evaluation order. Each entry carries its rule's other pin
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
 * One pin as the index checks it: the slot of the field's value and the values allowed; a pin
 * with one value (`equal`) is checked with `===`, which agrees with the set here because NaN
 * never gets into it.
 */
interface PinCheck {
  readonly slot: number;
  readonly values: ReadonlySet<unknown>;
  readonly single: boolean;
  readonly value: unknown;
}

/** The pin whose values are shared by the fewest rules: the narrowest bucket to file under. */
function selectivePin(
  pins: readonly RulePin[],
  popularity: ReadonlyMap<string, ReadonlyMap<unknown, number>>,
): RulePin | undefined {
  let best: RulePin | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const pin of pins) {
    const counts = popularity.get(pin.field)!;
    let cost = 0;
    for (const v of pin.values) cost += counts.get(v) ?? 0;
    if (cost < bestCost) {
      bestCost = cost;
      best = pin;
    }
  }
  return best;
}
