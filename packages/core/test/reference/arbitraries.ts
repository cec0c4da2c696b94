/**
 * fast-check generators for the equivalence property: random rule files (as plain objects that
 * are serialised to JSON — which is YAML 1.2 — and loaded with `parseRuleSet`) and random events.
 *
 * Deliberate limit (the one documented divergence): where json-rules-engine throws a TypeError
 * at run time, exroute's verdict is `false` by design (see src/operators/operator.ts). That
 * happens only when `in` / `notIn` compares against a right-hand side that is neither a list
 * nor a string, or when `someValue:` / `everyValue:` iterates a value that is not a list
 * (`swap:` can move either onto a fact). The leaf generator therefore tracks, through the
 * decorator chain, which side those operators read and gives it a list (or a fact that is
 * always a list or a string) — everywhere else any fact, present or missing, is fair game.
 */
import fc from 'fast-check';
import type { NormalizedEvent, Priority } from '@exroute/core';
import { OPERATORS } from '../../src/operators/registry.js';

/** A fact (+ path) rules may read, and what every generated event guarantees about it. */
interface Slot {
  fact: string;
  path?: string;
  /** Always a list in every event. */
  alwaysList?: true;
  /** Always a string in every event. */
  alwaysString?: true;
  /** Always a list of strings (so its elements can be `in`'s right-hand side). */
  listOfStrings?: true;
}

const SLOTS: readonly Slot[] = [
  { fact: 'type', alwaysString: true },
  { fact: 'time', alwaysString: true },
  { fact: 'priority', alwaysString: true },
  { fact: '$now', alwaysString: true },
  { fact: 'documentType' },
  { fact: 'region' },
  { fact: 'channel' },
  { fact: 'tenant' },
  { fact: 'correlationId' },
  { fact: 'data' },
  { fact: 'data', path: '$.name' },
  { fact: 'data', path: '$.volume' },
  { fact: 'data', path: '$.regulated' },
  { fact: 'data', path: '$.tags', alwaysList: true, listOfStrings: true },
  { fact: 'data', path: '$.amounts', alwaysList: true },
  { fact: 'data', path: '$.items[0].sku' },
  { fact: 'data', path: "$['resource']['name']" },
  { fact: 'data', path: '$.missing.deep' },
  { fact: 'data', path: '$.dueDate' },
  // A path on a value that is not an object yields the value itself in json-rules-engine.
  { fact: 'region', path: '$.code' },
];

const STRINGS = ['a', 'ab', 'b', 'UK', 'NO', 'EMEA', 'invoice', 'email', 'high', '9', '10'];
const NUMBERS = [-1, 0, 2.5, 9, 10, 100];
const PRIORITY_NAMES = ['low', 'normal', 'high', 'critical'];
const REGION_NAMES = ['UK', 'DE', 'NO', 'SE', 'US', 'EMEA', 'NORDICS', 'AMER'];
const EVENT_TYPES = ['delivery.failed', 'batch.completed', 'content.updated'];
const DOCUMENT_TYPES = ['invoice', 'policy-change', 'letter'];
const CHANNELS = ['email', 'sms', 'print'];

const stringValue = fc.constantFrom(...STRINGS);
const numberValue = fc.constantFrom(...NUMBERS);
const scalarValue = fc.oneof(stringValue, numberValue, fc.boolean(), fc.constant(null));

/** What a base operator needs as its literal value. */
type LiteralKind =
  | 'any'
  | 'list'
  | 'number'
  | 'string'
  | 'boolean'
  | 'priority'
  | 'region'
  | 'pattern'
  | 'calendar'
  | 'date'
  | 'time-window'
  | 'weekdays';

interface BaseOperator {
  name: string;
  literal: LiteralKind;
  /** Reads its right-hand side with `indexOf` (throws in json-rules-engine unless list/string). */
  indexesRight?: true;
  /** exroute operators only get the decorators that cannot surprise the loader. */
  exroute?: true;
  /** Reads a date: mostly given `$now`, `time` or `data.dueDate`. */
  readsDate?: true;
}

const BASE_OPERATORS: readonly BaseOperator[] = [
  { name: 'equal', literal: 'any' },
  { name: 'notEqual', literal: 'any' },
  { name: 'in', literal: 'list', indexesRight: true },
  { name: 'notIn', literal: 'list', indexesRight: true },
  { name: 'contains', literal: 'any' },
  { name: 'doesNotContain', literal: 'any' },
  { name: 'lessThan', literal: 'number' },
  { name: 'lessThanInclusive', literal: 'number' },
  { name: 'greaterThan', literal: 'number' },
  { name: 'greaterThanInclusive', literal: 'number' },
  { name: 'exists', literal: 'boolean', exroute: true },
  { name: 'startsWith', literal: 'string', exroute: true },
  { name: 'endsWith', literal: 'string', exroute: true },
  { name: 'atLeast', literal: 'priority', exroute: true },
  { name: 'atMost', literal: 'priority', exroute: true },
  { name: 'within', literal: 'region', exroute: true },
  { name: 'matches', literal: 'pattern', exroute: true },
  { name: 'withinBusinessHours', literal: 'calendar', exroute: true, readsDate: true },
  { name: 'outsideBusinessHours', literal: 'calendar', exroute: true, readsDate: true },
  { name: 'timeBetween', literal: 'time-window', exroute: true, readsDate: true },
  { name: 'dayOfWeek', literal: 'weekdays', exroute: true, readsDate: true },
  { name: 'before', literal: 'date', exroute: true, readsDate: true },
  { name: 'after', literal: 'date', exroute: true, readsDate: true },
];

const DATE_SLOTS: readonly Slot[] = SLOTS.filter(
  (slot) => slot.fact === '$now' || slot.fact === 'time' || slot.path === '$.dueDate',
);

/** Decorator chains, outermost first: every decorator alone and the combinations worth having. */
const CHAINS: readonly (readonly string[])[] = [
  [],
  [],
  ['not'],
  ['swap'],
  ['someFact'],
  ['everyFact'],
  ['someValue'],
  ['everyValue'],
  ['not', 'someFact'],
  ['someFact', 'not'],
  ['not', 'swap'],
  ['swap', 'someFact'],
  ['someFact', 'swap'],
  ['not', 'everyValue'],
  ['swap', 'someValue'],
];
const EXROUTE_CHAINS: readonly (readonly string[])[] = [[], [], ['not'], ['someFact']];

type Side = 'fact' | 'value';
interface Operand {
  side: Side;
  /** How many list levels the decorators have stepped into. */
  depth: number;
}
/** A side must be a list (`someValue`) or a list or string (`in`'s right-hand side). */
interface Requirement {
  operand: Operand;
  need: 'list' | 'indexable';
}

/**
 * Walks the chain as json-rules-engine applies it (outermost first) and records which operand
 * must be a list or string for the engine not to throw; also returns where the literal value
 * ends up (left or right of the base operator, and how deep inside lists).
 */
function analyseChain(
  chain: readonly string[],
  base: BaseOperator,
): { requirements: Requirement[]; left: Operand; right: Operand } {
  let left: Operand = { side: 'fact', depth: 0 };
  let right: Operand = { side: 'value', depth: 0 };
  const requirements: Requirement[] = [];
  for (const decorator of chain) {
    if (decorator === 'swap') [left, right] = [right, left];
    if (decorator === 'someFact' || decorator === 'everyFact') {
      left = { ...left, depth: left.depth + 1 };
    }
    if (decorator === 'someValue' || decorator === 'everyValue') {
      requirements.push({ operand: right, need: 'list' });
      right = { ...right, depth: right.depth + 1 };
    }
  }
  if (base.indexesRight) requirements.push({ operand: right, need: 'indexable' });
  return { requirements, left, right };
}

function slotSatisfies(slot: Slot, requirements: readonly Requirement[], side: Side): boolean {
  return requirements
    .filter((r) => r.operand.side === side)
    .every(({ operand, need }) => {
      if (operand.depth === 0) {
        return need === 'list'
          ? slot.alwaysList === true
          : slot.alwaysList === true || slot.alwaysString === true;
      }
      return operand.depth === 1 && need === 'indexable' && slot.listOfStrings === true;
    });
}

function literalOf(kind: LiteralKind): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'any':
      return scalarValue;
    case 'list':
      return fc.array(scalarValue, { minLength: 0, maxLength: 3 });
    case 'number':
      return numberValue;
    case 'string':
      return stringValue;
    case 'boolean':
      return fc.boolean();
    case 'priority':
      return fc.constantFrom(...PRIORITY_NAMES);
    case 'region':
      return fc.constantFrom(...REGION_NAMES);
    case 'pattern':
      return fc.constantFrom('a.*', 'UK|NO', '[a-z]+', 'delivery\\.[a-z]+', '[0-9]+');
    case 'calendar':
      return fc.constantFrom('uk-office', 'UK', 'NORDICS', 'US');
    case 'date':
      return fc.constantFrom('2026-03-02', '2026-03-02T10:00:00Z', '2026-03-02T11:15:00+01:00');
    case 'time-window':
      return fc.constantFrom(
        { from: '09:00', to: '17:00' },
        { from: '22:00', to: '06:00' },
        { from: '09:00', to: '10:30', calendar: 'uk-office' },
      );
    case 'weekdays':
      return fc.constantFrom(['sat', 'sun'], ['mon'], {
        days: ['mon', 'tue'],
        calendar: 'uk-office',
      });
  }
}

/** Wraps a literal in `depth` levels of lists, matching the decorators that iterate it. */
function nested(value: fc.Arbitrary<unknown>, depth: number): fc.Arbitrary<unknown> {
  let result = value;
  for (let i = 0; i < depth; i++) result = fc.array(result, { minLength: 0, maxLength: 3 });
  return result;
}

function factReference(slot: Slot): Record<string, unknown> {
  return slot.path === undefined ? { fact: slot.fact } : { fact: slot.fact, path: slot.path };
}

/** One leaf condition `{ fact, path?, operator, value }` json-rules-engine cannot throw on. */
const leafCondition: fc.Arbitrary<Record<string, unknown>> = fc
  .constantFrom(...BASE_OPERATORS)
  .chain((base) =>
    fc.constantFrom(...(base.exroute ? EXROUTE_CHAINS : CHAINS)).chain((chain) => {
      const { requirements, left, right } = analyseChain(chain, base);
      const factSlots = SLOTS.filter((slot) => slotSatisfies(slot, requirements, 'fact'));
      const valueSlots = SLOTS.filter((slot) => slotSatisfies(slot, requirements, 'value'));
      const literalOperand = right.side === 'value' ? right : left;
      const literal = nested(
        literalOf(right.side === 'value' ? base.literal : 'any'),
        literalOperand.depth,
      );
      const literalOnly = OPERATORS.get(base.name)?.allowsFactValue !== true;
      const value =
        literalOnly || valueSlots.length === 0
          ? literal
          : fc.oneof(
              { weight: 3, arbitrary: literal },
              { weight: 1, arbitrary: fc.constantFrom(...valueSlots).map(factReference) },
            );
      // A chain no fact can satisfy falls back to the undecorated operator.
      const operator = factSlots.length === 0 ? base.name : [...chain, base.name].join(':');
      const candidates = factSlots.length === 0 ? SLOTS : factSlots;
      const slots = base.readsDate
        ? fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...DATE_SLOTS) },
            fc.constantFrom(...candidates),
          )
        : fc.constantFrom(...candidates);
      return fc
        .record({
          slot: slots,
          value: factSlots.length === 0 ? literalOf(base.literal) : value,
        })
        .map(({ slot, value: v }) => ({ ...factReference(slot), operator, value: v }));
    }),
  );

/**
 * Sometimes adds json-rules-engine's evaluation `priority` (it only changes the order in which
 * json-rules-engine evaluates siblings, never the result) and, on leaves, fact `params` (which
 * constant facts ignore).
 */
function withExtras(
  node: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(node, fc.integer({ min: 0, max: 19 })).map(([condition, dice]) => {
    if (dice === 0) return { ...condition, priority: 2 };
    if (dice === 1) return { ...condition, priority: 1 };
    if (dice === 2 && 'fact' in condition) return { ...condition, params: { unused: 1 } };
    return condition;
  });
}

/** A condition tree at most `depth` levels deep, possibly referencing `sharedNames`. */
function conditionTree(
  depth: number,
  sharedNames: readonly string[],
): fc.Arbitrary<Record<string, unknown>> {
  const references =
    sharedNames.length === 0
      ? []
      : [fc.constantFrom(...sharedNames).map((name) => ({ condition: name }))];
  if (depth <= 1) {
    return fc.oneof({ weight: 4, arbitrary: withExtras(leafCondition) }, ...references);
  }
  const child = conditionTree(depth - 1, sharedNames);
  return withExtras(
    fc.oneof(
      { weight: 4, arbitrary: leafCondition },
      {
        weight: 2,
        arbitrary: fc.array(child, { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
      },
      {
        weight: 2,
        arbitrary: fc.array(child, { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
      },
      { weight: 1, arbitrary: child.map((not) => ({ not })) },
      ...references,
    ),
  );
}

/** A top-level (all/any/not) condition, as json-rules-engine wants for rules and shared conditions. */
function topLevelCondition(
  depth: number,
  sharedNames: readonly string[],
): fc.Arbitrary<Record<string, unknown>> {
  const child = conditionTree(depth - 1, sharedNames);
  return fc.oneof(
    fc.array(child, { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(child, { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    child.map((not) => ({ not })),
  );
}

/** `when` shorthand entries: scalars (equal), lists (in) and `{ operator: value }` mappings. */
const whenEntry: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(
    fc.constant('type'),
    fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.subarray(EVENT_TYPES, { minLength: 1 })),
  ),
  fc.tuple(
    fc.constant('documentType'),
    fc.oneof(fc.constantFrom(...DOCUMENT_TYPES), fc.subarray(DOCUMENT_TYPES, { minLength: 1 })),
  ),
  fc.tuple(
    fc.constant('region'),
    fc.oneof(
      fc.constantFrom(...REGION_NAMES),
      fc.constantFrom(...REGION_NAMES).map((within) => ({ within })),
    ),
  ),
  fc.tuple(
    fc.constant('channel'),
    fc.oneof(fc.constantFrom(...CHANNELS), fc.subarray(CHANNELS, { minLength: 1 })),
  ),
  fc.tuple(
    fc.constant('priority'),
    fc.oneof(
      fc.constantFrom(...PRIORITY_NAMES),
      fc.constantFrom(...PRIORITY_NAMES).map((atLeast) => ({ atLeast })),
    ),
  ),
  fc.tuple(
    fc.constant('data.volume'),
    fc.oneof(
      numberValue.map((greaterThan) => ({ greaterThan })),
      fc.record({ greaterThanInclusive: numberValue, lessThan: numberValue }),
      fc.constant({ greaterThan: { fact: 'data', path: '$.amounts[0]' } }),
    ),
  ),
  fc.tuple(
    fc.constant('data.name'),
    fc.oneof(
      stringValue.map((startsWith) => ({ startsWith })),
      fc.constant({ exists: true }),
    ),
  ),
  fc.tuple(
    fc.constant('data.tags'),
    stringValue.map((contains) => ({ contains })),
  ),
  fc.tuple(fc.constant('data.items[0].sku'), fc.oneof(stringValue, fc.constant({ exists: false }))),
);

const SHARED_NAMES = ['shared-a', 'shared-b', 'shared-c'];

/** A whole rule file: directory, 0–3 shared conditions, 1–6 rules. */
export const ruleFile: fc.Arbitrary<Record<string, unknown>> = fc
  .integer({ min: 0, max: 3 })
  .chain((sharedCount) => {
    const names = SHARED_NAMES.slice(0, sharedCount);
    // Each shared condition may reference only the ones defined before it: no cycles.
    const shared = fc.tuple(...names.map((_, i) => topLevelCondition(3, names.slice(0, i))));
    const rule = fc.record(
      {
        priority: fc.constantFrom(0, 0, 1, 5),
        when: fc.uniqueArray(whenEntry, { minLength: 1, maxLength: 3, selector: ([key]) => key }),
        conditions: topLevelCondition(4, names),
        stop: fc.constantFrom(false, false, false, true),
        effective: fc.constantFrom(
          { from: '2026-01-01' },
          { until: '2026-03-01' },
          { from: '2026-03-02', until: '2026-03-02' },
        ),
        to: fc.subarray(['alice', 'bob', 'ops', 'legal'], { minLength: 1 }),
        template: fc.constantFrom('alert', 'review'),
        severity: fc.constantFrom('low', 'normal', 'high', 'critical'),
      },
      { requiredKeys: ['priority', 'to', 'template'] },
    );
    return fc.record({
      shared,
      rules: fc.array(rule, { minLength: 1, maxLength: 6 }),
      withConditions: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    });
  })
  .map(({ shared, rules, withConditions }) => ({
    apiVersion: 'exroute/v1',
    regions: { EMEA: ['UK', 'DE', 'NORDICS'], NORDICS: ['NO', 'SE'], AMER: ['US'] },
    recipients: {
      alice: { email: 'alice@example.com' },
      bob: { email: ['bob@example.com'], sms: '+447700900002' },
      ops: { email: 'ops@example.com', sms: ['+447700900003'] },
      legal: { members: ['alice', 'bob'] },
    },
    templates: {
      alert: {
        id: 'EXS-ALERT',
        channels: ['email'],
        subject: '{{ type }} for {{ data.name }}',
        params: { region: '{{ region }}', first: '{{ data.tags[0] }}' },
      },
      review: { id: 'EXS-REVIEW', channels: ['email', 'sms'] },
    },
    calendars: {
      'uk-office': {
        timezone: 'Europe/London',
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        hours: ['09:00-12:30', '13:30-17:30'],
        holidays: ['2026-03-03'],
      },
    },
    regionCalendars: { UK: 'uk-office', NORDICS: 'uk-office' },
    sharedConditions: Object.fromEntries(
      shared.map((condition, i) => [SHARED_NAMES[i], condition]),
    ),
    rules: rules.map((r, i) => {
      const hasWhen = r.when !== undefined;
      // Every rule keeps at least one of `when` / `conditions` (an empty `all` is rejected).
      const keepConditions = r.conditions !== undefined && (withConditions[i] === true || !hasWhen);
      return {
        id: `rule-${i}`,
        priority: r.priority,
        ...(r.when !== undefined ? { when: Object.fromEntries(r.when) } : {}),
        ...(keepConditions ? { conditions: r.conditions } : {}),
        ...(!hasWhen && !keepConditions
          ? { conditions: { all: [{ fact: 'type', operator: 'notEqual', value: 'x' }] } }
          : {}),
        ...(r.stop === true ? { stop: true } : {}),
        ...(r.effective !== undefined ? { effective: r.effective } : {}),
        notify: [
          {
            to: r.to,
            template: r.template,
            ...(r.severity !== undefined ? { severity: r.severity } : {}),
          },
        ],
      };
    }),
  }));

const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined });

/** A valid NormalizedEvent over the same vocabularies; optional fields are often missing. */
export const event: fc.Arbitrary<NormalizedEvent> = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    priority: optional(fc.constantFrom<Priority>('low', 'normal', 'high', 'critical')),
    documentType: optional(fc.constantFrom(...DOCUMENT_TYPES)),
    region: optional(fc.constantFrom('UK', 'DE', 'NO', 'SE', 'US', 'JP', 'EMEA')),
    channel: optional(fc.constantFrom(...CHANNELS)),
    tenant: optional(stringValue),
    correlationId: optional(fc.constant('batch-1')),
    name: optional(fc.oneof(stringValue, numberValue, fc.boolean(), fc.constant(null))),
    volume: optional(fc.oneof(numberValue, fc.constantFrom('9', '10', 'x'))),
    regulated: optional(fc.boolean()),
    tags: fc.array(stringValue, { maxLength: 3 }),
    amounts: fc.array(numberValue, { maxLength: 3 }),
    items: optional(fc.array(fc.record({ sku: stringValue }), { maxLength: 2 })),
    resource: optional(fc.record({ name: stringValue })),
    dueDate: optional(fc.constantFrom('2026-03-02T08:00:00Z', '2026-03-07T12:00:00Z', 'soon')),
    time: fc.constantFrom(
      '2026-03-02T09:00:00Z',
      '2026-03-02T12:45:00Z',
      '2026-03-03T10:00:00Z',
      '2026-03-07T23:30:00+01:00',
    ),
  })
  .map((fields) => {
    const data: Record<string, unknown> = { tags: fields.tags, amounts: fields.amounts };
    for (const key of ['name', 'volume', 'regulated', 'items', 'resource', 'dueDate'] as const) {
      if (fields[key] !== undefined) data[key] = fields[key];
    }
    const result: NormalizedEvent = {
      id: 'event-1',
      source: 'exstream/test',
      type: fields.type,
      time: fields.time,
      data,
    };
    for (const key of [
      'priority',
      'documentType',
      'region',
      'channel',
      'tenant',
      'correlationId',
    ] as const) {
      const value = fields[key];
      if (value !== undefined) (result as unknown as Record<string, unknown>)[key] = value;
    }
    return result;
  });

/** Router clocks: a working Monday morning, a holiday (in `uk-office`), a Saturday evening. */
export const instant: fc.Arbitrary<Date> = fc
  .constantFrom('2026-03-02T10:15:00Z', '2026-03-03T12:00:00Z', '2026-03-07T18:00:00Z')
  .map((iso) => new Date(iso));
