import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOADER_DIAGNOSTIC_CODES, parseRuleSet } from '@exroute/core';

const guide = readFileSync(new URL('../../../../docs/authoring-rules.md', import.meta.url), 'utf8');

describe('docs/authoring-rules.md', () => {
  it('explains every loader diagnostic code', () => {
    const missing = Object.keys(LOADER_DIAGNOSTIC_CODES).filter(
      (code) => !guide.includes(`\`${code}\``),
    );
    expect(missing).toEqual([]);
  });

  it('opens with an example that loads without errors or warnings', () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(guide)?.[1] ?? '';
    const ruleSet = parseRuleSet(example, { filename: 'guide.yaml' });
    expect(ruleSet.rules.map((r) => r.id)).toEqual(['regulated-review-legal']);
    expect(ruleSet.warnings).toEqual([]);
  });
});
