import { describe, expect, it } from 'vitest';
import { parseRuleSet } from '@exroute/core';
import { ANY_EVENT_TYPE, ruleSetToMermaid } from '@exroute/testing';
import { RULES_YAML } from './temp-project.js';

/** Node id → label, and edges as `from -> to`, read back from the Mermaid source. */
function readGraph(mermaid: string): { labels: Map<string, string>; edges: string[] } {
  const labels = new Map<string, string>();
  const edges: string[] = [];
  for (const line of mermaid.split('\n').slice(1)) {
    const node = /^ {2}(\w+)[([/]+"([^"]*)"[)\]/]+:::\w+$/.exec(line);
    if (node) labels.set(node[1]!, node[2]!);
    const edge = /^ {2}(\w+) (?:-- "[^"]*" )?--> (\w+)$/.exec(line);
    if (edge) edges.push(`${labels.get(edge[1]!)} -> ${labels.get(edge[2]!)}`);
  }
  return { labels, edges };
}

describe('ruleSetToMermaid', () => {
  it('draws event types → rules → templates → recipients', () => {
    const mermaid = ruleSetToMermaid(parseRuleSet(RULES_YAML, { filename: 'rules.yaml' }));
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    const { edges } = readGraph(mermaid);
    expect(edges).toEqual([
      'content.review_requested -> legal-review',
      'legal-review -> review',
      'review -> legal-reviewers',
      'communication.generated -> marketing-news',
      'marketing-news -> review',
      'review -> marketing',
      'content.review_requested -> new-regulation',
      'new-regulation -> alert',
      'alert -> bob',
    ]);
    expect(mermaid).toContain('-- "email, sms" -->');
  });

  it('hangs rules without a pinned type off one node and escapes labels', () => {
    const ruleSet = parseRuleSet(
      `apiVersion: exroute/v1
recipients: { "a#b": { email: a@example.com } }
templates: { t: { id: T, channels: [email] } }
rules:
  - id: catch-all
    stop: true
    notify: [{ to: ["a#b"], template: t }]
`,
      { filename: 'r.yaml' },
    );
    const mermaid = ruleSetToMermaid(ruleSet);
    const { edges } = readGraph(mermaid);
    expect(edges[0]).toBe(`${ANY_EVENT_TYPE} -> catch-all (stop)`);
    expect(mermaid).toContain('"a#35;b"');
  });
});
