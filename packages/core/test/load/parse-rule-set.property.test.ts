import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRuleSet, parseRuleSet, RuleSetError } from '@exroute/core';

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

/** Runs parseRuleSet and fails the property if anything but a RuleSetError escapes. */
function parseOnlyThrowsRuleSetError(text: string): void {
  try {
    parseRuleSet(text, { filename: 'fuzz.yaml' });
  } catch (error) {
    if (!(error instanceof RuleSetError)) throw error;
    expect(error.diagnostics.length).toBeGreaterThan(0);
    for (const d of error.diagnostics) {
      expect(d.code).toMatch(/^EXR_[A-Z_]+$/);
      expect(d.code).not.toBe('EXR_INTERNAL');
    }
  }
}

// Tokens that push random text towards the interesting parts of YAML and of the rule format.
const yamlToken = fc.constantFrom(
  'apiVersion: exroute/v1\n',
  'rules:\n',
  '  - id: r\n',
  '    when: { type: x }\n',
  '    notify: [{ to: [a], template: t }]\n',
  'recipients: { a: { email: x } }\n',
  'templates: { t: { id: T, channels: [email] } }\n',
  '    conditions: { all: [ { fact: data, path: $.a, operator: in, value: [1] } ] }\n',
  '__proto__: { polluted: true }\n',
  'constructor: { prototype: { polluted: true } }\n',
  '&a [*a]\n',
  '*a\n',
  '&x ',
  '!!binary ',
  '!tag ',
  '%YAML 1.1\n---\n',
  '<<: ',
  '{',
  '}',
  '[',
  ']',
  '- ',
  ': ',
  '\t',
  '"',
  "'",
  '\n',
  '  ',
  '#',
  '? ',
  '|\n',
  '>\n',
  'NO',
  '12:30',
  '0x1F',
  '.nan',
  '~',
);

describe('parseRuleSet on arbitrary input', () => {
  it('only ever throws RuleSetError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), parseOnlyThrowsRuleSetError),
      {
        numRuns: 300,
      },
    );
  });

  it('only ever throws RuleSetError on YAML-ish token soup, and never touches Object.prototype', () => {
    fc.assert(
      fc.property(fc.array(yamlToken, { maxLength: 40 }), (tokens) => {
        parseOnlyThrowsRuleSetError(tokens.join(''));
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('never throws from checkRuleSet, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.array(yamlToken, { maxLength: 30 }),
        fc.string({ maxLength: 50 }),
        (tokens, tail) => {
          const check = checkRuleSet([{ text: tokens.join('') + tail, filename: 'fuzz.yaml' }]);
          expect(
            check.ruleSet !== undefined || check.diagnostics.some((d) => d.severity === 'error'),
          ).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
