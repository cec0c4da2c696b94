/**
 * The routing of a rule set as a Mermaid flowchart — event types → rules → templates →
 * recipients — for reviewers who would rather look than read.
 */
import type { RuleSet } from '@exroute/core';
import { fieldConstraints, flattenConjunction } from '../lint/conjunction.js';
import { evaluationOrder } from '../lint/lint-rule-set.js';

/** Label of the event-type node for rules that do not pin `type`. */
export const ANY_EVENT_TYPE = 'any event type';

/**
 * Mermaid `flowchart LR` source: one node per event type a rule pins (or "any event type"),
 * per rule (in evaluation order, `stop` rules marked), per template and per recipient key named
 * in a `notify.to`; edges type → rule → template (labelled with channels) → recipient.
 */
export function ruleSetToMermaid(ruleSet: RuleSet): string {
  const ids = new NodeIds();
  const nodes: string[] = [];
  const edges = new Set<string>();
  const node = (kind: 'event' | 'rule' | 'template' | 'recipient', name: string): string => {
    const { id, isNew } = ids.get(kind, name);
    if (isNew) nodes.push(`  ${id}${SHAPES[kind](label(name))}:::${kind}`);
    return id;
  };
  for (const rule of evaluationOrder(ruleSet.rules)) {
    const { leaves } = flattenConjunction(rule.condition, ruleSet);
    const types = fieldConstraints(leaves).get('type')?.allowed?.map(String) ?? [ANY_EVENT_TYPE];
    const ruleName = rule.stop ? `${rule.id} (stop)` : rule.id;
    const ruleId = node('rule', ruleName);
    for (const type of types) edges.add(`  ${node('event', type)} --> ${ruleId}`);
    for (const entry of rule.notify) {
      const template = ruleSet.templates.get(entry.template);
      const channels = entry.channels ?? template?.channels ?? [];
      const templateId = node('template', entry.template);
      edges.add(`  ${ruleId} -- ${label(channels.join(', ') || 'no channel')} --> ${templateId}`);
      for (const recipient of entry.to)
        edges.add(`  ${templateId} --> ${node('recipient', recipient)}`);
    }
  }
  return [
    'flowchart LR',
    ...nodes,
    ...edges,
    '  classDef event fill:#e8f0fe,stroke:#4a6fa5',
    '  classDef rule fill:#fff4e5,stroke:#b7791f',
    '  classDef template fill:#e6f4ea,stroke:#2f855a',
    '  classDef recipient fill:#f3e8fd,stroke:#6b46c1',
    '',
  ].join('\n');
}

const SHAPES = {
  event: (text: string) => `([${text}])`,
  rule: (text: string) => `[${text}]`,
  template: (text: string) => `[/${text}/]`,
  recipient: (text: string) => `(${text})`,
} as const;

/** Stable, Mermaid-safe node ids (`rule3`), independent of what names contain. */
class NodeIds {
  private readonly known = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  get(kind: string, name: string): { id: string; isNew: boolean } {
    const key = `${kind}\u0000${name}`;
    const existing = this.known.get(key);
    if (existing !== undefined) return { id: existing, isNew: false };
    const count = this.counters.get(kind) ?? 0;
    this.counters.set(kind, count + 1);
    const id = `${kind}${count}`;
    this.known.set(key, id);
    return { id, isNew: true };
  }
}

/** A quoted Mermaid label; characters Mermaid would interpret become entity codes. */
function label(text: string): string {
  const escaped = text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/[\r\n]+/g, ' ');
  return `"${escaped}"`;
}
