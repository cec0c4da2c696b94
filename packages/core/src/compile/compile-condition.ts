import type { Condition, LeafCondition } from '../model/condition.js';
import type { ConditionTrace } from '../model/explanation.js';
import type { RuleSet } from '../model/rule-set.js';
import type { Comparison } from '../operators/decorators.js';
import type { OperatorContext, PreparedComparison, ValueKind } from '../operators/operator.js';
import { PRIORITIES } from '../model/event.js';
import type { Priority } from '../model/event.js';
import { equal } from '../operators/equal.js';
import { inOperator } from '../operators/in.js';
import { notEqual } from '../operators/not-equal.js';
import { notIn } from '../operators/not-in.js';
import { atLeast, atMost } from '../operators/priority-order.js';
import { within } from '../operators/within.js';
import { buildComparison, parseOperator } from '../operators/registry.js';
import type { ParsedOperator } from '../operators/registry.js';
import { parseSimplePath } from '../paths/simple-path.js';
import { conditionShape, isFactValueReference, leafPath } from './condition-shape.js';
import type { EvaluationScope } from './evaluation-scope.js';
import { compileFactReader } from './fact-reader.js';
import { internString } from './intern-string.js';
import type { FactReader } from './fact-reader.js';

/**
 * A condition compiled once into closures: `test` is the hot path (no allocation, short-circuit),
 * `trace` re-evaluates every node for `explain` and records what it saw. Both compute the verdict
 * json-rules-engine gives with `allowUndefinedFacts: true`.
 */
export interface CompiledCondition {
  readonly test: (scope: EvaluationScope) => boolean;
  trace(scope: EvaluationScope): ConditionTrace;
}

/** The explain note of one leaf, from the fact value read and the (resolved) value. */
type LeafNote = (actual: unknown, expected: unknown) => string | undefined;

/**
 * Compiles rule conditions against one rule set as a DAG: each shared condition compiles once,
 * and one referenced more than once is also evaluated at most once per run (its verdict kept in
 * the scope) and traced at most once per rule, so 30 shared conditions that each reference the
 * previous one twice cost 30 evaluations, not 2^30. It trusts its input: the rule set and every
 * condition in it passed `checkRuleSet` (shapes, operators, paths, references, cycles, depth,
 * operator values), so nothing is checked here a second time.
 */
export class ConditionCompiler {
  private readonly compiledShared = new Map<string, CompiledCondition>();
  /** Shared conditions referenced more than once in the whole rule set: their verdicts are kept. */
  private readonly reusedShared: ReadonlySet<string>;

  constructor(
    private readonly ruleSet: RuleSet,
    private readonly context: OperatorContext,
  ) {
    this.reusedShared = sharedReferencedMoreThanOnce(ruleSet);
  }

  /** Compiles `condition`, a condition of the rule set (checked by the loader). */
  compile(condition: Condition): CompiledCondition {
    const root = this.node(condition);
    return {
      test: root.test,
      trace: (scope) => {
        scope.sharedTraces = undefined; // repeats are summarised within one rule's trace only
        return root.trace(scope);
      },
    };
  }

  private node(condition: Condition): CompiledCondition {
    const shape = conditionShape(condition);
    const node = condition as unknown as Record<string, unknown>;
    switch (shape) {
      case 'all':
      case 'any':
        return this.group(shape, node[shape] as Condition[]);
      case 'not':
        return this.negation(node['not'] as Condition);
      case 'reference':
        return this.reference(node['condition'] as string);
      case 'leaf':
      case undefined: // not after the loader: every condition has one shape
        return this.leaf(condition as LeafCondition);
    }
  }

  private group(kind: 'all' | 'any', members: readonly Condition[]): CompiledCondition {
    const children = members.map((member) => this.node(member));
    const tests = children.map((child) => child.test);
    return {
      test: kind === 'all' ? allOf(tests) : anyOf(tests),
      trace: (scope) => {
        const traces = children.map((child) => child.trace(scope));
        // json-rules-engine: an empty list holds for both `all` and `any`.
        const result =
          traces.length === 0 ||
          (kind === 'all' ? traces.every((t) => t.result) : traces.some((t) => t.result));
        return { kind, result, children: traces };
      },
    };
  }

  private negation(inner: Condition): CompiledCondition {
    const child = this.node(inner);
    const childTest = child.test;
    return {
      test: (scope) => !childTest(scope),
      trace: (scope) => {
        const trace = child.trace(scope);
        return { kind: 'not', result: !trace.result, children: [trace] };
      },
    };
  }

  private reference(name: string): CompiledCondition {
    let compiled = this.compiledShared.get(name);
    if (compiled === undefined) {
      // The loader resolved every reference and refused cycles.
      compiled = this.node(this.ruleSet.sharedConditions.get(name)!.condition);
      this.compiledShared.set(name, compiled);
    }
    const target = compiled;
    const targetTest = target.test;
    return {
      test: this.reusedShared.has(name)
        ? (scope) => {
            let verdict = scope.sharedVerdicts?.get(name);
            if (verdict === undefined) {
              verdict = targetTest(scope);
              (scope.sharedVerdicts ??= new Map()).set(name, verdict);
            }
            return verdict;
          }
        : targetTest,
      trace: (scope) => {
        const earlier = scope.sharedTraces?.get(name);
        if (earlier !== undefined) {
          return { kind: 'reference', reference: name, result: earlier.result, repeated: true };
        }
        const trace = target.trace(scope);
        (scope.sharedTraces ??= new Map()).set(name, trace);
        return { kind: 'reference', reference: name, result: trace.result, children: [trace] };
      },
    };
  }

  private leaf(leaf: LeafCondition): CompiledCondition {
    // The loader checked the operator and both paths.
    const parsed = parseOperator(leaf.operator)!;
    const path = leafPath(leaf) as string | undefined;
    const read = compileFactReader(
      leaf.fact,
      path === undefined ? undefined : parseSimplePath(path),
    );
    const value = leaf.value;
    const base = { kind: 'leaf', fact: leaf.fact, operator: leaf.operator } as const;
    const withPath = path === undefined ? base : { ...base, path };
    const noteOf = leafNote(parsed, this.context);

    if (isFactValueReference(value)) {
      const readValue = valueReader(value.fact, value.path);
      const compare = buildComparison(parsed, this.context);
      return {
        test: (scope) => compare(read(scope), readValue(scope)),
        trace: (scope) => {
          const actual = read(scope);
          const expected = readValue(scope);
          const trace = { ...withPath, actual, expected, result: compare(actual, expected) };
          return withNote(trace, noteOf?.(actual, expected));
        },
      };
    }

    const prepared = prepareLiteral(parsed, value, this.context);
    return {
      test:
        inlineLiteralTest(parsed, read, value, this.context) ?? ((scope) => prepared(read(scope))),
      trace: (scope) => {
        const actual = read(scope);
        const trace = { ...withPath, actual, expected: value, result: prepared(actual) };
        return withNote(trace, noteOf?.(actual, value));
      },
    };
  }
}

/** The reader of a `{ fact, path }` value (its path checked by the loader). */
function valueReader(fact: unknown, path: unknown): FactReader {
  const segments = path === undefined || path === '' ? undefined : parseSimplePath(path as string);
  // A non-string fact id is simply not a fact json-rules-engine knows: undefined.
  return typeof fact === 'string' ? compileFactReader(fact, segments) : () => undefined;
}

/**
 * The comparison for a literal value. The operator's `prepare` specialisation is used whenever the
 * base operator is certain to receive that very literal: decorators that swap or iterate the
 * value hand it other values, so they fall back to the generic comparison.
 */
function prepareLiteral(
  parsed: ParsedOperator,
  value: unknown,
  context: OperatorContext,
): PreparedComparison {
  const { base, decorators } = parsed;
  const literalReachesBase = decorators.every((d) => !d.swaps && !d.valueMustBeArray);
  if (base.prepare !== undefined && literalReachesBase && fitsValueKind(base.valueKind, value)) {
    const prepared = base.prepare(value, context);
    if (decorators.length === 0) return prepared;
    let comparison: Comparison = (factValue) => prepared(factValue);
    for (let i = decorators.length - 1; i >= 0; i--) {
      comparison = decorators[i]!.decorate(comparison);
    }
    const decorated = comparison;
    return (factValue) => decorated(factValue, value);
  }
  const comparison = buildComparison(parsed, context);
  return (factValue) => comparison(factValue, value);
}

/**
 * How explain notes a leaf whose base operator has an `explainNote` (the time operators; only
 * `trace` calls it, never `test`), from the operands the base operator receives, so `swap:` is
 * undone. A decorator that iterates (`someFact:`, `everyValue:`, …) runs the base operator on
 * each element, with no single reading to note, so such leaves get none.
 */
function leafNote(parsed: ParsedOperator, context: OperatorContext): LeafNote | undefined {
  const note = parsed.base.explainNote;
  if (note === undefined) return undefined;
  const { decorators } = parsed;
  if (!decorators.every((d) => d.swaps || d.name === 'not')) return undefined;
  const swapped = decorators.filter((d) => d.swaps).length % 2 === 1;
  return swapped
    ? (actual, expected) => note(expected, actual, context)
    : (actual, expected) => note(actual, expected, context);
}

/** `trace` with `note` set, or unchanged when there is none (the field stays absent). */
function withNote(trace: ConditionTrace, note: string | undefined): ConditionTrace {
  return note === undefined ? trace : { ...trace, note };
}

/** Lists up to this long are compared element by element; longer ones through a Set. */
const SMALL_LIST = 4;

/**
 * The hottest leaves — a literal, no decorator — as one closure that reads the fact and decides,
 * with no call to an operator in between: `equal` / `notEqual` as `===`; `in` / `notIn` as a
 * chain of `===` for short lists and a `Set` for longer ones; `within` and `atLeast` /
 * `atMost` as a `Set` of the values that hold. Each agrees with json-rules-engine exactly:
 * `indexOf` and `===` never find NaN, so NaN is left out of the lists and sets (where a Set
 * would find it), and `Set`'s SameValueZero otherwise is `===` (`-0` equals `0` in both).
 */
function inlineLiteralTest(
  parsed: ParsedOperator,
  read: FactReader,
  value: unknown,
  context: OperatorContext,
): ((scope: EvaluationScope) => boolean) | undefined {
  if (parsed.decorators.length > 0) return undefined;
  const { base } = parsed;
  if (base === equal || base === notEqual) {
    const literal = internString(value);
    return base === equal ? (scope) => read(scope) === literal : (scope) => read(scope) !== literal;
  }
  if ((base === inOperator || base === notIn) && Array.isArray(value)) {
    const holds = memberTest(value.filter((v) => v === v).map(internString));
    return base === inOperator ? (scope) => holds(read(scope)) : (scope) => !holds(read(scope));
  }
  if (base === within && typeof value === 'string') {
    // Only strings are members, so a value of any other type is never found.
    const members = new Set<unknown>(
      [value, ...(context.regionMembers.get(value) ?? [])].map(internString),
    );
    return (scope) => members.has(read(scope));
  }
  if ((base === atLeast || base === atMost) && PRIORITIES.includes(value as Priority)) {
    const rank = PRIORITIES.indexOf(value as Priority);
    const allowed = new Set<unknown>(
      PRIORITIES.filter((_, i) => (base === atLeast ? i >= rank : i <= rank)),
    );
    return (scope) => allowed.has(read(scope));
  }
  return undefined;
}

/** `list.includes(v)` for a NaN-free list: unrolled `===` when short, a `Set` when long. */
function memberTest(list: readonly unknown[]): (value: unknown) => boolean {
  if (list.length > SMALL_LIST) {
    const set = new Set(list);
    return (v) => set.has(v);
  }
  const [a, b, c, d] = list;
  switch (list.length) {
    case 0:
      return () => false;
    case 1:
      return (v) => v === a;
    case 2:
      return (v) => v === a || v === b;
    case 3:
      return (v) => v === a || v === b || v === c;
    default:
      return (v) => v === a || v === b || v === c || v === d;
  }
}

/** Whether a literal has the shape `prepare` / `checkValue` expect for the operator's value kind. */
function fitsValueKind(kind: ValueKind, value: unknown): boolean {
  switch (kind) {
    case 'array':
      return Array.isArray(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
    case 'pattern':
    case 'priority':
    case 'region':
      return typeof value === 'string';
    // Time values take several shapes; their operators parse them and answer false when malformed.
    case 'calendar':
    case 'time-range':
    case 'weekdays':
    case 'date':
    case 'any':
      return true;
  }
}

function allOf(
  tests: readonly ((scope: EvaluationScope) => boolean)[],
): (s: EvaluationScope) => boolean {
  const count = tests.length;
  if (count === 0) return () => true;
  if (count === 1) return tests[0]!;
  if (count === 2) {
    const [first, second] = tests as [
      (s: EvaluationScope) => boolean,
      (s: EvaluationScope) => boolean,
    ];
    return (scope) => first(scope) && second(scope);
  }
  return (scope) => {
    for (let i = 0; i < count; i++) if (!tests[i]!(scope)) return false;
    return true;
  };
}

function anyOf(
  tests: readonly ((scope: EvaluationScope) => boolean)[],
): (s: EvaluationScope) => boolean {
  const count = tests.length;
  if (count === 0) return () => true;
  if (count === 1) return tests[0]!;
  if (count === 2) {
    const [first, second] = tests as [
      (s: EvaluationScope) => boolean,
      (s: EvaluationScope) => boolean,
    ];
    return (scope) => first(scope) || second(scope);
  }
  return (scope) => {
    for (let i = 0; i < count; i++) if (tests[i]!(scope)) return true;
    return false;
  };
}

/** Names of the shared conditions `{ condition: name }` appears for more than once, anywhere. */
function sharedReferencedMoreThanOnce(ruleSet: RuleSet): Set<string> {
  const seen = new Set<string>();
  const reused = new Set<string>();
  const roots: unknown[] = [
    ...ruleSet.rules.map((rule) => rule.condition),
    ...[...ruleSet.sharedConditions.values()].map((shared) => shared.condition),
  ];
  const stack = roots;
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    const name = record['condition'];
    if (typeof name === 'string') {
      if (seen.has(name)) reused.add(name);
      seen.add(name);
    }
    for (const key of ['all', 'any'] as const) {
      const list = record[key];
      if (Array.isArray(list)) for (const child of list as unknown[]) stack.push(child);
    }
    if (Object.prototype.hasOwnProperty.call(record, 'not')) stack.push(record['not']);
  }
  return reused;
}
