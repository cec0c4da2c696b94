import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FORBIDDEN_KEYS,
  isForbiddenKey,
  parseSimplePath,
  readFactPath,
  splitFieldPath,
} from '@exroute/core';

describe('parseSimplePath', () => {
  it.each([
    ['$', []],
    ['$.a', ['a']],
    ['$.a.b[0]', ['a', 'b', 0]],
    ["$['a-b'][12]", ['a-b', 12]],
  ])('accepts %s', (path, expected) => {
    expect(parseSimplePath(path)).toEqual(expected);
  });

  it.each([
    'a',
    '$..a',
    '$.a[*]',
    '$[?(@.x)]',
    '$.a[0:2]',
    '$.__proto__',
    "$['constructor']",
    '$.',
    '$[01]',
  ])('rejects %s', (path) => {
    expect(parseSimplePath(path)).toBeUndefined();
  });
});

describe('splitFieldPath', () => {
  it('splits a dotted shorthand key into fact and path', () => {
    expect(splitFieldPath('data.volume')).toEqual({ fact: 'data', path: '$.volume' });
    expect(splitFieldPath('region')).toEqual({ fact: 'region' });
    expect(splitFieldPath('data.items[1].sku')).toEqual({ fact: 'data', path: '$.items[1].sku' });
    expect(splitFieldPath('data..x')).toBeUndefined();
  });
});

describe('readFactPath', () => {
  it('reads own properties only', () => {
    const value = JSON.parse('{"a":{"b":[1,2]},"__proto__":{"polluted":true}}') as unknown;
    expect(readFactPath(value, ['a', 'b', 1])).toBe(2);
    expect(readFactPath({}, ['toString'])).toBeUndefined();
    expect(readFactPath(value, ['polluted'])).toBeUndefined();
  });

  it('returns a non-object fact value unchanged, as json-rules-engine does', () => {
    expect(readFactPath('UK', ['x'])).toBe('UK');
    expect(readFactPath(undefined, ['x'])).toBeUndefined();
  });
});

describe('isForbiddenKey', () => {
  it('answers exactly as FORBIDDEN_KEYS does, near misses included', () => {
    const nearMisses = [
      '__proto_',
      '___proto__',
      'Prototype',
      'constructors',
      'constructoR',
      'prototypes',
    ];
    for (const key of [...FORBIDDEN_KEYS, ...nearMisses, '']) {
      expect(isForbiddenKey(key)).toBe(FORBIDDEN_KEYS.has(key));
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (key) => {
        expect(isForbiddenKey(key)).toBe(FORBIDDEN_KEYS.has(key));
      }),
    );
  });
});
