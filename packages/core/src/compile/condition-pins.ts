import type { SharedConditionDefinition } from '../model/rule-set.js';
import { PRIORITIES } from '../model/event.js';
import { parseSimplePath } from '../paths/simple-path.js';
import type { PathSegment } from '../paths/simple-path.js';
import { conditionShape, isFactValueReference, leafPath } from './condition-shape.js';
import { NOW_FACT } from './fact-reader.js';
import { internString } from './intern-string.js';

/**
 * A fact a condition pins down: the condition can only hold when the value read for `fact` +
 * `segments` (exactly as the leaf reads it) is one of `values` (compared as a Map key, with
 * SameValueZero; NaN never gets in). An empty set means the condition can never hold.
 */
export interface ConditionPin {
  /** The fact and path as one string, equal for every leaf that reads the same value. */
  readonly key: string;
  readonly fact: string;
  /** The parsed path; `undefined` when the leaf has none (or an empty one). */
  readonly segments: readonly PathSegment[] | undefined;
  readonly values: ReadonlySet<unknown>;
}

/** Pins by `key`; a condition that pins nothing has none. */
type Pins = ReadonlyMap<string, ConditionPin>;

/**
 * What analysis proves about one condition: its pins, and whether it is exact — holds exactly
 * when every pin holds (so checking the pins is checking the condition).
 */
export interface ConditionAnalysis {
  readonly pins: readonly ConditionPin[];
  readonly exact: boolean;
}

interface Analysed {
  readonly pins: Pins;
  readonly exact: boolean;
}

/** What pin analysis consults: the shared conditions and the flattened region groups. */
export interface PinAnalysisContext {
  readonly sharedConditions: ReadonlyMap<string, SharedConditionDefinition>;
  /** Region group → every code and group it contains, itself included (as `within` reads it). */
  readonly regionMembers: ReadonlyMap<string, ReadonlySet<string>>;
}

const NONE: Pins = new Map();
const UNKNOWN: Analysed = { pins: NONE, exact: false };

/** Deeper conditions than the compiler accepts are not analysed (they fail to compile anyway). */
const MAX_DEPTH = 256;

const PRIORITY_RANK: ReadonlyMap<unknown, number> = new Map(PRIORITIES.map((p, i) => [p, i]));

/**
 * Finds what conditions pin down, whatever syntax wrote them (the `when` shorthand desugars into
 * the same leaves): `equal` / `in` / `within` / `atLeast` / `atMost` leaves with a literal value
 * and no decorator, combined through `all` (every pin holds; pins on one fact intersect), `any`
 * (a fact every branch pins, with the union of their values), `not: { not: … }` and shared
 * condition references. Anything it cannot prove pins nothing. Each shared condition and each
 * condition object (YAML aliases make trees DAG-shaped) is analysed once per instance.
 */
export class PinAnalysis {
  private readonly byName = new Map<string, Analysed>();
  private readonly inProgress = new Set<string>();
  /** Composite condition objects already analysed (YAML aliases share them); lives as long as the analysis. */
  private readonly byObject = new Map<object, Analysed>();

  constructor(private readonly context: PinAnalysisContext) {}

  /**
   * The pins of `condition`: when it holds for an event, every pin's fact value is one of the
   * pin's values. Never throws, whatever the input.
   */
  pinsOf(condition: unknown): ConditionPin[] {
    return this.analyse(condition).pins as ConditionPin[];
  }

  /** The pins of `condition` and whether they are all it says (see `ConditionAnalysis`). */
  analyse(condition: unknown): ConditionAnalysis {
    const { pins, exact } = this.node(condition, 0);
    return { pins: [...pins.values()], exact };
  }

  private node(condition: unknown, depth: number): Analysed {
    if (depth > MAX_DEPTH) return UNKNOWN;
    const shape = conditionShape(condition);
    if (shape === undefined) return UNKNOWN;
    const node = condition as Record<string, unknown>;
    if (shape === 'leaf') return this.leaf(node);
    const known = this.byObject.get(node);
    if (known !== undefined) return known;
    let pins: Analysed;
    switch (shape) {
      case 'all':
        pins = this.all(node['all'], depth);
        break;
      case 'any':
        pins = this.any(node['any'], depth);
        break;
      case 'not': {
        // json-rules-engine negates the child's boolean; `not: { not: x }` is `x`.
        const inner = node['not'];
        pins =
          conditionShape(inner) === 'not'
            ? this.node((inner as Record<string, unknown>)['not'], depth + 2)
            : UNKNOWN;
        break;
      }
      case 'reference':
        pins = this.reference(node['condition'], depth);
        break;
    }
    this.byObject.set(node, pins);
    return pins;
  }

  /** Every member holds: all their pins hold (pins on one fact intersect); exact if all are. */
  private all(members: unknown, depth: number): Analysed {
    if (!Array.isArray(members)) return UNKNOWN;
    let result: Map<string, ConditionPin> | undefined;
    let exact = true;
    for (const member of members) {
      const analysed = this.node(member, depth + 1);
      exact &&= analysed.exact;
      if (analysed.pins.size === 0) continue;
      result ??= new Map();
      for (const pin of analysed.pins.values()) {
        const held = result.get(pin.key);
        result.set(pin.key, held === undefined ? pin : intersect(held, pin));
      }
    }
    // An empty `all` holds in json-rules-engine: no pins, and exactly that.
    return { pins: result ?? NONE, exact };
  }

  /**
   * Some member holds: a fact every member pins is pinned to the union of their values. Exact
   * only when every member is exact and pins that one fact alone.
   */
  private any(members: unknown, depth: number): Analysed {
    // An empty `any` holds in json-rules-engine, so it pins nothing.
    if (!Array.isArray(members) || members.length === 0) return UNKNOWN;
    let result: Map<string, ConditionPin> | undefined;
    let exact = true;
    for (const member of members) {
      const analysed = this.node(member, depth + 1);
      exact &&= analysed.exact && analysed.pins.size === 1;
      if (result === undefined) {
        result = new Map(analysed.pins);
      } else {
        for (const [key, held] of result) {
          const pin = analysed.pins.get(key);
          if (pin === undefined) result.delete(key);
          else result.set(key, union(held, pin));
        }
      }
      if (result.size === 0) return UNKNOWN;
    }
    return result === undefined ? UNKNOWN : { pins: result, exact: exact && result.size === 1 };
  }

  private reference(name: unknown, depth: number): Analysed {
    if (typeof name !== 'string') return UNKNOWN;
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const shared = this.context.sharedConditions.get(name);
    // A cycle is a load error; inside one, nothing is proven.
    if (shared === undefined || this.inProgress.has(name)) return UNKNOWN;
    this.inProgress.add(name);
    const pins = this.node(shared.condition, depth + 1);
    this.inProgress.delete(name);
    this.byName.set(name, pins);
    return pins;
  }

  /** A pinned leaf holds exactly when its fact value is one of the pin's values: exact. */
  private leaf(leaf: Record<string, unknown>): Analysed {
    const { fact, operator } = leaf;
    if (typeof fact !== 'string' || fact === NOW_FACT || typeof operator !== 'string') {
      return UNKNOWN;
    }
    if (!Object.hasOwn(leaf, 'value')) return UNKNOWN;
    const value = leaf['value'];
    if (isFactValueReference(value)) return UNKNOWN;
    const path = leafPath(leaf);
    let segments: PathSegment[] | undefined;
    if (path !== undefined) {
      if (typeof path !== 'string') return UNKNOWN;
      segments = parseSimplePath(path);
      if (segments === undefined) return UNKNOWN;
      if (segments.length === 0) segments = undefined;
    }
    // Operator names with a decorator (`not:in`, `swap:equal`, `someFact:in` …) never match here.
    const values = this.leafValues(operator, value);
    if (values === undefined) return UNKNOWN;
    const key = segments === undefined ? fact : `${fact}\u0000${JSON.stringify(segments)}`;
    return { pins: new Map([[key, { key, fact, segments, values }]]), exact: true };
  }

  /**
   * The fact values for which the leaf holds, exactly: it holds if and only if the value read
   * is in the set. `undefined` when that is not certain.
   */
  private leafValues(operator: string, value: unknown): ReadonlySet<unknown> | undefined {
    switch (operator) {
      // `a === value`: NaN equals nothing; an object literal is never the event's own object,
      // but rather than rely on that, only primitives pin.
      case 'equal':
        if (!isPrimitive(value)) return undefined;
        return new Set(isNaNValue(value) ? [] : [internString(value)]);
      // `value.indexOf(a) > -1`, which never finds NaN. A non-list value is a string search or a
      // TypeError in json-rules-engine: not a pin.
      case 'in':
        if (!Array.isArray(value) || !value.every(isPrimitive)) return undefined;
        return new Set(value.filter((v) => !isNaNValue(v)).map(internString));
      // `typeof a === 'string' && (a === value || members(value).has(a))`.
      case 'within': {
        if (typeof value !== 'string') return undefined;
        const members = this.context.regionMembers.get(value);
        return new Set([internString(value), ...[...(members ?? [])].map(internString)]);
      }
      // Both sides must be priority names; the fact side is `priority ?? 'normal'` for `priority`.
      case 'atLeast':
      case 'atMost': {
        const rank = PRIORITY_RANK.get(value);
        if (rank === undefined) return undefined;
        return new Set(
          PRIORITIES.filter((_, i) => (operator === 'atLeast' ? i >= rank : i <= rank)),
        );
      }
      default:
        return undefined;
    }
  }
}

function intersect(a: ConditionPin, b: ConditionPin): ConditionPin {
  return { ...a, values: new Set([...a.values].filter((v) => b.values.has(v))) };
}

function union(a: ConditionPin, b: ConditionPin): ConditionPin {
  if (a.values === b.values) return a;
  return { ...a, values: new Set([...a.values, ...b.values]) };
}

function isPrimitive(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

function isNaNValue(value: unknown): boolean {
  return typeof value === 'number' && Number.isNaN(value);
}
