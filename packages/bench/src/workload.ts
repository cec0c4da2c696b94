/**
 * The benchmark workload: a deterministic, realistic rule set of any size (as YAML text), the
 * same rules as hand-written closures, and events drawn from the same vocabularies so that a
 * fair share of them match something.
 */
import { KNOWN_EVENT_TYPES } from '@exroute/core';
import type { NormalizedEvent, Priority } from '@exroute/core';

/**
 * Which rule set to generate: `mixed` is the realistic set (every rule pins `type` and one
 * `documentType` of rules ÷ 10; some add region, channel, priority, data and any/not);
 * `pinned` is issue 15's set: every rule pins `type` (6 values), two `documentType`s of 60, a
 * region group and a minimum priority, so no single field narrows the candidates much.
 */
export type WorkloadShape = 'mixed' | 'pinned';

/**
 * How the rules are written: `when` shorthand, or json-rules-engine's own `conditions` format
 * (an `all` chain whose pins vary from rule to rule between `equal`, `in` lists, `any` of
 * `equal`s, `within` or its expanded member list, `atLeast` or the priority list, flat or in
 * nested `all`s). Both say the same thing, so they match the same rules.
 */
export type RuleFormat = 'when' | 'conditions';

/** Options of `generateWorkload`. */
export interface WorkloadOptions {
  shape?: WorkloadShape;
  format?: RuleFormat;
  seed?: number;
}

/** One generated rule, kept as data so it can be written as YAML and as a closure alike. */
export interface RuleSpec {
  id: string;
  priority: number;
  type: string;
  /** One or two document types (`equal`, or an `in` list). */
  documentTypes: readonly string[];
  /** `region: { within: group }`. */
  regionGroup?: string;
  /** `channel: [..]` (an `in`). */
  channels?: readonly string[];
  /** `priority: { atLeast: .. }`. */
  atLeast?: Priority;
  /** `data.volume: { greaterThan: .. }`. */
  minVolume?: number;
  /** `conditions: { any: [ data.regulated == true, not: channel == excludedChannel ] }`. */
  regulatedOrNotChannel?: string;
  recipient: string;
  template: string;
}

/** One generated rule file. */
export interface WorkloadFile {
  name: string;
  text: string;
}

/** The generated rule set in both forms. */
export interface Workload {
  rules: RuleSpec[];
  /**
   * The rule files, in load order: the directory (regions, recipients, templates) first, then
   * the rules in chunks that stay well below the loader's 1 MiB file limit.
   */
  files: WorkloadFile[];
}

/** Rules per generated file. */
const RULES_PER_FILE = 1000;

/** Region groups of the generated rule set and their member codes. */
export const REGION_GROUPS: Readonly<Record<string, readonly string[]>> = {
  EMEA: ['UK', 'DE', 'FR', 'NL', 'NO'],
  AMER: ['US', 'CA', 'BR'],
  APAC: ['JP', 'AU', 'SG'],
};
const REGION_CODES = Object.values(REGION_GROUPS).flat();
const CHANNELS = ['email', 'sms', 'print', 'web', 'mobile', 'archive'] as const;
const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'critical'];
const RECIPIENTS = 20;
const TEMPLATES = 10;

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same rules and events. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** The event types and document types rules and events draw from. */
function vocabularyFor(
  ruleCount: number,
  shape: WorkloadShape,
): {
  types: readonly string[];
  documentTypes: readonly string[];
} {
  if (shape === 'pinned') {
    return {
      types: KNOWN_EVENT_TYPES.slice(0, 6),
      documentTypes: Array.from({ length: 60 }, (_, i) => `doc-${i}`),
    };
  }
  // Document types scale with the rule set, as they do when more teams write rules.
  const count = Math.max(5, Math.ceil(ruleCount / 10));
  return {
    types: KNOWN_EVENT_TYPES,
    documentTypes: Array.from({ length: count }, (_, i) => `doc-${i}`),
  };
}

/** `ruleCount` rules of the given shape, written in the given format (see the types). */
export function generateWorkload(ruleCount: number, options: WorkloadOptions = {}): Workload {
  const shape = options.shape ?? 'mixed';
  const random = createRandom(options.seed ?? 1);
  const { types, documentTypes } = vocabularyFor(ruleCount, shape);
  const rules: RuleSpec[] = [];
  for (let i = 0; i < ruleCount; i++) {
    const rule: RuleSpec = {
      id: `rule-${i}`,
      priority: Math.floor(random() * 5) * 10,
      type: pick(random, types),
      documentTypes: [pick(random, documentTypes)],
      recipient: `team-${Math.floor(random() * RECIPIENTS)}`,
      template: `template-${Math.floor(random() * TEMPLATES)}`,
    };
    if (shape === 'pinned') {
      let second = pick(random, documentTypes);
      while (second === rule.documentTypes[0]) second = pick(random, documentTypes);
      rule.documentTypes = [rule.documentTypes[0]!, second];
      rule.regionGroup = pick(random, Object.keys(REGION_GROUPS));
      rule.atLeast = pick(random, ['low', 'normal', 'high'] as const);
    } else {
      if (random() < 0.4) rule.regionGroup = pick(random, Object.keys(REGION_GROUPS));
      if (random() < 0.3) rule.channels = [pick(random, CHANNELS), pick(random, CHANNELS)];
      if (random() < 0.2) rule.atLeast = pick(random, ['normal', 'high'] as const);
      if (random() < 0.3) rule.minVolume = Math.floor(random() * 1000);
      if (random() < 0.1) rule.regulatedOrNotChannel = pick(random, CHANNELS);
    }
    rules.push(rule);
  }
  const write = options.format === 'conditions' ? conditionsYaml : whenYaml;
  const files: WorkloadFile[] = [{ name: 'directory.yaml', text: directoryYaml() }];
  for (let start = 0; start < rules.length; start += RULES_PER_FILE) {
    const chunk = String(start / RULES_PER_FILE).padStart(3, '0');
    files.push({
      name: `rules-${chunk}.yaml`,
      text: rulesYaml(rules.slice(start, start + RULES_PER_FILE), start, write),
    });
  }
  return { rules, files };
}

const quote = (text: string): string => JSON.stringify(text);

function directoryYaml(): string {
  const lines = [
    'apiVersion: exroute/v1',
    'metadata: { name: bench-directory, owner: bench@example.com }',
  ];
  lines.push('regions:');
  for (const [group, members] of Object.entries(REGION_GROUPS)) {
    lines.push(`  ${group}: [${members.map(quote).join(', ')}]`);
  }
  lines.push('recipients:');
  for (let i = 0; i < RECIPIENTS; i++) {
    lines.push(
      `  team-${i}: { email: [team-${i}@example.com], sms: ["+4477009${String(i).padStart(5, '0')}"] }`,
    );
  }
  lines.push('templates:');
  for (let i = 0; i < TEMPLATES; i++) {
    lines.push(
      `  template-${i}: { id: BENCH-${i}, channels: [email], subject: "{{ type }} for {{ documentType }}", params: { region: "{{ region }}" } }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The YAML lines of one rule's conditions; `n` varies the spelling from rule to rule. */
type ConditionWriter = (rule: RuleSpec, n: number) => string[];

function rulesYaml(rules: readonly RuleSpec[], first: number, write: ConditionWriter): string {
  const lines = [
    'apiVersion: exroute/v1',
    'metadata: { name: bench-rules, owner: bench@example.com }',
    'rules:',
  ];
  for (const [offset, rule] of rules.entries()) {
    lines.push(`  - id: ${rule.id}`, `    priority: ${rule.priority}`);
    lines.push(...write(rule, first + offset));
    lines.push(
      '    notify:',
      `      - to: [${rule.recipient}]`,
      `        template: ${rule.template}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const ANY_NOT_CHANNEL = (channel: string): string[] => [
  'any:',
  '  - { fact: data, path: $.regulated, operator: equal, value: true }',
  `  - not: { fact: channel, operator: equal, value: ${quote(channel)} }`,
];

const indent = (lines: readonly string[], spaces: number): string[] =>
  lines.map((line) => `${' '.repeat(spaces)}${line}`);

/** The `when` shorthand (plus `conditions` for the any/not part). */
const whenYaml: ConditionWriter = (rule) => {
  const docs = rule.documentTypes;
  const lines = [
    '    when:',
    `      type: ${quote(rule.type)}`,
    docs.length === 1
      ? `      documentType: ${quote(docs[0]!)}`
      : `      documentType: [${docs.map(quote).join(', ')}]`,
  ];
  if (rule.regionGroup !== undefined) lines.push(`      region: { within: ${rule.regionGroup} }`);
  if (rule.channels !== undefined)
    lines.push(`      channel: [${rule.channels.map(quote).join(', ')}]`);
  if (rule.atLeast !== undefined) lines.push(`      priority: { atLeast: ${rule.atLeast} }`);
  if (rule.minVolume !== undefined)
    lines.push(`      data.volume: { greaterThan: ${rule.minVolume} }`);
  if (rule.regulatedOrNotChannel !== undefined) {
    lines.push('    conditions:', ...indent(ANY_NOT_CHANNEL(rule.regulatedOrNotChannel), 6));
  }
  return lines;
};

const leafYaml = (fact: string, operator: string, value: string): string =>
  `{ fact: ${fact}, operator: ${operator}, value: ${value} }`;
const listYaml = (values: readonly string[]): string => `[${values.map(quote).join(', ')}]`;

/** json-rules-engine's format; the spelling of each pin and the nesting vary with `n`. */
const conditionsYaml: ConditionWriter = (rule, n) => {
  const type = `- ${leafYaml('type', 'equal', quote(rule.type))}`;
  const docs = rule.documentTypes;
  const documentType: string[] =
    docs.length === 1
      ? [
          n % 2 === 0
            ? `- ${leafYaml('documentType', 'equal', quote(docs[0]!))}`
            : `- ${leafYaml('documentType', 'in', listYaml(docs))}`,
        ]
      : n % 2 === 0
        ? [`- ${leafYaml('documentType', 'in', listYaml(docs))}`]
        : ['- any:', ...docs.map((d) => `    - ${leafYaml('documentType', 'equal', quote(d))}`)];
  const rest: string[] = [];
  if (rule.regionGroup !== undefined) {
    const group = rule.regionGroup;
    rest.push(
      n % 3 === 0
        ? `- ${leafYaml('region', 'within', group)}`
        : `- ${leafYaml('region', 'in', listYaml([group, ...REGION_GROUPS[group]!]))}`,
    );
  }
  if (rule.channels !== undefined)
    rest.push(`- ${leafYaml('channel', 'in', listYaml(rule.channels))}`);
  if (rule.atLeast !== undefined) {
    const allowed = PRIORITIES.slice(PRIORITIES.indexOf(rule.atLeast));
    rest.push(
      n % 2 === 0
        ? `- ${leafYaml('priority', 'atLeast', rule.atLeast)}`
        : `- ${leafYaml('priority', 'in', listYaml(allowed))}`,
    );
  }
  if (rule.minVolume !== undefined) {
    rest.push(`- { fact: data, path: $.volume, operator: greaterThan, value: ${rule.minVolume} }`);
  }
  if (rule.regulatedOrNotChannel !== undefined) {
    const [head, ...tail] = ANY_NOT_CHANNEL(rule.regulatedOrNotChannel);
    rest.push(`- ${head!}`, ...indent(tail, 2));
  }
  let all: string[];
  switch (n % 4) {
    case 1: // the event's identity in its own `all`
      all = ['- all:', ...indent([type, ...documentType], 4), ...rest];
      break;
    case 3: // nested three deep
      all = [
        type,
        '- all:',
        ...indent([...documentType, ...(rest.length > 0 ? ['- all:', ...indent(rest, 4)] : [])], 4),
      ];
      break;
    default:
      all = [type, ...documentType, ...rest];
  }
  return ['    conditions:', '      all:', ...indent(all, 8)];
};

/** A rule written by hand as a closure: what a team would code without a rule engine. */
export type HandWrittenRule = (event: NormalizedEvent) => boolean;

const RANK: Readonly<Record<string, number>> = { low: 0, normal: 1, high: 2, critical: 3 };

/** The same rules as closures, in evaluation order (priority desc, then file order). */
export function toHandWrittenRules(
  rules: readonly RuleSpec[],
): { id: string; matches: HandWrittenRule }[] {
  const ordered = rules
    .map((rule, order) => ({ rule, order }))
    .sort((a, b) => b.rule.priority - a.rule.priority || a.order - b.order);
  return ordered.map(({ rule }) => {
    const members =
      rule.regionGroup === undefined
        ? undefined
        : new Set([rule.regionGroup, ...REGION_GROUPS[rule.regionGroup]!]);
    const minRank = rule.atLeast === undefined ? undefined : RANK[rule.atLeast]!;
    const { type, documentTypes, channels, minVolume, regulatedOrNotChannel } = rule;
    const [documentType, otherDocumentType] = documentTypes;
    const matches: HandWrittenRule = (event) => {
      if (event.type !== type) return false;
      if (
        event.documentType !== documentType &&
        (otherDocumentType === undefined || event.documentType !== otherDocumentType)
      )
        return false;
      if (members !== undefined && (event.region === undefined || !members.has(event.region)))
        return false;
      if (
        channels !== undefined &&
        (event.channel === undefined || !channels.includes(event.channel))
      )
        return false;
      if (minRank !== undefined && RANK[event.priority ?? 'normal']! < minRank) return false;
      if (minVolume !== undefined) {
        const volume = event.data['volume'];
        if (typeof volume !== 'number' || !(volume > minVolume)) return false;
      }
      if (regulatedOrNotChannel !== undefined) {
        if (event.data['regulated'] !== true && event.channel === regulatedOrNotChannel)
          return false;
      }
      return true;
    };
    return { id: rule.id, matches };
  });
}

/** `count` valid NormalizedEvents over the vocabularies of the workload of that size and shape. */
export function generateEvents(
  ruleCount: number,
  count: number,
  shape: WorkloadShape = 'mixed',
  seed = 2,
): NormalizedEvent[] {
  const random = createRandom(seed);
  const { types, documentTypes } = vocabularyFor(ruleCount, shape);
  return Array.from({ length: count }, (_, i) => ({
    id: `event-${i}`,
    source: 'exstream/bench',
    type: pick(random, types),
    time: '2026-03-02T10:15:00Z',
    priority: pick(random, PRIORITIES),
    documentType: pick(random, documentTypes),
    region: pick(random, REGION_CODES),
    channel: pick(random, CHANNELS),
    data: { volume: Math.floor(random() * 1200), regulated: random() < 0.3 },
  }));
}
