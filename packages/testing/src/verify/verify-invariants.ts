/**
 * `exroute verify`: does any event the rule set can tell apart make the rules alone break an
 * invariant? Events come from the rule set's own vocabulary (see vocabulary.ts): a pairwise
 * covering array over every field any condition reads, plus, for every invariant and every rule,
 * one event built to satisfy both (the shape of a `stop` rule shadowing a required route). Each
 * is routed by core's router without the invariants; the invariant checker says what is missing.
 */
import { PRIORITIES, createInvariantChecker, createRouter } from '@exroute/core';
import type {
  LeafCondition,
  MatchedRule,
  NormalizedEvent,
  RoutingDecision,
  RuleSet,
} from '@exroute/core';
import { pairwiseRows } from './covering-array.js';
import {
  ABSENT,
  MAX_VALUES_PER_FIELD,
  buildVocabulary,
  fieldOfLeaf,
  leavesOf,
} from './vocabulary.js';
import type { VocabularyField } from './vocabulary.js';

/** Options of {@link verifyInvariants}. */
export interface VerifyOptions {
  /**
   * At most this many covering-array events, and at most this many directed events (invariant ×
   * rule); default 5,000 each, so verify stays linear-ish in the rule set and never explodes.
   */
  maxEvents?: number;
}

/** One required notification a counter-example lacks. */
export interface MissingRequirement {
  template: string;
  channel: string;
  /** True when there is no (template, channel) notification at all. */
  missingNotification: boolean;
  /** Directory keys of the required recipients not reached. */
  recipients: string[];
}

/** An event on which the rules alone break an invariant, and the rules responsible. */
export interface CounterExample {
  event: NormalizedEvent;
  /** The routing instant (`$now`), RFC 3339. */
  now: string;
  missing: MissingRequirement[];
  /** The rules that matched, in evaluation order. */
  matched: MatchedRule[];
  /** The matched rule whose `stop: true` cut evaluation short, if any. */
  stoppedBy?: MatchedRule;
}

/** The verdict on one invariant. */
export interface InvariantVerification {
  invariantId: string;
  description?: string;
  file: string;
  line: number;
  /** Generated events whose `for` matched. */
  eventsCovered: number;
  /** Of those, how many the rules alone left without what it requires. */
  violations: number;
  /** The first violating event; absent when none. */
  counterExample?: CounterExample;
}

/** What `verifyInvariants` did and found. */
export interface VerifyReport {
  ruleSetVersion: string;
  /** Events routed (distinct). */
  events: number;
  /** Whether the covering array reached every pair of values before `maxEvents`. */
  pairwiseComplete: boolean;
  bound: { maxEvents: number; maxValuesPerField: number };
  /** The fields tried and how many values each. */
  fields: { name: string; values: number }[];
  invariants: InvariantVerification[];
  /** How many invariants the rules alone break somewhere. */
  violated: number;
}

const BASE_TIME = '2027-01-04T10:00:00.000Z';
const DEFAULT_MAX_EVENTS = 5_000;

/**
 * Generates events from `ruleSet`'s vocabulary (bounded: see {@link VerifyOptions}), routes each
 * through the rules alone and reports every invariant they break, with the first counter-example
 * and the rules responsible. A rule set without invariants verifies trivially. Never throws for
 * a rule set from the loader.
 */
export function verifyInvariants(ruleSet: RuleSet, options: VerifyOptions = {}): VerifyReport {
  const maxEvents = Math.max(1, Math.floor(options.maxEvents ?? DEFAULT_MAX_EVENTS));
  const invariants = ruleSet.invariants ?? [];
  const fields = buildVocabulary(ruleSet);
  const results = new Map<string, InvariantVerification>(
    invariants.map((invariant) => [
      invariant.id,
      {
        invariantId: invariant.id,
        ...(invariant.description !== undefined ? { description: invariant.description } : {}),
        file: invariant.location.file,
        line: invariant.location.line,
        eventsCovered: 0,
        violations: 0,
      },
    ]),
  );
  let now = new Date(BASE_TIME);
  const clock = () => now;
  const router = createRouter(ruleSet, { clock, invariants: false });
  const checker = createInvariantChecker(ruleSet, { clock });
  const stops = new Set(ruleSet.rules.filter((rule) => rule.stop).map((rule) => rule.id));
  const seen = new Set<string>();
  let events = 0;

  const tryEvent = (assignment: ReadonlyMap<VocabularyField, unknown>): void => {
    const { event, instant } = eventOf(assignment, events);
    const key = JSON.stringify([{ ...event, id: '' }, instant]);
    if (seen.has(key)) return;
    seen.add(key);
    now = new Date(instant);
    let decision: RoutingDecision;
    try {
      decision = router.route(event);
    } catch {
      return; // not an event the router accepts: nothing to verify
    }
    events += 1;
    const { applied, violations } = checker.check(event, decision);
    for (const id of applied) results.get(id)!.eventsCovered += 1;
    const broken = new Map<string, MissingRequirement[]>();
    for (const violation of violations) {
      const list = broken.get(violation.invariant) ?? [];
      list.push({
        template: violation.template,
        channel: violation.channel,
        missingNotification: violation.missingNotification,
        recipients: [...new Set(violation.missingRecipients.map((r) => r.key))],
      });
      broken.set(violation.invariant, list);
    }
    for (const [id, missing] of broken) {
      const result = results.get(id)!;
      result.violations += 1;
      if (result.counterExample !== undefined) continue;
      const last = decision.matched[decision.matched.length - 1];
      result.counterExample = {
        event,
        now: now.toISOString(),
        missing,
        matched: decision.matched,
        ...(last !== undefined && stops.has(last.ruleId) ? { stoppedBy: last } : {}),
      };
    }
  };

  let pairwiseComplete = true;
  if (invariants.length > 0) {
    // Directed events first: each invariant with each rule (and alone).
    let directed = 0;
    outer: for (const invariant of invariants) {
      const own = leavesOf(invariant.condition, ruleSet);
      for (const rule of [undefined, ...ruleSet.rules]) {
        if (directed >= maxEvents) break outer;
        directed += 1;
        const leaves =
          rule === undefined ? own : [...own, ...topLevelLeaves(rule.condition, ruleSet)];
        tryEvent(satisfying(leaves, fields, ruleSet));
      }
    }
    const { rows, complete } = pairwiseRows(
      fields.map((f) => f.values.length),
      maxEvents,
    );
    pairwiseComplete = complete;
    for (const row of rows) {
      tryEvent(new Map(fields.map((field, i) => [field, field.values[row[i]!]])));
    }
  }
  const list = [...results.values()];
  return {
    ruleSetVersion: ruleSet.version,
    events,
    pairwiseComplete,
    bound: { maxEvents, maxValuesPerField: MAX_VALUES_PER_FIELD },
    fields: fields.map((f) => ({ name: f.name, values: f.values.length })),
    invariants: list,
    violated: list.filter((r) => r.violations > 0).length,
  };
}

/** The leaves a condition requires for certain: its `all` chain (shared conditions followed). */
function topLevelLeaves(
  condition: RuleSet['rules'][number]['condition'],
  ruleSet: RuleSet,
): LeafCondition[] {
  const out: LeafCondition[] = [];
  const stack: unknown[] = [condition];
  const seen = new Set<string>();
  while (stack.length > 0 && out.length < 1000) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    if (Array.isArray(record['all'])) stack.push(...(record['all'] as unknown[]));
    else if (typeof record['condition'] === 'string' && !seen.has(record['condition'])) {
      seen.add(record['condition']);
      stack.push(ruleSet.sharedConditions.get(record['condition'])?.condition);
    } else if (typeof record['fact'] === 'string' && typeof record['operator'] === 'string') {
      out.push(record as unknown as LeafCondition);
    }
  }
  return out;
}

/**
 * An assignment meant to satisfy `leaves` (earlier leaves win a field): a value each leaf
 * accepts, from the same vocabulary. Fields no leaf constrains stay absent.
 */
function satisfying(
  leaves: readonly LeafCondition[],
  fields: readonly VocabularyField[],
  ruleSet: RuleSet,
): Map<VocabularyField, unknown> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const assignment = new Map<VocabularyField, unknown>();
  for (const leaf of leaves) {
    const at = fieldOfLeaf(leaf);
    const field = at === undefined ? undefined : byName.get(at.name);
    if (field === undefined || assignment.has(field)) continue;
    const value = acceptedValue(leaf, ruleSet);
    if (value !== undefined) assignment.set(field, value);
  }
  return assignment;
}

function acceptedValue(leaf: LeafCondition, ruleSet: RuleSet): unknown {
  const { operator, value } = leaf;
  switch (operator) {
    case 'equal':
      return value;
    case 'in':
      return Array.isArray(value) ? value[0] : undefined;
    case 'within': {
      if (typeof value !== 'string') return undefined;
      // A member code rather than the group itself: events carry codes.
      let current = value;
      for (let depth = 0; depth < 32; depth++) {
        const members = ruleSet.regions.get(current)?.members;
        if (members === undefined || members.length === 0) return current;
        current = members[0]!;
      }
      return current;
    }
    case 'atLeast':
    case 'atMost':
      return (PRIORITIES as readonly unknown[]).includes(value) ? value : undefined;
    case 'greaterThan':
      return typeof value === 'number' ? value + 1 : undefined;
    case 'lessThan':
      return typeof value === 'number' ? value - 1 : undefined;
    case 'greaterThanInclusive':
    case 'lessThanInclusive':
      return typeof value === 'number' ? value : undefined;
    case 'contains':
      return [value];
    case 'startsWith':
      return typeof value === 'string' ? `${value}-x` : undefined;
    case 'endsWith':
      return typeof value === 'string' ? `x-${value}` : undefined;
    case 'exists':
      return 'x';
    default:
      return undefined;
  }
}

/** The event (and routing instant) for one assignment of field values. */
function eventOf(
  assignment: ReadonlyMap<VocabularyField, unknown>,
  index: number,
): { event: NormalizedEvent; instant: string } {
  const event: Record<string, unknown> = {
    id: `verify-${index + 1}`,
    source: 'exroute/verify',
    type: 'service.alert',
    time: BASE_TIME,
    data: {},
  };
  let instant: string | undefined;
  for (const [field, value] of assignment) {
    if (value === ABSENT || value === undefined) continue;
    if (field.fact === '$now') {
      if (typeof value === 'string') instant = value;
      continue;
    }
    if (field.segments.length === 0) {
      if (field.fact !== 'data') event[field.fact] = value;
      continue;
    }
    setPath(event['data'] as Record<string, unknown>, field.segments, value);
  }
  return {
    event: event as unknown as NormalizedEvent,
    instant: instant ?? (typeof event['time'] === 'string' ? event['time'] : BASE_TIME),
  };
}

function setPath(
  target: Record<string, unknown>,
  segments: readonly (string | number)[],
  value: unknown,
): void {
  let node: Record<string | number, unknown> = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1]!;
    const existing = node[segment];
    if (existing === null || typeof existing !== 'object') {
      node[segment] = typeof next === 'number' ? [] : {};
    }
    node = node[segment] as Record<string | number, unknown>;
  }
  node[segments[segments.length - 1]!] = value;
}
