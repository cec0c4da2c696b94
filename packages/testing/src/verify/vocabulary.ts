/**
 * The rule set's own vocabulary: every field any rule condition or invariant `for` reads, with
 * every value a condition, region group or calendar mentions, plus boundary values around
 * numeric, date and business-hours comparisons. `exroute verify` builds its events from it.
 */
import { PRIORITIES, parseSimplePath } from '@exroute/core';
import type { CalendarDefinition, Condition, LeafCondition, RuleSet } from '@exroute/core';

/** Marks "the field is absent from the event". */
export const ABSENT: unique symbol = Symbol('absent');

/** A value a field may take in a generated event, or ABSENT. */
export type FieldValue = unknown;

/** One field the rule set reads, with the values worth trying. */
export interface VocabularyField {
  /** `type`, `region`, `data.volume`, `$now`, … */
  name: string;
  fact: string;
  /** Path segments under the fact (`data` only); empty for a top-level fact. */
  segments: readonly (string | number)[];
  values: FieldValue[];
}

/** At most this many values per field, so a list of 10,000 `in` values cannot blow up pairs. */
export const MAX_VALUES_PER_FIELD = 48;

const MAX_DEPTH = 64;
/** Top-level facts an event carries as strings (DESIGN.md §2). */
const STRING_FACTS: ReadonlySet<string> = new Set([
  'id',
  'source',
  'type',
  'documentType',
  'region',
  'channel',
  'tenant',
  'subject',
  'correlationId',
]);
const TIME_OPERATORS: ReadonlySet<string> = new Set([
  'withinBusinessHours',
  'outsideBusinessHours',
  'before',
  'after',
  'timeBetween',
  'dayOfWeek',
]);

/** A fixed Monday inside every default calendar's working days, for business-hour boundaries. */
const REFERENCE_DAY = '2027-01-04';

/**
 * Every leaf of `condition` (through `all`, `any`, `not` and shared-condition references, each
 * shared condition walked once), in order.
 */
export function leavesOf(
  condition: Condition,
  ruleSet: RuleSet,
  seen: Set<string> = new Set(),
): LeafCondition[] {
  const leaves: LeafCondition[] = [];
  const stack: { node: unknown; depth: number }[] = [{ node: condition, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object' || depth > MAX_DEPTH) continue;
    const record = node as Record<string, unknown>;
    if (Array.isArray(record['all'])) {
      for (const child of record['all'] as unknown[]) stack.push({ node: child, depth: depth + 1 });
    } else if (Array.isArray(record['any'])) {
      for (const child of record['any'] as unknown[]) stack.push({ node: child, depth: depth + 1 });
    } else if ('not' in record) {
      stack.push({ node: record['not'], depth: depth + 1 });
    } else if (typeof record['condition'] === 'string') {
      const name = record['condition'];
      if (seen.has(name)) continue;
      seen.add(name);
      const shared = ruleSet.sharedConditions.get(name);
      if (shared !== undefined) stack.push({ node: shared.condition, depth: depth + 1 });
    } else if (typeof record['fact'] === 'string' && typeof record['operator'] === 'string') {
      leaves.push(record as unknown as LeafCondition);
    }
  }
  return leaves.reverse();
}

/** The field a leaf reads, or undefined for paths an event cannot carry (on non-`data` facts). */
export function fieldOfLeaf(
  leaf: LeafCondition,
): { name: string; fact: string; segments: (string | number)[] } | undefined {
  const segments = leaf.path === undefined ? [] : parseSimplePath(leaf.path);
  if (segments === undefined) return undefined;
  if (segments.length > 0 && leaf.fact !== 'data') return undefined;
  const name =
    leaf.fact + segments.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
  return { name, fact: leaf.fact, segments };
}

/** Builds the vocabulary of `ruleSet`: its rules, its invariants, its regions and calendars. */
export function buildVocabulary(ruleSet: RuleSet): VocabularyField[] {
  const fields = new Map<string, VocabularyField & { keys: Set<string> }>();
  const field = (name: string, fact: string, segments: readonly (string | number)[]) => {
    let entry = fields.get(name);
    if (entry === undefined) {
      entry = { name, fact, segments, values: [], keys: new Set() };
      fields.set(name, entry);
    }
    return entry;
  };
  const add = (entry: VocabularyField & { keys: Set<string> }, value: unknown) => {
    if (value === undefined) return;
    const key = value === ABSENT ? '\u0000absent' : (JSON.stringify(value) ?? typeof value);
    if (entry.keys.has(key)) return;
    entry.keys.add(key);
    entry.values.push(value);
  };
  const regionMembers = flattenRegions(ruleSet);
  const times = calendarInstants(ruleSet);

  const conditions: Condition[] = [
    ...ruleSet.rules.map((rule) => rule.condition),
    ...(ruleSet.invariants ?? []).map((invariant) => invariant.condition),
  ];
  const seen = new Set<string>();
  for (const condition of conditions) {
    for (const leaf of leavesOf(condition, ruleSet, seen)) {
      const at = fieldOfLeaf(leaf);
      if (at === undefined) continue;
      const entry = field(at.name, at.fact, at.segments);
      for (const value of valuesFor(leaf, regionMembers, times)) add(entry, value);
    }
  }
  // Region groups and region calendars name regions even when no condition does.
  const region = fields.get('region');
  if (region !== undefined) {
    for (const [group, members] of regionMembers) {
      add(region, group);
      for (const member of members) add(region, member);
    }
    for (const key of ruleSet.regionCalendars.keys()) add(region, key);
  }
  // `effective` windows depend on the routing instant: try their edges.
  const effective = ruleSet.rules.flatMap((rule) =>
    rule.effective === undefined ? [] : [rule.effective],
  );
  if (effective.length > 0) {
    const now = field('$now', '$now', []);
    for (const window of effective) {
      for (const date of [window.from, window.until]) {
        if (date === undefined) continue;
        for (const instant of dayEdges(date)) add(now, instant);
      }
    }
  }
  return [...fields.values()]
    .map(({ keys: _keys, values, ...rest }) => ({
      ...rest,
      values: [
        ...(rest.fact === 'type' || rest.fact === 'time' || rest.fact === '$now' ? [] : [ABSENT]),
        ...values.filter((v) => fits(rest.fact, v)),
      ].slice(0, MAX_VALUES_PER_FIELD),
    }))
    .filter((f) => f.values.length > 0);
}

/** Whether an event may carry `value` at `fact` (the event schema's types), so it routes. */
function fits(fact: string, value: unknown): boolean {
  if (value === ABSENT) return true;
  if (STRING_FACTS.has(fact)) return typeof value === 'string' && value.length > 0;
  if (fact === 'priority') return (PRIORITIES as readonly unknown[]).includes(value);
  if (fact === 'time' || fact === '$now')
    return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  return fact === 'data';
}

function valuesFor(
  leaf: LeafCondition,
  regions: ReadonlyMap<string, ReadonlySet<string>>,
  times: readonly string[],
): readonly unknown[] {
  const { value } = leaf;
  // A decorated operator (`not:in`, `someFact:equal`) compares like its base.
  const operator = leaf.operator.split(':').pop() ?? leaf.operator;
  // Time operators compare with calendars (named, or the event region's): their edges matter.
  if (TIME_OPERATORS.has(operator)) {
    if (operator === 'before' || operator === 'after') {
      return typeof value === 'string' ? [...dayEdges(value), ...times] : times;
    }
    return times;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'fact' in value) {
    return [];
  }
  switch (operator) {
    case 'equal':
    case 'notEqual':
      return [value];
    case 'in':
    case 'notIn':
      return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    case 'contains':
    case 'doesNotContain':
      return [[value], []];
    case 'within': {
      if (typeof value !== 'string') return [];
      return [value, ...(regions.get(value) ?? []), 'ZZ'];
    }
    case 'atLeast':
    case 'atMost':
      return [...PRIORITIES];
    case 'startsWith':
      return typeof value === 'string' ? [`${value}-x`, `x-${value}`] : [];
    case 'endsWith':
      return typeof value === 'string' ? [`x-${value}`, `${value}-x`] : [];
    case 'exists':
      return ['x'];
    case 'lessThan':
    case 'lessThanInclusive':
    case 'greaterThan':
    case 'greaterThanInclusive':
      return typeof value === 'number' && Number.isFinite(value)
        ? [value - 1, value, value + 1]
        : [];
    default:
      return [];
  }
}

function flattenRegions(ruleSet: RuleSet): Map<string, Set<string>> {
  const flattened = new Map<string, Set<string>>();
  for (const group of ruleSet.regions.keys()) {
    const members = new Set<string>();
    const pending = [group];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      for (const member of ruleSet.regions.get(next)?.members ?? []) {
        if (members.has(member)) continue;
        members.add(member);
        pending.push(member);
      }
    }
    flattened.set(group, members);
  }
  return flattened;
}

/** The instants around each calendar's opening hours on a reference Monday, and its holidays. */
function calendarInstants(ruleSet: RuleSet): string[] {
  const instants: string[] = [];
  for (const calendar of ruleSet.calendars.values()) instants.push(...calendarEdges(calendar));
  return [...new Set(instants)];
}

function calendarEdges(calendar: CalendarDefinition): string[] {
  const out: string[] = [];
  for (const range of calendar.hours) {
    const [start, end] = range.split('-');
    for (const local of [start, end]) {
      if (local === undefined) continue;
      const instant = localInstant(REFERENCE_DAY, local, calendar.timezone);
      if (instant === undefined) continue;
      out.push(new Date(instant - 60_000).toISOString(), new Date(instant).toISOString());
    }
  }
  for (const holiday of calendar.holidays.slice(0, 4)) {
    const instant = localInstant(holiday, '12:00', calendar.timezone);
    if (instant !== undefined) out.push(new Date(instant).toISOString());
  }
  return out;
}

/** The UTC instant of a local date and `HH:mm` in an IANA zone (two passes over the offset). */
function localInstant(date: string, time: string, timeZone: string): number | undefined {
  const guess = Date.parse(`${date}T${time}:00Z`);
  if (Number.isNaN(guess)) return undefined;
  try {
    let instant = guess;
    for (let pass = 0; pass < 2; pass++) instant = guess - offsetAt(instant, timeZone);
    return instant;
  } catch {
    return undefined;
  }
}

function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(instant / 1000) * 1000;
}

/** The first and last minute of a `YYYY-MM-DD` day, and the minute before and after it (UTC). */
function dayEdges(date: string): string[] {
  const start = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(start)) return [];
  const day = 86_400_000;
  return [start - 60_000, start, start + day - 60_000, start + day].map((t) =>
    new Date(t).toISOString(),
  );
}
