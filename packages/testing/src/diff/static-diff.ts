/**
 * The static half of `exroute diff`: every named definition of two rule sets compared by key,
 * field by field, ignoring where it is written (file, line, order in the file).
 */
import { canonicalJson } from '@exroute/core';
import type { RuleSet, SourceLocation } from '@exroute/core';
import type { DefinitionChange, DefinitionKind } from './model.js';

/** A definition reduced to what the diff compares: its place and its fields. */
interface Comparable {
  location: SourceLocation;
  fields: Record<string, unknown>;
}

/** Every kind, in report order, with how to list its definitions. */
const KINDS: readonly [DefinitionKind, (ruleSet: RuleSet) => Map<string, Comparable>][] = [
  [
    'rule',
    (rs) =>
      byKey(rs.rules, (rule) => [
        rule.id,
        {
          location: rule.location,
          fields: {
            description: rule.description,
            owner: rule.owner,
            approvedBy: rule.approvedBy,
            ticket: rule.ticket,
            reviewBy: rule.reviewBy,
            priority: rule.priority,
            when: rule.when,
            conditions: rule.conditions,
            notify: rule.notify.map(({ location: _location, ...entry }) => entry),
            stop: rule.stop,
            effective: rule.effective,
          },
        },
      ]),
  ],
  [
    'recipient',
    (rs) =>
      byKey(rs.recipients.values(), (r) => [
        r.key,
        {
          location: r.location,
          fields: { addresses: r.addresses, members: r.members, description: r.description },
        },
      ]),
  ],
  [
    'template',
    (rs) =>
      byKey(rs.templates.values(), (t) => [
        t.key,
        {
          location: t.location,
          fields: {
            id: t.id,
            channels: t.channels,
            subject: t.subject,
            params: t.params,
            digest: t.digest,
            description: t.description,
          },
        },
      ]),
  ],
  [
    'policy',
    (rs) =>
      byKey(rs.policies.values(), (p) => [
        p.name,
        {
          location: p.location,
          fields: { group: p.group, dedup: p.dedup, throttle: p.throttle, critical: p.critical },
        },
      ]),
  ],
  [
    'inhibit',
    (rs) =>
      byKey(rs.inhibitRules, (i) => [
        i.id,
        {
          location: i.location,
          fields: {
            description: i.description,
            source: i.source.when,
            target: i.target.when,
            equal: i.equal,
            for: i.forMs,
          },
        },
      ]),
  ],
  [
    'escalation',
    (rs) =>
      byKey(rs.escalations.values(), (e) => [
        e.name,
        {
          location: e.location,
          fields: {
            steps: e.steps.map(({ location: _location, ...step }) => step),
            resolvedBy:
              e.resolvedBy === undefined
                ? undefined
                : { when: e.resolvedBy.when, equal: e.resolvedBy.equal },
          },
        },
      ]),
  ],
  [
    'calendar',
    (rs) =>
      byKey(rs.calendars.values(), (c) => [
        c.name,
        {
          location: c.location,
          fields: { timezone: c.timezone, days: c.days, hours: c.hours, holidays: c.holidays },
        },
      ]),
  ],
  [
    'regionCalendar',
    (rs) =>
      byKey(rs.regionCalendars.values(), (r) => [
        r.region,
        { location: r.location, fields: { calendar: r.calendar } },
      ]),
  ],
  [
    'region',
    (rs) =>
      byKey(rs.regions.values(), (g) => [
        g.name,
        { location: g.location, fields: { members: g.members } },
      ]),
  ],
  [
    'sharedCondition',
    (rs) =>
      byKey(rs.sharedConditions.values(), (c) => [
        c.name,
        { location: c.location, fields: { condition: c.condition } },
      ]),
  ],
];

function byKey<T>(
  items: Iterable<T>,
  entry: (item: T) => [string, Comparable],
): Map<string, Comparable> {
  const map = new Map<string, Comparable>();
  for (const item of items) {
    const [key, value] = entry(item);
    map.set(key, value);
  }
  return map;
}

/**
 * Every definition added, removed or changed from `before` to `after`, by kind (rules,
 * recipients, templates, policies, inhibit rules, escalations, calendars, region calendars,
 * regions, shared conditions), then key; a change lists the fields that differ.
 */
export function diffDefinitions(before: RuleSet, after: RuleSet): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  for (const [kind, list] of KINDS) {
    const olds = list(before);
    const news = list(after);
    const keys = [...new Set([...olds.keys(), ...news.keys()])].sort();
    for (const key of keys) {
      const old = olds.get(key);
      const now = news.get(key);
      if (old !== undefined && now !== undefined) {
        const fields = changedFields(old.fields, now.fields);
        if (fields.length > 0) {
          changes.push({
            kind,
            key,
            change: 'changed',
            old: place(old.location),
            new: place(now.location),
            fields,
          });
        }
      } else if (old !== undefined) {
        changes.push({ kind, key, change: 'removed', old: place(old.location) });
      } else if (now !== undefined) {
        changes.push({ kind, key, change: 'added', new: place(now.location) });
      }
    }
  }
  return changes;
}

function changedFields(old: Record<string, unknown>, now: Record<string, unknown>): string[] {
  return Object.keys(old)
    .filter((field) => canonicalJson(old[field]) !== canonicalJson(now[field]))
    .sort();
}

function place(location: SourceLocation): { file: string; line: number } {
  return { file: location.file, line: location.line };
}
