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

/** What pin analysis consults: the shared conditions and the flattened region groups. */
export interface PinAnalysisContext {
  readonly sharedConditions: ReadonlyMap<string, SharedConditionDefinition>;
  /** Region group → every code and group it contains, itself included (as `within` reads it). */
  readonly regionMembers: ReadonlyMap<string, ReadonlySet<string>>;
}

const NONE: Pins = new Map();

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
  private readonly byName = new Map<string, Pins>();
  private readonly inProgress = new Set<string>();
  private readonly byObject = new WeakMap<object, Pins>();

  constructor(private readonly context: PinAnalysisContext) {}

  /**
   * The pins of `condition`: when it holds for an event, every pin's fact value is one of the
   * pin's values. Never throws, whatever the input.
   */
  pinsOf(condition: unknown): ConditionPin[] {
    return [...this.node(condition, 0).values()];
  }

  private node(condition: unknown, depth: number): Pins {
    if (depth > MAX_DEPTH) return NONE;
    const shape = conditionShape(condition);
    if (shape === undefined) return NONE;
    const node = condition as Record<string, unknown>;
    const known = this.byObject.get(node);
    if (known !== undefined) return known;
    let pins: Pins;
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
            : NONE;
        break;
      }
      case 'reference':
        pins = this.reference(node['condition'], depth);
        break;
      case 'leaf':
        pins = this.leaf(node);
        break;
    }
    this.byObject.set(node, pins);
    return pins;
  }

  private all(members: unknown, depth: number): Pins {
    if (!Array.isArray(members)) return NONE;
    let result: Map<string, ConditionPin> | undefined;
    for (const member of members) {
      const pins = this.node(member, depth + 1);
      if (pins.size === 0) continue;
      result ??= new Map();
      for (const pin of pins.values()) {
        const held = result.get(pin.key);
        result.set(pin.key, held === undefined ? pin : intersect(held, pin));
      }
    }
    return result ?? NONE;
  }

  private any(members: unknown, depth: number): Pins {
    // An empty `any` holds in json-rules-engine, so it pins nothing.
    if (!Array.isArray(members) || members.length === 0) return NONE;
    let result: Map<string, ConditionPin> | undefined;
    for (const member of members) {
      const pins = this.node(member, depth + 1);
      if (result === undefined) {
        result = new Map(pins);
      } else {
        for (const [key, held] of result) {
          const pin = pins.get(key);
          if (pin === undefined) result.delete(key);
          else result.set(key, union(held, pin));
        }
      }
      if (result.size === 0) return NONE;
    }
    return result ?? NONE;
  }

  private reference(name: unknown, depth: number): Pins {
    if (typeof name !== 'string') return NONE;
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const shared = this.context.sharedConditions.get(name);
    // A cycle is a load error; inside one, nothing is proven.
    if (shared === undefined || this.inProgress.has(name)) return NONE;
    this.inProgress.add(name);
    const pins = this.node(shared.condition, depth + 1);
    this.inProgress.delete(name);
    this.byName.set(name, pins);
    return pins;
  }

  private leaf(leaf: Record<string, unknown>): Pins {
    const { fact, operator } = leaf;
    if (typeof fact !== 'string' || fact === NOW_FACT || typeof operator !== 'string') return NONE;
    if (!Object.hasOwn(leaf, 'value')) return NONE;
    const value = leaf['value'];
    if (isFactValueReference(value)) return NONE;
    const path = leafPath(leaf);
    let segments: PathSegment[] | undefined;
    if (path !== undefined) {
      if (typeof path !== 'string') return NONE;
      segments = parseSimplePath(path);
      if (segments === undefined) return NONE;
      if (segments.length === 0) segments = undefined;
    }
    // Operator names with a decorator (`not:in`, `swap:equal`, `someFact:in` …) never match here.
    const values = this.leafValues(operator, value);
    if (values === undefined) return NONE;
    const key = segments === undefined ? fact : `${fact}\u0000${JSON.stringify(segments)}`;
    return new Map([[key, { key, fact, segments, values }]]);
  }

  /** The fact values for which the leaf can hold; `undefined` when that is not certain. */
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
