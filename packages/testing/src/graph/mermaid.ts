/**
 * The routing of a rule set as a graph — event types → rules → templates → recipients — and its
 * Mermaid flowchart rendering, for reviewers who would rather look than read.
 */
import type { RuleDefinition, RuleSet } from '@exroute/core';
import { fieldConstraints, flattenConjunction } from '../lint/conjunction.js';
import { evaluationOrder } from '@exroute/core';

/** Label of the event-type node for rules that do not pin `type`. */
export const ANY_EVENT_TYPE = 'any event type';

/** One node of the routing graph. */
export interface RoutingGraphNode {
  /** Stable, Mermaid-safe id such as `rule3`. */
  id: string;
  kind: 'event' | 'rule' | 'template' | 'recipient';
  /** Event type, rule id, template key or recipient key. */
  name: string;
  /** Rules only: whether the rule has `stop: true`. */
  stop?: boolean;
  /** Rules only: the review metadata the rule carries (owner, approvedBy, ticket, reviewBy). */
  review?: { owner?: string; approvedBy?: string; ticket?: string; reviewBy?: string };
}

/** One edge; rule → template edges carry the channels. */
export interface RoutingGraphEdge {
  from: string;
  to: string;
  channels?: string[];
}

/** Nodes (in order of first appearance) and de-duplicated edges. */
export interface RoutingGraph {
  nodes: RoutingGraphNode[];
  edges: RoutingGraphEdge[];
}

/**
 * The routing graph of `ruleSet`: a node per event type a rule pins (or "any event type"), per
 * rule (in evaluation order), per template and per recipient key named in a `notify.to`.
 */
export function buildRoutingGraph(ruleSet: RuleSet): RoutingGraph {
  const nodes: RoutingGraphNode[] = [];
  const byKey = new Map<string, RoutingGraphNode>();
  const counters = new Map<string, number>();
  const edges: RoutingGraphEdge[] = [];
  const edgeKeys = new Set<string>();
  const node = (
    kind: RoutingGraphNode['kind'],
    name: string,
    stop?: boolean,
    review?: RoutingGraphNode['review'],
  ): string => {
    const key = `${kind}\u0000${name}`;
    const existing = byKey.get(key);
    if (existing !== undefined) return existing.id;
    const count = counters.get(kind) ?? 0;
    counters.set(kind, count + 1);
    const created: RoutingGraphNode = {
      id: `${kind}${count}`,
      kind,
      name,
      ...(stop !== undefined ? { stop } : {}),
      ...(review !== undefined ? { review } : {}),
    };
    byKey.set(key, created);
    nodes.push(created);
    return created.id;
  };
  const edge = (from: string, to: string, channels?: string[]): void => {
    const key = `${from}\u0000${to}\u0000${channels?.join(',') ?? ''}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push({ from, to, ...(channels !== undefined ? { channels } : {}) });
  };
  for (const rule of evaluationOrder(ruleSet.rules)) {
    const { leaves } = flattenConjunction(rule.condition, ruleSet);
    const types = fieldConstraints(leaves).get('type')?.allowed?.map(String) ?? [ANY_EVENT_TYPE];
    const ruleId = node('rule', rule.id, rule.stop, reviewOf(rule));
    for (const type of types) edge(node('event', type), ruleId);
    for (const entry of rule.notify) {
      const template = ruleSet.templates.get(entry.template);
      const channels = [...(entry.channels ?? template?.channels ?? [])];
      const templateId = node('template', entry.template);
      edge(ruleId, templateId, channels);
      for (const recipient of entry.to) edge(templateId, node('recipient', recipient));
    }
  }
  return { nodes, edges };
}

function reviewOf(rule: RuleDefinition): RoutingGraphNode['review'] {
  const review: NonNullable<RoutingGraphNode['review']> = {};
  for (const field of ['owner', 'approvedBy', 'ticket', 'reviewBy'] as const) {
    const value = rule[field];
    if (value !== undefined) review[field] = value;
  }
  return Object.keys(review).length > 0 ? review : undefined;
}

/** A rule's node text: its id, `(stop)`, and its review metadata on a second line. */
function ruleText(n: RoutingGraphNode): string {
  const title = n.stop === true ? `${n.name} (stop)` : n.name;
  const review = n.review;
  if (review === undefined) return title;
  const parts = [
    review.owner !== undefined ? `owner ${review.owner}` : undefined,
    review.approvedBy !== undefined ? `approved by ${review.approvedBy}` : undefined,
    review.ticket,
    review.reviewBy !== undefined ? `review by ${review.reviewBy}` : undefined,
  ]
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/[\r\n]+/g, ' '));
  return `${title}\n${parts.join(' · ')}`;
}

/** Mermaid `flowchart LR` source of the routing graph; `(stop)` marks rules that end evaluation. */
export function ruleSetToMermaid(ruleSet: RuleSet): string {
  const { nodes, edges } = buildRoutingGraph(ruleSet);
  return [
    'flowchart LR',
    ...nodes.map((n) => {
      const text = n.kind === 'rule' ? ruleText(n) : n.name;
      return `  ${n.id}${SHAPES[n.kind](label(text))}:::${n.kind}`;
    }),
    ...edges.map((e) =>
      e.channels !== undefined
        ? `  ${e.from} -- ${label(e.channels.join(', ') || 'no channel')} --> ${e.to}`
        : `  ${e.from} --> ${e.to}`,
    ),
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

/**
 * A quoted Mermaid label; characters Mermaid would interpret become entity codes. The one line
 * break a rule label carries on purpose becomes `<br/>`; any other is a space.
 */
function label(text: string): string {
  const escaped = text
    .split('\n')
    .map((line) =>
      line
        .replace(/#/g, '#35;')
        .replace(/"/g, '#quot;')
        .replace(/</g, '#lt;')
        .replace(/>/g, '#gt;')
        .replace(/\r+/g, ' '),
    )
    .join('<br/>');
  return `"${escaped}"`;
}
