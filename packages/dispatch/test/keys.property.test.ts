import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RoutedNotification } from '@exroute/core';
import { digestOf, groupStoreKey, recipientsIdentity, safeName } from '../src/keys.js';
import { GroupHeaderMemo, encodeGroupHeader } from '../src/outgoing.js';

/** The group key computed without any memo: the reference the memoised one must equal. */
function reference(
  policy: string,
  notification: Pick<RoutedNotification, 'template' | 'channel' | 'recipients'>,
  byValues: readonly string[],
): string {
  return `g:${safeName(policy)}:${digestOf(
    notification.template,
    notification.channel,
    recipientsIdentity(notification),
    ...byValues,
  )}`;
}

// Few distinct short strings, so random cases share trie paths and hit the memo often.
const part = fc.constantFrom('', 'a', 'b', 'ab', ':', '1', '__proto__', 'constructor');
const recipient = fc.record({ key: part, address: part });
const input = fc.record({
  policy: part,
  template: part,
  channel: part,
  recipients: fc.array(recipient, { maxLength: 3 }),
  by: fc.array(fc.oneof(part, fc.string({ maxLength: 1100 })), { maxLength: 3 }),
});

describe('groupStoreKey memo', () => {
  it('always answers the unmemoised key, on first sight and on every hit', () => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 40 }), (cases) => {
        for (const round of [0, 1]) {
          for (const c of cases) {
            const n = { template: c.template, channel: c.channel, recipients: c.recipients };
            expect(groupStoreKey(c.policy, n, c.by), `round ${round}`).toBe(
              reference(c.policy, n, c.by),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('keeps distinct the by lists that a flat memo could confuse ([] vs [""], ["a",""] vs ["a"])', () => {
    const n = { template: 't', channel: 'email', recipients: [{ key: 'cs', address: 'x@y' }] };
    for (const by of [[], [''], ['a'], ['a', ''], ['', 'a'], ['', '']]) {
      expect(groupStoreKey('p', n, by)).toBe(reference('p', n, by));
    }
  });
});

describe('GroupHeaderMemo', () => {
  const base = (): RoutedNotification => ({
    template: 't',
    templateId: 'T-1',
    channel: 'email',
    recipients: [{ key: 'cs', address: 'cs@example.com' }],
    params: { a: '1', b: '2' },
    ruleIds: ['r'],
  });

  it('answers the JSON of the notification given, whatever was memoised for the group before', () => {
    const variants: ((n: RoutedNotification) => void)[] = [
      () => undefined,
      (n) => {
        n.params = { b: '2', a: '1' };
      },
      (n) => {
        n.params = { a: '1', b: '2', c: '3' };
      },
      (n) => {
        n.params = { a: '1' };
      },
      (n) => {
        n.params = { a: '1', b: '3' };
      },
      (n) => {
        (n as unknown as Record<string, unknown>)['extra'] = 'x';
      },
      (n) => {
        n.params = Object.assign(Object.create({ inherited: 'y' }) as Record<string, string>, {
          a: '1',
          b: '2',
        });
      },
    ];
    fc.assert(
      fc.property(fc.array(fc.nat(variants.length - 1), { maxLength: 20 }), (picks) => {
        const memo = new GroupHeaderMemo();
        for (const pick of picks) {
          const n = base();
          variants[pick]!(n);
          expect(JSON.parse(memo.headerFor('g', n))).toEqual(JSON.parse(encodeGroupHeader(n)));
          expect(memo.headerFor('g', n)).toBe(encodeGroupHeader({ ...n, params: { ...n.params } }));
        }
      }),
      { numRuns: 200 },
    );
  });
});
