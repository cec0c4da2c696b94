/**
 * The notification matrix auditors ask for: per document type × region, who is notified of what
 * (event type, template, channel, recipients). It is derived, not guessed: the document types,
 * regions and event types are the ones the rule set itself mentions, and every combination is
 * routed through the core router as one representative event.
 */
import { createRouter } from '@exroute/core';
import type { Condition, Diagnostic, NormalizedEvent, RuleSet } from '@exroute/core';

/** More representative events than this: the matrix would be unreadable; narrow it with `types`. */
export const MAX_MATRIX_EVENTS = 100_000;

/** Shown for a value the rule set does not mention (one representative stands for all of them). */
export const OTHER_VALUE = '(other)';
/** Shown when the event carries no such field at all. */
export const NO_VALUE = '(none)';

/** One line of the matrix: one notification for one (document type, region, event type). */
export interface MatrixRow {
  /** A document type the rules mention, `(other)` or `(none)`. */
  documentType: string;
  /** A region code the rules or region groups mention, `(other)` or `(none)`. */
  region: string;
  /** The event type; empty on a row saying that nobody is notified for this cell. */
  eventType: string;
  template: string;
  /** The template id the Notifications side knows. */
  templateId: string;
  channel: string;
  /** Directory keys of the people or mailboxes reached, sorted. */
  recipients: string[];
  /** Their addresses on this channel, sorted. */
  addresses: string[];
  /** The rules that produced the notification, in evaluation order. */
  rules: string[];
  policy?: string;
}

/** The matrix, the vocabulary it was built from, and what it cannot show. */
export interface NotificationMatrix {
  /** The router clock and event time of every representative event. */
  at: string;
  documentTypes: string[];
  regions: string[];
  eventTypes: string[];
  rows: MatrixRow[];
  /**
   * Rules whose conditions also read other fields (priority, channel, data.…, time, …): their
   * rows appear only where a representative event (priority normal, no channel, empty data)
   * satisfies them.
   */
  otherFields: { ruleId: string; fields: string[] }[];
  diagnostics: Diagnostic[];
}

/** Options of `buildNotificationMatrix`. */
export interface NotificationMatrixOptions {
  /** Router clock and event time (default: now). */
  at?: Date;
  /** Only these event types (default: every type the rules mention, plus one other). */
  types?: readonly string[];
}

const DIMENSIONS = ['type', 'documentType', 'region'] as const;
type Dimension = (typeof DIMENSIONS)[number];

/**
 * Builds the matrix of `ruleSet`: collects every document type, region (codes in conditions, in
 * region groups and in regionCalendars; a `within` group counts as its member codes) and event
 * type its conditions mention, adds one value it does not mention and "field absent", routes one
 * event per combination and lists each notification. Never throws; a vocabulary too large to
 * route becomes an `EXR_MATRIX_TOO_LARGE` diagnostic and an empty matrix.
 */
export function buildNotificationMatrix(
  ruleSet: RuleSet,
  options: NotificationMatrixOptions = {},
): NotificationMatrix {
  const at = (options.at ?? new Date()).toISOString();
  const vocabulary = collectVocabulary(ruleSet);
  const types = options.types !== undefined ? [...new Set(options.types)] : sorted(vocabulary.type);
  const eventTypes =
    options.types !== undefined ? types : [...types, unused('other', vocabulary.type)];
  const documentTypes = [
    ...sorted(vocabulary.documentType),
    unused('other', vocabulary.documentType),
    undefined,
  ];
  const regions = [...sorted(vocabulary.region), unused('OTHER', vocabulary.region), undefined];
  const otherType = options.types !== undefined ? undefined : eventTypes[eventTypes.length - 1];
  const base = {
    at,
    documentTypes: documentTypes.map((d, i) => label(d, i === documentTypes.length - 2)),
    regions: regions.map((r, i) => label(r, i === regions.length - 2)),
    eventTypes: eventTypes.map((t) => (t === otherType ? OTHER_VALUE : t)),
    otherFields: vocabulary.otherFields,
  };
  const combinations = eventTypes.length * documentTypes.length * regions.length;
  if (combinations > MAX_MATRIX_EVENTS) {
    return {
      ...base,
      rows: [],
      diagnostics: [
        {
          code: 'EXR_MATRIX_TOO_LARGE',
          severity: 'error',
          message: `the rules mention ${eventTypes.length} event types, ${documentTypes.length} document types and ${regions.length} regions: ${combinations} combinations, more than ${MAX_MATRIX_EVENTS}; choose event types with --type`,
        },
      ],
    };
  }
  const clock = new Date(at);
  const router = createRouter(ruleSet, { clock: () => clock });
  const rows: MatrixRow[] = [];
  const diagnostics: Diagnostic[] = [];
  documentTypes.forEach((documentType, d) => {
    regions.forEach((region, r) => {
      const cell = { documentType: base.documentTypes[d]!, region: base.regions[r]! };
      let notified = false;
      for (const [t, type] of eventTypes.entries()) {
        const event: NormalizedEvent = {
          id: `matrix-${d}-${r}-${t}`,
          source: 'exroute/matrix',
          type,
          time: at,
          ...(documentType !== undefined ? { documentType } : {}),
          ...(region !== undefined ? { region } : {}),
          data: {},
        };
        let decision;
        try {
          decision = router.route(event);
        } catch (error) {
          if (diagnostics.length < 100) {
            diagnostics.push({
              code: 'EXR_MATRIX_ROUTING_FAILED',
              severity: 'error',
              message: `routing type '${type}' failed: ${error instanceof Error ? error.message : String(error)}`,
            });
          }
          continue;
        }
        for (const n of decision.notifications) {
          notified = true;
          rows.push({
            ...cell,
            eventType: base.eventTypes[t]!,
            template: n.template,
            templateId: n.templateId,
            channel: n.channel,
            recipients: sorted(new Set(n.recipients.map((x) => x.key))),
            addresses: sorted(new Set(n.recipients.map((x) => x.address))),
            rules: [...n.ruleIds],
            ...(n.policy !== undefined ? { policy: n.policy } : {}),
          });
        }
      }
      if (!notified) {
        rows.push({
          ...cell,
          eventType: '',
          template: '',
          templateId: '',
          channel: '',
          recipients: [],
          addresses: [],
          rules: [],
        });
      }
    });
  });
  return { ...base, rows, diagnostics };
}

function label(value: string | undefined, isOther: boolean): string {
  if (value === undefined) return NO_VALUE;
  return isOther ? OTHER_VALUE : value;
}

/** `stem`, or `stem-2`, … : a value the rules do not mention, standing for all such values. */
function unused(stem: string, mentioned: ReadonlySet<string>): string {
  let candidate = stem;
  for (let i = 2; mentioned.has(candidate); i++)
    candidate = `${stem}${stem === 'OTHER' ? '' : '-'}${i}`;
  return candidate;
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

interface Vocabulary {
  type: Set<string>;
  documentType: Set<string>;
  region: Set<string>;
  otherFields: { ruleId: string; fields: string[] }[];
}

function collectVocabulary(ruleSet: RuleSet): Vocabulary {
  const vocabulary: Vocabulary = {
    type: new Set(),
    documentType: new Set(),
    region: new Set(),
    otherFields: [],
  };
  const groupMembers = (name: string, seen: Set<string>): string[] => {
    const group = ruleSet.regions.get(name);
    if (group === undefined) return [name];
    if (seen.has(name)) return [];
    seen.add(name);
    return group.members.flatMap((member) => groupMembers(member, seen));
  };
  for (const group of ruleSet.regions.values()) {
    for (const code of groupMembers(group.name, new Set())) vocabulary.region.add(code);
  }
  for (const region of ruleSet.regionCalendars.keys()) {
    for (const code of groupMembers(region, new Set())) vocabulary.region.add(code);
  }
  const sharedFields = new Map<string, Set<string>>();
  for (const shared of ruleSet.sharedConditions.values()) {
    const fields = new Set<string>();
    walk(shared.condition, vocabulary, groupMembers, fields);
    sharedFields.set(shared.name, fields);
  }
  for (const rule of ruleSet.rules) {
    const fields = new Set<string>();
    const references: string[] = [];
    walk(rule.condition, vocabulary, groupMembers, fields, references);
    for (const name of references) for (const f of sharedFields.get(name) ?? []) fields.add(f);
    if (rule.effective !== undefined) fields.add('effective');
    if (fields.size > 0) vocabulary.otherFields.push({ ruleId: rule.id, fields: sorted(fields) });
  }
  return vocabulary;
}

function walk(
  condition: Condition,
  vocabulary: Vocabulary,
  groupMembers: (name: string, seen: Set<string>) => string[],
  otherFields: Set<string>,
  references: string[] = [],
): void {
  const pending: Condition[] = [condition];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if ('all' in node) pending.push(...node.all);
    else if ('any' in node) pending.push(...node.any);
    else if ('not' in node) pending.push(node.not);
    else if ('condition' in node) references.push(node.condition);
    else {
      const fact = node.fact;
      const operator = node.operator.split(':').pop() ?? '';
      if (!(DIMENSIONS as readonly string[]).includes(fact) || node.path !== undefined) {
        otherFields.add(node.path !== undefined ? `${fact}${node.path.slice(1)}` : fact);
        continue;
      }
      const values = Array.isArray(node.value) ? (node.value as unknown[]) : [node.value];
      for (const value of values) {
        // A value no valid event can carry (empty, or past the event schema's 1000 characters)
        // cannot be routed; `(other)` stands for it.
        if (typeof value === 'string' && (value === '' || value.length > 1000)) continue;
        if (typeof value !== 'string') {
          if (value !== null && typeof value === 'object')
            otherFields.add(`${fact} (compared with another field)`);
          continue;
        }
        if (fact === 'region') {
          for (const code of operator === 'within' ? groupMembers(value, new Set()) : [value]) {
            vocabulary.region.add(code);
          }
        } else if (fact === 'type') {
          if (/^[a-z0-9_]+(\.[a-z0-9_]+)*$/.test(value)) vocabulary.type.add(value);
        } else {
          vocabulary[fact as Exclude<Dimension, 'type' | 'region'>].add(value);
        }
      }
    }
  }
}
