import type { SourceLocation } from '../model/diagnostic.js';
import type {
  CalendarDefinition,
  RecipientDefinition,
  RegionCalendarDefinition,
  RegionGroupDefinition,
  RuleFileMetadata,
  TemplateDefinition,
  Weekday,
} from '../model/rule-set.js';
import type { Place, LocatedReporter } from './located-reporter.js';
import {
  isRecord,
  safeEntries,
  stringList,
  stringOrUndefined,
  stringRecord,
} from './shape-guards.js';

/** The address keys of a recipient; each is also the channel it serves. */
export const ADDRESS_CHANNELS = ['email', 'sms', 'fax', 'whatsapp'] as const;

/** A shared condition as written, before its checks pass. */
export interface SharedConditionDraft {
  name: string;
  condition: unknown;
  place: Place;
  location: SourceLocation;
}

/** A rule as written, with where it came from and its global file order. */
export interface RuleDraft {
  raw: Record<string, unknown>;
  id: string | undefined;
  order: number;
  place: Place;
  location: SourceLocation;
}

/** A named entry of a policy section (`policies`, `escalations`) as written, unchecked. */
export interface NamedDraft {
  name: string;
  raw: unknown;
  place: Place;
  location: SourceLocation;
}

/** An inhibit rule as written, with where it came from. */
export interface InhibitDraft {
  raw: Record<string, unknown>;
  id: string | undefined;
  place: Place;
  location: SourceLocation;
}

/** Every definition of every file, merged; the first definition of a key wins. */
export interface CollectedDefinitions {
  files: string[];
  metadata: RuleFileMetadata[];
  regions: Map<string, RegionGroupDefinition>;
  recipients: Map<string, RecipientDefinition>;
  templates: Map<string, TemplateDefinition>;
  sharedConditions: Map<string, SharedConditionDraft>;
  calendars: Map<string, CalendarDefinition>;
  regionCalendars: Map<string, RegionCalendarDefinition>;
  rules: RuleDraft[];
  /** Rule id → where it was first defined. */
  ruleIds: Map<string, SourceLocation>;
  policies: Map<string, NamedDraft>;
  escalations: Map<string, NamedDraft>;
  /** Inhibit rules in file order; a repeated id is reported and left out. */
  inhibitRules: InhibitDraft[];
  /** Inhibit rule id → where it was first defined. */
  inhibitIds: Map<string, SourceLocation>;
}

/** An empty collection to merge files into. */
export function emptyDefinitions(): CollectedDefinitions {
  return {
    files: [],
    metadata: [],
    regions: new Map(),
    recipients: new Map(),
    templates: new Map(),
    sharedConditions: new Map(),
    calendars: new Map(),
    regionCalendars: new Map(),
    rules: [],
    ruleIds: new Map(),
    policies: new Map(),
    escalations: new Map(),
    inhibitRules: [],
    inhibitIds: new Map(),
  };
}

const SECTION_NOUN: Record<string, string> = {
  regions: 'region group',
  recipients: 'recipient',
  templates: 'template',
  sharedConditions: 'shared condition',
  calendars: 'calendar',
  regionCalendars: 'region calendar',
  policies: 'policy',
  escalations: 'escalation',
  inhibit: 'inhibit rule',
};

/**
 * Adds one parsed file's definitions to `into`, reporting every key (or rule id) that an earlier
 * place already defined, with both places named. Malformed entries are read as far as they go.
 */
export function collectFile(
  file: string,
  value: unknown,
  into: CollectedDefinitions,
  reporter: LocatedReporter,
): void {
  into.files.push(file);
  const root = isRecord(value) ? value : {};
  const metadata = isRecord(root['metadata']) ? root['metadata'] : {};
  into.metadata.push({
    file,
    ...optionalString('name', metadata['name']),
    ...optionalString('owner', metadata['owner']),
    ...optionalString('description', metadata['description']),
    ...(isRecord(metadata['labels']) ? { labels: stringRecord(metadata['labels']) } : {}),
  });

  const entries = (section: string) =>
    safeEntries(root[section]).map(([key, item]) => {
      const place: Place = { file, segments: [section, key] };
      return { key, item, place, location: reporter.locate(place, 'key') };
    });
  const add = <T extends { location: SourceLocation }>(
    section: string,
    map: Map<string, T>,
    key: string,
    definition: T,
    place: Place,
  ) => {
    const first = map.get(key);
    if (first !== undefined) {
      reporter.error(
        'EXR_DUPLICATE_DEFINITION',
        `${SECTION_NOUN[section] ?? section} '${key}' is defined twice: first at ${where(first.location)}, again here; keep one definition or rename one`,
        place,
        { at: 'key' },
      );
      return;
    }
    map.set(key, definition);
  };

  for (const { key, item, place, location } of entries('regions')) {
    add('regions', into.regions, key, { name: key, members: stringList(item), location }, place);
  }
  for (const { key, item, place, location } of entries('recipients')) {
    add('recipients', into.recipients, key, recipientFrom(key, item, location), place);
  }
  for (const { key, item, place, location } of entries('templates')) {
    add('templates', into.templates, key, templateFrom(key, item, location), place);
  }
  for (const { key, item, place, location } of entries('sharedConditions')) {
    add(
      'sharedConditions',
      into.sharedConditions,
      key,
      { name: key, condition: item, place, location },
      place,
    );
  }
  for (const { key, item, place, location } of entries('calendars')) {
    add('calendars', into.calendars, key, calendarFrom(key, item, location), place);
  }
  for (const { key, item, place, location } of entries('regionCalendars')) {
    const calendar = stringOrUndefined(item) ?? '';
    add('regionCalendars', into.regionCalendars, key, { region: key, calendar, location }, place);
  }

  for (const { key, item, place, location } of entries('policies')) {
    add('policies', into.policies, key, { name: key, raw: item, place, location }, place);
  }
  for (const { key, item, place, location } of entries('escalations')) {
    add('escalations', into.escalations, key, { name: key, raw: item, place, location }, place);
  }
  collectInhibitRules(file, root['inhibit'], into, reporter);

  const rules = Array.isArray(root['rules']) ? (root['rules'] as unknown[]) : [];
  rules.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const place: Place = { file, segments: ['rules', index] };
    const id = stringOrUndefined(raw['id']);
    const draft: RuleDraft = {
      raw,
      id,
      order: into.rules.length,
      place,
      location: reporter.locate(place),
    };
    if (id !== undefined) {
      const first = into.ruleIds.get(id);
      if (first !== undefined) {
        reporter.error(
          'EXR_DUPLICATE_RULE_ID',
          `rule id '${id}' is used twice: first at ${where(first)}, again here; rule ids must be unique across all files`,
          { file, segments: ['rules', index, 'id'] },
        );
      } else {
        into.ruleIds.set(id, draft.location);
      }
    }
    into.rules.push(draft);
  });
}

function collectInhibitRules(
  file: string,
  value: unknown,
  into: CollectedDefinitions,
  reporter: LocatedReporter,
): void {
  if (!Array.isArray(value)) return;
  value.forEach((raw: unknown, index) => {
    if (!isRecord(raw)) return;
    const place: Place = { file, segments: ['inhibit', index] };
    const id = stringOrUndefined(raw['id']);
    const location = reporter.locate(place);
    if (id !== undefined) {
      const first = into.inhibitIds.get(id);
      if (first !== undefined) {
        reporter.error(
          'EXR_DUPLICATE_DEFINITION',
          `inhibit rule '${id}' is defined twice: first at ${where(first)}, again here; inhibit ids must be unique across all files`,
          { file, segments: ['inhibit', index, 'id'] },
        );
        return;
      }
      into.inhibitIds.set(id, location);
    }
    into.inhibitRules.push({ raw, id, place, location });
  });
}

function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

function optionalString<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return typeof value === 'string' ? ({ [key]: value } as { [P in K]?: string }) : {};
}

function recipientFrom(key: string, item: unknown, location: SourceLocation): RecipientDefinition {
  const raw = isRecord(item) ? item : {};
  const addresses: Record<string, readonly string[]> = {};
  for (const channel of ADDRESS_CHANNELS) {
    const list = stringList(raw[channel]);
    if (list.length > 0) addresses[channel] = list;
  }
  return {
    key,
    addresses,
    members: stringList(raw['members']),
    ...optionalString('description', raw['description']),
    location,
  };
}

function templateFrom(key: string, item: unknown, location: SourceLocation): TemplateDefinition {
  const raw = isRecord(item) ? item : {};
  return {
    key,
    id: stringOrUndefined(raw['id']) ?? '',
    channels: stringList(raw['channels']),
    ...optionalString('subject', raw['subject']),
    params: stringRecord(raw['params']),
    ...digestFrom(raw['digest']),
    ...optionalString('description', raw['description']),
    location,
  };
}

/** Lines a digest sends when `maxLines` is not given. */
export const DEFAULT_DIGEST_MAX_LINES = 50;

function digestFrom(value: unknown): Pick<TemplateDefinition, 'digest'> {
  if (!isRecord(value) || typeof value['line'] !== 'string') return {};
  const maxLines = value['maxLines'];
  return {
    digest: {
      line: value['line'],
      maxLines:
        typeof maxLines === 'number' && Number.isInteger(maxLines) && maxLines >= 1
          ? maxLines
          : DEFAULT_DIGEST_MAX_LINES,
    },
  };
}

const WEEKDAYS: ReadonlySet<string> = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

function calendarFrom(name: string, item: unknown, location: SourceLocation): CalendarDefinition {
  const raw = isRecord(item) ? item : {};
  return {
    name,
    timezone: stringOrUndefined(raw['timezone']) ?? '',
    days: stringList(raw['days']).filter((d): d is Weekday => WEEKDAYS.has(d)),
    hours: stringList(raw['hours']),
    holidays: stringList(raw['holidays']),
    location,
  };
}
