import type { SourceLocation } from '../model/diagnostic.js';
import type {
  DedupPolicyDefinition,
  EscalationDefinition,
  EscalationResolutionDefinition,
  EscalationStepDefinition,
  EventMatcherDefinition,
  GroupPolicyDefinition,
  InhibitRuleDefinition,
  PolicyDefinition,
  ThrottlePolicyDefinition,
} from '../model/policies.js';
import type { NotifyDefinition, RuleDefinition } from '../model/rule-set.js';
import { parseSimplePath, splitFieldPath } from '../paths/simple-path.js';
import type { ConditionCheckContext } from './check-conditions.js';
import { checkPlaceholders } from './check-placeholders.js';
import { checkWhen } from './check-when.js';
import type { CollectedDefinitions, InhibitDraft, NamedDraft } from './collect-definitions.js';
import type { WhenLeaf } from './desugar-when.js';
import { didYouMean } from './did-you-mean.js';
import { formatDuration, MAX_DURATION_MS, parseDuration } from './durations.js';
import { fromPointer } from './json-pointer.js';
import { KNOWN_FACTS } from './known-facts.js';
import type { Place } from './located-reporter.js';
import { isRecord, stringOrUndefined } from './shape-guards.js';

/** The checked policy sections of a rule set (meaningful only when no error was reported). */
export interface PolicySections {
  policies: Map<string, PolicyDefinition>;
  inhibitRules: InhibitRuleDefinition[];
  escalations: Map<string, EscalationDefinition>;
}

/** What the policy checks read besides the collected definitions. */
export interface PolicyCheckInput {
  defs: CollectedDefinitions;
  /** The built rules, whose notify entries name policies and escalations. */
  rules: readonly RuleDefinition[];
  context: ConditionCheckContext;
  /**
   * Checks a `{ to, template, channels }` mapping exactly like a rule's notify entry (unknown
   * recipients and templates, channels, addresses): escalation steps reuse it.
   */
  checkNotifyEntry: (entry: Record<string, unknown>, place: Place) => NotifyDefinition;
}

/** Group timing when a policy's `group` leaves it out (Alertmanager's defaults, plus `close`). */
export const GROUP_DEFAULTS = { waitMs: 30_000, intervalMs: 300_000, closeMs: 86_400_000 };

/** The event fields a `group.by` or `equal` entry may start with: every fact but the clock. */
const EVENT_FIELDS: ReadonlySet<string> = new Set([...KNOWN_FACTS].filter((f) => f !== '$now'));

/**
 * Checks `policies`, `inhibit`, `escalations` and every notify entry's `policy` / `escalate`
 * (DESIGN.md §8), reporting located diagnostics, and builds their definitions. The JSON Schema
 * has already checked their structure; here: durations, timing relations, field paths, key
 * placeholders, `when` matchers, references, and inhibit rules that can never fire.
 */
export function checkPolicySections(input: PolicyCheckInput): PolicySections {
  const { defs } = input;
  const policies = new Map<string, PolicyDefinition>();
  for (const draft of defs.policies.values()) policies.set(draft.name, checkPolicy(draft, input));
  const inhibitRules = defs.inhibitRules.map((draft) => checkInhibitRule(draft, input));
  const escalations = new Map<string, EscalationDefinition>();
  for (const draft of defs.escalations.values()) {
    escalations.set(draft.name, checkEscalation(draft, input));
  }
  checkReferences(input, policies);
  return { policies, inhibitRules, escalations };
}

function child(place: Place, ...more: (string | number)[]): Place {
  return { file: place.file, segments: [...place.segments, ...more] };
}

function placeOf(location: SourceLocation, ...more: (string | number)[]): Place {
  return { file: location.file, segments: [...fromPointer(location.pointer), ...more] };
}

/**
 * The milliseconds of a duration at `place`; `fallback` when absent. A value of the wrong type is
 * left to the schema; text that is not a duration is reported here.
 */
function durationAt(
  value: unknown,
  place: Place,
  input: PolicyCheckInput,
  fallback?: number,
): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') return fallback;
  const parsed = parseDuration(value);
  if (parsed.ok) return parsed.ms;
  const { reporter } = input.context;
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  const message =
    parsed.reason === 'zero'
      ? `duration '${shown}' is zero; write a positive duration such as 30s`
      : parsed.reason === 'too-long'
        ? `duration '${shown}' is longer than ${formatDuration(MAX_DURATION_MS)}; use at most ${formatDuration(MAX_DURATION_MS)}`
        : `'${shown}' is not a duration; write a whole number and one unit: 30s, 2m, 4h, 7d`;
  reporter.error('EXR_INVALID_DURATION', message, place, { hint: parsed.hint });
  return fallback;
}

/** Checks a list of event field paths (`group.by`, `equal`) and returns the valid ones. */
function fieldPaths(value: unknown, place: Place, input: PolicyCheckInput): string[] {
  if (!Array.isArray(value)) return [];
  const { reporter } = input.context;
  const paths: string[] = [];
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string') return;
    const field = splitFieldPath(item);
    if (field === undefined) {
      reporter.error(
        'EXR_UNSUPPORTED_PATH',
        `'${item.length > 60 ? `${item.slice(0, 60)}…` : item}' is not an event field path; write a field name, optionally followed by .member or [index], e.g. correlationId or data.batchId`,
        child(place, index),
      );
      return;
    }
    if (!EVENT_FIELDS.has(field.fact)) {
      reporter.error(
        'EXR_UNKNOWN_FACT',
        `'${field.fact}' is not an event field; use one of ${[...EVENT_FIELDS].join(', ')} (payload fields live under data, e.g. data.${field.fact})`,
        child(place, index),
        { hint: didYouMean(field.fact, EVENT_FIELDS) },
      );
      return;
    }
    paths.push(item);
  });
  return paths;
}

function checkPolicy(draft: NamedDraft, input: PolicyCheckInput): PolicyDefinition {
  const raw = isRecord(draft.raw) ? draft.raw : {};
  const at = (...more: (string | number)[]) => child(draft.place, ...more);
  const group = isRecord(raw['group']) ? checkGroup(raw['group'], at('group'), input) : undefined;
  let dedup: DedupPolicyDefinition | undefined;
  if (isRecord(raw['dedup'])) {
    const key = keyTemplate(raw['dedup']['key'], at('dedup', 'key'), input);
    const forMs = durationAt(raw['dedup']['for'], at('dedup', 'for'), input);
    if (key !== undefined && forMs !== undefined) dedup = { key, forMs };
  }
  let throttle: ThrottlePolicyDefinition | undefined;
  if (isRecord(raw['throttle'])) {
    const key = keyTemplate(raw['throttle']['key'], at('throttle', 'key'), input);
    const limit = raw['throttle']['limit'];
    const perMs = durationAt(raw['throttle']['per'], at('throttle', 'per'), input);
    if (key !== undefined && typeof limit === 'number' && perMs !== undefined) {
      throttle = { key, limit, perMs };
    }
  }
  return {
    name: draft.name,
    ...(group !== undefined ? { group } : {}),
    ...(dedup !== undefined ? { dedup } : {}),
    ...(throttle !== undefined ? { throttle } : {}),
    critical: raw['critical'] === 'policy' ? 'policy' : 'immediate',
    location: draft.location,
  };
}

function keyTemplate(value: unknown, place: Place, input: PolicyCheckInput): string | undefined {
  if (typeof value !== 'string') return undefined;
  checkPlaceholders(value, place, input.context.reporter);
  return value;
}

function checkGroup(
  raw: Record<string, unknown>,
  place: Place,
  input: PolicyCheckInput,
): GroupPolicyDefinition {
  const { reporter } = input.context;
  const at = (key: string) => child(place, key);
  const waitMs = durationAt(raw['wait'], at('wait'), input, GROUP_DEFAULTS.waitMs)!;
  const intervalMs = durationAt(raw['interval'], at('interval'), input, GROUP_DEFAULTS.intervalMs)!;
  const repeatMs = durationAt(raw['repeat'], at('repeat'), input);
  const closeMs = durationAt(raw['close'], at('close'), input, GROUP_DEFAULTS.closeMs)!;
  if (repeatMs !== undefined && repeatMs < intervalMs) {
    reporter.error(
      'EXR_POLICY_REPEAT_BELOW_INTERVAL',
      `repeat (${formatDuration(repeatMs)}) is shorter than interval (${formatDuration(intervalMs)}); a group is re-sent at most once per interval, so make repeat at least ${formatDuration(intervalMs)}`,
      at('repeat'),
    );
  } else if (repeatMs !== undefined && repeatMs >= closeMs) {
    reporter.warning(
      'EXR_POLICY_REPEAT_AFTER_CLOSE',
      `repeat (${formatDuration(repeatMs)}) is not shorter than close (${formatDuration(closeMs)}): a group with nothing new closes before it would be re-sent; shorten repeat or lengthen close`,
      at('repeat'),
    );
  }
  if (closeMs < intervalMs) {
    reporter.warning(
      'EXR_POLICY_CLOSE_BEFORE_INTERVAL',
      `close (${formatDuration(closeMs)}) is shorter than interval (${formatDuration(intervalMs)}): an item arriving after a quiet spell opens a new group instead of joining the next flush; make close at least interval`,
      raw['close'] === undefined ? at('interval') : at('close'),
    );
  }
  const maxItems = raw['maxItems'];
  return {
    by: fieldPaths(raw['by'], at('by'), input),
    waitMs,
    intervalMs,
    ...(repeatMs !== undefined ? { repeatMs } : {}),
    closeMs,
    ...(typeof maxItems === 'number' ? { maxItems } : {}),
    sendFirst: raw['sendFirst'] === true,
  };
}

/** A `when` matcher at `place`, checked like a rule's; an absent or malformed one matches nothing. */
function eventMatcher(
  value: unknown,
  place: Place,
  input: PolicyCheckInput,
): { matcher: EventMatcherDefinition; leaves: WhenLeaf[] } {
  const when = isRecord(value) ? value : {};
  const leaves = isRecord(value) ? checkWhen(value, place, input.context) : [];
  return { matcher: { when, condition: { all: leaves.map((l) => l.condition) } }, leaves };
}

function checkInhibitRule(draft: InhibitDraft, input: PolicyCheckInput): InhibitRuleDefinition {
  const { raw } = draft;
  const at = (...more: (string | number)[]) => child(draft.place, ...more);
  const source = eventMatcher(raw['source'], at('source'), input);
  const target = eventMatcher(raw['target'], at('target'), input);
  const equal = fieldPaths(raw['equal'], at('equal'), input);
  const forMs = durationAt(raw['for'], at('for'), input, 0)!;
  const description = stringOrUndefined(raw['description']);
  const clash = neverBothMatch(source.leaves, target.leaves, equal);
  if (clash !== undefined) {
    input.context.reporter.warning(
      'EXR_INHIBIT_NEVER_MATCHES',
      `inhibit rule '${draft.id ?? ''}' can never mute anything: '${clash}' must be equal on source and target, but source and target pin it to different values; remove it from equal or fix a matcher`,
      at('equal', equal.indexOf(clash)),
    );
  }
  return {
    id: draft.id ?? '',
    ...(description !== undefined ? { description } : {}),
    source: source.matcher,
    target: target.matcher,
    equal,
    forMs,
    location: draft.location,
  };
}

/**
 * The first `equal` field that source and target pin to disjoint literal values (`equal` or `in`
 * leaves of the same field path), so no source and target can agree on it: the rule never fires.
 * This is the one "never both match" case decidable from the shorthand without guessing.
 */
function neverBothMatch(
  source: readonly WhenLeaf[],
  target: readonly WhenLeaf[],
  equal: readonly string[],
): string | undefined {
  const sourcePins = pinnedValues(source);
  const targetPins = pinnedValues(target);
  for (const field of equal) {
    const key = fieldKey(field);
    if (key === undefined) continue;
    const a = sourcePins.get(key);
    const b = targetPins.get(key);
    if (a === undefined || b === undefined) continue;
    if (![...a].some((value) => b.has(value))) return field;
  }
  return undefined;
}

/** Field (normalised path) → the literal values the leaves allow it, intersected per field. */
function pinnedValues(leaves: readonly WhenLeaf[]): Map<string, Set<string>> {
  const pins = new Map<string, Set<string>>();
  for (const { condition } of leaves) {
    let values: unknown[];
    if (condition.operator === 'equal') values = [condition.value];
    else if (condition.operator === 'in' && Array.isArray(condition.value)) {
      values = condition.value as unknown[];
    } else continue;
    if (values.some((v) => v !== null && typeof v === 'object')) continue;
    const key = leafKey(condition.fact, condition.path);
    if (key === undefined) continue;
    const allowed = new Set(values.map((v) => JSON.stringify(v) ?? ''));
    const before = pins.get(key);
    pins.set(
      key,
      before === undefined ? allowed : new Set([...before].filter((v) => allowed.has(v))),
    );
  }
  return pins;
}

function fieldKey(field: string): string | undefined {
  const split = splitFieldPath(field);
  return split === undefined ? undefined : leafKey(split.fact, split.path);
}

function leafKey(fact: unknown, path: unknown): string | undefined {
  if (typeof fact !== 'string') return undefined;
  if (path === undefined) return JSON.stringify([fact]);
  const segments = typeof path === 'string' ? parseSimplePath(path) : undefined;
  return segments === undefined ? undefined : JSON.stringify([fact, ...segments]);
}

const AFTER_UNITS = ['hours', 'businessHours', 'businessDays'] as const;

function checkEscalation(draft: NamedDraft, input: PolicyCheckInput): EscalationDefinition {
  const raw = isRecord(draft.raw) ? draft.raw : {};
  const at = (...more: (string | number)[]) => child(draft.place, ...more);
  const { reporter } = input.context;
  const steps: EscalationStepDefinition[] = [];
  const list = Array.isArray(raw['steps']) ? (raw['steps'] as unknown[]) : [];
  list.forEach((entry, index) => {
    if (!isRecord(entry)) return;
    const place = at('steps', index);
    const notify = input.checkNotifyEntry(entry, place);
    const after: EscalationStepDefinition['after'] = {};
    const rawAfter = isRecord(entry['after']) ? entry['after'] : {};
    for (const unit of AFTER_UNITS) {
      const amount = rawAfter[unit];
      if (typeof amount === 'number') after[unit] = amount;
    }
    const business = after.businessHours !== undefined || after.businessDays !== undefined;
    if (business && input.defs.regionCalendars.size === 0) {
      reporter.error(
        'EXR_REGION_CALENDAR_REQUIRED',
        'this step counts business time in the calendar of the event region, but regionCalendars is empty; map regions (or region groups) to calendars, e.g. regionCalendars: { UK: uk-office }',
        child(place, 'after'),
      );
    }
    const previous = steps[steps.length - 1];
    const unit = AFTER_UNITS.find((u) => after[u] !== undefined);
    if (previous !== undefined && unit !== undefined) {
      const before = previous.after[unit];
      if (before !== undefined && after[unit]! <= before) {
        reporter.warning(
          'EXR_ESCALATION_STEP_ORDER',
          `step ${index + 1} comes after ${after[unit]!} ${unit} but step ${index} already after ${before}; steps count from the original event, so each must wait longer than the one before`,
          child(place, 'after', unit),
        );
      }
    }
    steps.push({
      after,
      to: notify.to,
      template: notify.template,
      ...(notify.channels !== undefined ? { channels: notify.channels } : {}),
      location: notify.location,
    });
  });
  let resolvedBy: EscalationResolutionDefinition | undefined;
  if (isRecord(raw['resolvedBy'])) {
    const { matcher } = eventMatcher(raw['resolvedBy']['when'], at('resolvedBy', 'when'), input);
    const equal = fieldPaths(raw['resolvedBy']['equal'], at('resolvedBy', 'equal'), input);
    resolvedBy = { ...matcher, equal };
  }
  return {
    name: draft.name,
    steps,
    ...(resolvedBy !== undefined ? { resolvedBy } : {}),
    location: draft.location,
  };
}

/** Notify entries' `policy` / `escalate` names, groups without a digest, and unused entries. */
function checkReferences(
  input: PolicyCheckInput,
  policies: ReadonlyMap<string, PolicyDefinition>,
): void {
  const { defs, rules } = input;
  const { reporter } = input.context;
  const usedPolicies = new Set<string>();
  const usedEscalations = new Set<string>();
  for (const rule of rules) {
    for (const notify of rule.notify) {
      if (notify.policy !== undefined) {
        const policy = policies.get(notify.policy);
        if (policy === undefined) {
          reporter.error(
            'EXR_UNKNOWN_POLICY',
            `policy '${notify.policy}' is not defined under policies`,
            placeOf(notify.location, 'policy'),
            { hint: didYouMean(notify.policy, defs.policies.keys()) },
          );
        } else {
          usedPolicies.add(policy.name);
          const template = defs.templates.get(notify.template);
          if (policy.group !== undefined && template !== undefined && !template.digest) {
            reporter.warning(
              'EXR_GROUP_WITHOUT_DIGEST',
              `policy '${policy.name}' groups notifications, but template '${template.key}' has no digest, so a flush carries count, firstAt and lastAt but no lines; add digest: { line: … } to the template`,
              placeOf(notify.location, 'policy'),
            );
          }
        }
      }
      if (notify.escalate !== undefined) {
        if (defs.escalations.has(notify.escalate)) usedEscalations.add(notify.escalate);
        else {
          reporter.error(
            'EXR_UNKNOWN_ESCALATION',
            `escalation '${notify.escalate}' is not defined under escalations`,
            placeOf(notify.location, 'escalate'),
            { hint: didYouMean(notify.escalate, defs.escalations.keys()) },
          );
        }
      }
    }
  }
  for (const draft of defs.policies.values()) {
    if (usedPolicies.has(draft.name)) continue;
    reporter.warning(
      'EXR_UNUSED_POLICY',
      `policy '${draft.name}' is not named by any notify entry; reference it with policy: ${draft.name} or remove it`,
      draft.place,
      { at: 'key' },
    );
  }
  for (const draft of defs.escalations.values()) {
    if (usedEscalations.has(draft.name)) continue;
    reporter.warning(
      'EXR_UNUSED_ESCALATION',
      `escalation '${draft.name}' is not started by any notify entry; reference it with escalate: ${draft.name} or remove it`,
      draft.place,
      { at: 'key' },
    );
  }
}
