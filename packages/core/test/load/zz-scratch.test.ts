import { it } from 'vitest';
import { loadRuleSources, checkRuleSet } from '@exroute/core';
import { parseYamlSource } from '../../src/load/parse-yaml.js';
import { ruleFileValidator } from '../../src/schema/ruleset-schema.js';
it('timing', async () => {
  const paths = [
    '/work/main/rules/regions-and-calendars.yaml',
    '/work/main/rules/directory',
    '/work/main/rules/operations',
    '/work/main/rules/customer-communications',
    '/work/main/rules/compliance',
  ];
  for (let i = 0; i < 3; i++) {
    let t = performance.now();
    const { sources } = await loadRuleSources(paths);
    console.log('read', performance.now() - t);
    t = performance.now();
    const parsed = sources.map((s) => parseYamlSource(s, () => {}));
    console.log('yaml', performance.now() - t);
    t = performance.now();
    for (const p of parsed) ruleFileValidator()(p!.value);
    console.log('ajv', performance.now() - t);
    t = performance.now();
    checkRuleSet(sources);
    console.log('check', performance.now() - t);
  }
});
