import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findStructureProblems, scanStructure } from '@exroute/core';
import type { StructureFinding } from '@exroute/core';

type Segment = string | number;

// The reference: plain recursion in document order, which the iterative walk must agree with.
function reference(value: unknown, maxDepth: number): StructureFinding[] {
  const found: StructureFinding[] = [];
  const visit = (node: unknown, path: Segment[]): void => {
    const last = path[path.length - 1];
    if (typeof last === 'string' && ['__proto__', 'constructor', 'prototype'].includes(last)) {
      found.push({ problem: 'forbidden-key', path });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (path.length + 1 > maxDepth) {
      found.push({ problem: 'too-deep', path });
      return;
    }
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, [...path, i]));
    else
      for (const key of Object.keys(node))
        visit((node as Record<string, unknown>)[key], [...path, key]);
  };
  visit(value, []);
  return found;
}

// JSON with prototype keys mixed in (as JSON.parse makes them: own data properties).
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'a', 'b', 'proto', 'constructors'),
  fc.string({ maxLength: 4 }),
);
const json: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null)),
    fc.array(tie('node'), { maxLength: 3 }),
    fc
      .array(fc.tuple(key, tie('node')), { maxLength: 4 })
      .map(
        (entries) =>
          JSON.parse(
            `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`,
          ) as unknown,
      ),
  ),
})).node;

describe('structure walk', () => {
  it('finds what plain recursion finds, in document order', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 1, max: 6 }), (value, maxDepth) => {
        expect(findStructureProblems(value, maxDepth)).toEqual(reference(value, maxDepth));
      }),
      { numRuns: 2000 },
    );
  });

  it('calls a value clean exactly when the walk finds nothing, and names the first problem', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 1, max: 6 }), (value, maxDepth) => {
        const verdict = scanStructure(value, { maxDepth });
        const first = findStructureProblems(value, maxDepth)[0];
        expect(verdict).toBe(first === undefined ? 'clean' : first.problem);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts every value against maxValues', () => {
    const value = { a: [1, 2, { b: 3 }], c: 'x' };
    // root, a, 1, 2, {b}, 3, c: seven values.
    expect(scanStructure(value, { maxDepth: 10, maxValues: 7 })).toBe('clean');
    expect(scanStructure(value, { maxDepth: 10, maxValues: 6 })).toBe('too-large');
  });

  it('reports a too-deep object by its path and does not look inside it', () => {
    const value = JSON.parse('{"a":{"b":{"__proto__":1}},"constructor":2}') as unknown;
    expect(findStructureProblems(value, 2)).toEqual([
      { problem: 'too-deep', path: ['a', 'b'] },
      { problem: 'forbidden-key', path: ['constructor'] },
    ]);
  });
});
