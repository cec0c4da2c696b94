import type { CHECKED } from '../model/checked-rule-set.js';
import { createHash } from 'node:crypto';
import type { RuleSet } from '../model/rule-set.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The routing-relevant parts of a rule set: no files, positions, comments, metadata, prose. The
 * policy sections are optional so callers that predate them hash as before.
 */
type VersionInput = Omit<
  RuleSet,
  | typeof CHECKED
  | 'version'
  | 'files'
  | 'metadata'
  | 'warnings'
  | 'policies'
  | 'inhibitRules'
  | 'escalations'
  | 'invariants'
> &
  Partial<Pick<RuleSet, 'invariants'>> &
  Partial<Pick<RuleSet, 'policies' | 'inhibitRules' | 'escalations'>>;

/**
 * `sha256:` + the first 16 hex digits of SHA-256 over canonical JSON (sorted keys) of everything
 * that affects routing: regions, recipients' addresses and members, templates, shared
 * conditions, calendars, region calendars, and each rule's id, priority, order, condition,
 * notify entries, stop and effective window; and the notification policies, inhibit rules and
 * escalations (DESIGN.md §8) and the invariants (docs/governance.md), which enter the hash only when present, so a rule set without them
 * keeps the version it had before they existed. Changing a description, an owner, a comment, a file
 * name or the layout of the files does not change it.
 */
export function computeRuleSetVersion(ruleSet: VersionInput): string {
  const content = {
    regions: sortedObject(ruleSet.regions, (g) => g.members),
    recipients: sortedObject(ruleSet.recipients, (r) => ({
      addresses: r.addresses,
      members: r.members,
    })),
    templates: sortedObject(ruleSet.templates, (t) => ({
      id: t.id,
      channels: t.channels,
      subject: t.subject,
      params: t.params,
      digest: t.digest,
    })),
    sharedConditions: sortedObject(ruleSet.sharedConditions, (c) => c.condition),
    calendars: sortedObject(ruleSet.calendars, (c) => ({
      timezone: c.timezone,
      days: c.days,
      hours: c.hours,
      holidays: c.holidays,
    })),
    regionCalendars: sortedObject(ruleSet.regionCalendars, (r) => r.calendar),
    rules: ruleSet.rules.map((rule) => ({
      id: rule.id,
      priority: rule.priority,
      order: rule.order,
      condition: rule.condition,
      notify: rule.notify.map(({ location: _location, ...entry }) => entry),
      stop: rule.stop,
      effective: rule.effective,
    })),
    policies: nonEmpty(ruleSet.policies, (p) => ({
      group: p.group,
      dedup: p.dedup,
      throttle: p.throttle,
      critical: p.critical,
    })),
    inhibitRules:
      ruleSet.inhibitRules === undefined || ruleSet.inhibitRules.length === 0
        ? undefined
        : ruleSet.inhibitRules.map((rule) => ({
            id: rule.id,
            source: rule.source.condition,
            target: rule.target.condition,
            equal: rule.equal,
            forMs: rule.forMs,
          })),
    escalations: nonEmpty(ruleSet.escalations, (e) => ({
      steps: e.steps.map(({ location: _location, ...step }) => step),
      resolvedBy:
        e.resolvedBy === undefined
          ? undefined
          : { condition: e.resolvedBy.condition, equal: e.resolvedBy.equal },
    })),
    invariants:
      ruleSet.invariants === undefined || ruleSet.invariants.length === 0
        ? undefined
        : ruleSet.invariants.map((invariant) => ({
            id: invariant.id,
            condition: invariant.condition,
            require: invariant.require,
            group: invariant.group,
          })),
  };
  const digest = createHash('sha256').update(canonicalJson(content)).digest('hex');
  return `sha256:${digest.slice(0, 16)}`;
}

function nonEmpty<T>(
  map: ReadonlyMap<string, T> | undefined,
  pick: (value: T) => unknown,
): Record<string, unknown> | undefined {
  return map === undefined || map.size === 0 ? undefined : sortedObject(map, pick);
}

function sortedObject<T>(
  map: ReadonlyMap<string, T>,
  pick: (value: T) => unknown,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of [...map.keys()].sort()) result[key] = pick(map.get(key)!);
  return result;
}
