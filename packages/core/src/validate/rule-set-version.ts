import { createHash } from 'node:crypto';
import type { RuleSet } from '../model/rule-set.js';
import { canonicalJson } from './canonical-json.js';

/** The routing-relevant parts of a rule set: no files, positions, comments, metadata, prose. */
type VersionInput = Omit<
  RuleSet,
  'version' | 'files' | 'metadata' | 'warnings' | 'policies' | 'inhibitRules' | 'escalations'
>;

/**
 * `sha256:` + the first 16 hex digits of SHA-256 over canonical JSON (sorted keys) of everything
 * that affects routing: regions, recipients' addresses and members, templates, shared
 * conditions, calendars, region calendars, and each rule's id, priority, order, condition,
 * notify entries, stop and effective window. Changing a description, an owner, a comment, a file
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
  };
  const digest = createHash('sha256').update(canonicalJson(content)).digest('hex');
  return `sha256:${digest.slice(0, 16)}`;
}

function sortedObject<T>(
  map: ReadonlyMap<string, T>,
  pick: (value: T) => unknown,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of [...map.keys()].sort()) result[key] = pick(map.get(key)!);
  return result;
}
