import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineSuiteTests } from '@exroute/testing/vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/passing/', import.meta.url));

// The call under test: every case of the fixture suite becomes a vitest test in this file.
defineSuiteTests(FIXTURE);

describe('defineSuiteTests', () => {
  it('declares one describe per suite and one test per case', ({ task }) => {
    const declared = task.file.tasks.find((t) => t.name === 'vitest integration');
    expect(declared?.type).toBe('suite');
    const cases = declared?.type === 'suite' ? declared.tasks : [];
    expect(cases.map((t) => [t.type, t.name])).toEqual([
      ['test', 'legal letter goes to the reviewers'],
      ['test', 'newsletter goes to marketing'],
      ['test', 'from 2027 the new regulation applies too'],
    ]);
  });
});
