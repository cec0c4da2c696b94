/**
 * The benchmark workload: a deterministic, realistic rule set of any size (as YAML text), the
 * same rules as hand-written closures, and events drawn from the same vocabularies so that a
 * fair share of them match something.
 */
import { KNOWN_EVENT_TYPES } from '@exroute/core';
import type { NormalizedEvent, Priority } from '@exroute/core';

/** One generated rule, kept as data so it can be written as YAML and as a closure alike. */
export interface RuleSpec {
  id: string;
  priority: number;
  type: string;
  documentType: string;
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

/** Document types scale with the rule set, as they do when more teams write rules. */
function documentTypesFor(ruleCount: number): string[] {
  const count = Math.max(5, Math.ceil(ruleCount / 10));
  return Array.from({ length: count }, (_, i) => `doc-${i}`);
}

/** `ruleCount` rules: each pins `type` and `documentType`; some add region, channel, priority, data and any/not conditions. */
export function generateWorkload(ruleCount: number, seed = 1): Workload {
  const random = createRandom(seed);
  const documentTypes = documentTypesFor(ruleCount);
  const rules: RuleSpec[] = [];
  for (let i = 0; i < ruleCount; i++) {
    const rule: RuleSpec = {
      id: `rule-${i}`,
      priority: Math.floor(random() * 5) * 10,
      type: pick(random, KNOWN_EVENT_TYPES),
      documentType: pick(random, documentTypes),
      recipient: `team-${Math.floor(random() * RECIPIENTS)}`,
      template: `template-${Math.floor(random() * TEMPLATES)}`,
    };
    if (random() < 0.4) rule.regionGroup = pick(random, Object.keys(REGION_GROUPS));
    if (random() < 0.3) rule.channels = [pick(random, CHANNELS), pick(random, CHANNELS)];
    if (random() < 0.2) rule.atLeast = pick(random, ['normal', 'high'] as const);
    if (random() < 0.3) rule.minVolume = Math.floor(random() * 1000);
    if (random() < 0.1) rule.regulatedOrNotChannel = pick(random, CHANNELS);
    rules.push(rule);
  }
  const files: WorkloadFile[] = [{ name: 'directory.yaml', text: directoryYaml() }];
  for (let start = 0; start < rules.length; start += RULES_PER_FILE) {
    const chunk = String(start / RULES_PER_FILE).padStart(3, '0');
    files.push({
      name: `rules-${chunk}.yaml`,
      text: rulesYaml(rules.slice(start, start + RULES_PER_FILE)),
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

function rulesYaml(rules: readonly RuleSpec[]): string {
  const lines = [
    'apiVersion: exroute/v1',
    'metadata: { name: bench-rules, owner: bench@example.com }',
    'rules:',
  ];
  for (const rule of rules) {
    lines.push(`  - id: ${rule.id}`, `    priority: ${rule.priority}`, '    when:');
    lines.push(
      `      type: ${quote(rule.type)}`,
      `      documentType: ${quote(rule.documentType)}`,
    );
    if (rule.regionGroup !== undefined) lines.push(`      region: { within: ${rule.regionGroup} }`);
    if (rule.channels !== undefined)
      lines.push(`      channel: [${rule.channels.map(quote).join(', ')}]`);
    if (rule.atLeast !== undefined) lines.push(`      priority: { atLeast: ${rule.atLeast} }`);
    if (rule.minVolume !== undefined)
      lines.push(`      data.volume: { greaterThan: ${rule.minVolume} }`);
    if (rule.regulatedOrNotChannel !== undefined) {
      lines.push(
        '    conditions:',
        '      any:',
        '        - { fact: data, path: $.regulated, operator: equal, value: true }',
        `        - not: { fact: channel, operator: equal, value: ${quote(rule.regulatedOrNotChannel)} }`,
      );
    }
    lines.push(
      '    notify:',
      `      - to: [${rule.recipient}]`,
      `        template: ${rule.template}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

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
    const { type, documentType, channels, minVolume, regulatedOrNotChannel } = rule;
    const matches: HandWrittenRule = (event) => {
      if (event.type !== type || event.documentType !== documentType) return false;
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

/** `count` valid NormalizedEvents over the workload's vocabularies. */
export function generateEvents(ruleCount: number, count: number, seed = 2): NormalizedEvent[] {
  const random = createRandom(seed);
  const documentTypes = documentTypesFor(ruleCount);
  return Array.from({ length: count }, (_, i) => ({
    id: `event-${i}`,
    source: 'exstream/bench',
    type: pick(random, KNOWN_EVENT_TYPES),
    time: '2026-03-02T10:15:00Z',
    priority: pick(random, PRIORITIES),
    documentType: pick(random, documentTypes),
    region: pick(random, REGION_CODES),
    channel: pick(random, CHANNELS),
    data: { volume: Math.floor(random() * 1200), regulated: random() < 0.3 },
  }));
}
