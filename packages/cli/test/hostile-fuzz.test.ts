/**
 * The bounded fuzz run in CI (issue 11): every input exroute reads — rule files, suites, mapping
 * files, normalized events, raw Exstream payloads and JSON Lines, CLI arguments — fed hostile
 * shapes (deep, long, repeated, aliased, wrong types, prototype keys, non-JSON numbers, throwing
 * getters). Invariants: nothing but exroute's own errors escapes a public function, and
 * `Object.prototype` is untouched. A fixed seed and a fixed number of runs per target keep it
 * deterministic and well under 30 s; each target prints its own time (never asserted).
 * The super-linear shapes it led to are pinned with sizes in core/test/load/hostile-input.test.ts.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkRuleSet,
  createReferenceRouter,
  createRouter,
  ExrouteError,
  parseRuleSet,
  validateEvent,
} from '@exroute/core';
import type { NormalizedEvent, Router } from '@exroute/core';
import { normalize, normalizeLine, parseMapping } from '@exroute/exstream';
import { parseSuite } from '@exroute/testing';
import { runCli } from '@exroute/cli';
import { RULES, TempProject } from './fixtures.js';

const SEED = 20_261_202;
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

/** Runs `call`; anything thrown must be one of exroute's own errors. */
function onlyOwnErrors(call: () => unknown): void {
  try {
    call();
  } catch (error) {
    if (!(error instanceof ExrouteError)) throw error;
  }
}

function timed(label: string, runs: number, started: number): void {
  console.info(`[fuzz ${label}] ${runs} runs in ${(performance.now() - started).toFixed(0)} ms`);
}

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTOTYPE_KEYS);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

// ---------------------------------------------------------------- YAML texts

const word = fc.constantFrom(
  'apiVersion',
  'exroute/v1',
  'rules',
  'recipients',
  'templates',
  'sharedConditions',
  'regions',
  'calendars',
  'id',
  'when',
  'conditions',
  'notify',
  'to',
  'template',
  'all',
  'any',
  'not',
  'condition',
  'fact',
  'operator',
  'value',
  'path',
  'equal',
  'in',
  'matches',
  'within',
  'not:not:equal',
  'someFact:equal',
  'swap:in',
  '__proto__',
  'constructor',
  'prototype',
  'polluted',
  'data',
  'type',
  'region',
  '$.a.b[0]',
  '$..x',
  '.nan',
  '.inf',
  '-.inf',
  '12345678901234567890',
  '0x20000000000001',
  'NO',
  'yes',
  '~',
  'null',
  '""',
  "'x'",
  '!!js/function',
  '!include',
  '<<',
  '{{ data.x }}',
  '(a+)+$',
  '(?=a)',
  'a{999}',
  'cases',
  'event',
  'expect',
  'events',
  'rulesFile',
  'mappings',
  'match',
  'fields',
  'schemaType',
);
const scalar = fc.oneof(
  word,
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
  fc.constantFrom('x'.repeat(5_000), `"${'\\u0000'.repeat(50)}"`),
);
/** A YAML-ish node of bounded size: flow and block collections, anchors, aliases, tags. */
const yamlNode: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('node'), { maxLength: 5 }).map((items) => `[${items.join(', ')}]`),
    fc
      .array(fc.tuple(scalar, tie('node')), { maxLength: 5 })
      .map((pairs) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
    fc.tuple(fc.constantFrom('a', 'b'), tie('node')).map(([name, node]) => `&${name} ${node}`),
    fc.constantFrom('*a', '*b', '*a', `[${'*a, '.repeat(60)}*a]`),
    fc.integer({ min: 60, max: 300 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    fc.integer({ min: 1, max: 40 }).map((n) => `${'not:'.repeat(n)}equal`),
  ),
})).node;
const yamlText = fc.oneof(
  fc
    .array(fc.tuple(word, yamlNode), { maxLength: 8 })
    .map((pairs) => pairs.map(([k, v]) => `${k}: ${v}`).join('\n')),
  fc.string({ maxLength: 200 }),
  // A valid rule file with one random insertion: the near misses hand-written files produce.
  fc
    .tuple(fc.nat({ max: RULES.length }), yamlNode)
    .map(([at, insert]) => `${RULES.slice(0, at)}${insert}${RULES.slice(at)}`),
);

describe('fuzz: rule files', () => {
  it('checkRuleSet never throws, and a rule set it accepts compiles and routes', () => {
    const started = performance.now();
    const runs = 300;
    fc.assert(
      fc.property(yamlText, (text) => {
        const check = checkRuleSet([{ text, filename: 'fuzz.yaml' }]);
        for (const d of check.diagnostics) {
          expect(d.code).toMatch(/^EXR_[A-Z0-9_]+$/);
          expect(d.message.length).toBeGreaterThan(0);
        }
        if (check.ruleSet === undefined) return;
        onlyOwnErrors(() => createRouter(check.ruleSet!).route(EVENT));
        onlyOwnErrors(() => createReferenceRouter(check.ruleSet!));
      }),
      { seed: SEED, numRuns: runs },
    );
    timed('rule files', runs, started);
  });
});

describe('fuzz: suites and mapping files', () => {
  it('parseSuite never throws; parseMapping throws only MappingError', () => {
    const started = performance.now();
    const runs = 300;
    fc.assert(
      fc.property(yamlText, (text) => {
        const suite = parseSuite(text, { filename: 'fuzz.suite.yaml' });
        for (const d of suite.diagnostics) expect(d.code).toMatch(/^EXR_[A-Z0-9_]+$/);
        onlyOwnErrors(() => parseMapping(text, { filename: 'fuzz.mapping.yaml' }));
      }),
      { seed: SEED, numRuns: runs },
    );
    timed('suites + mappings', runs, started);
  });
});

// ---------------------------------------------------------------- events and payloads

const EVENT: NormalizedEvent = {
  id: 'e-1',
  source: 'exstream/fuzz',
  type: 'content.review_requested',
  time: '2026-03-02T10:15:00Z',
  documentType: 'legal-correspondence',
  region: 'UK',
  data: {},
};

const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<unknown>(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      10n,
      undefined,
      null,
      '',
      'x'.repeat(10_000),
      Symbol('s'),
      () => 1,
    ),
    fc.string({ maxLength: 10 }),
    fc.double(),
    fc.boolean(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.string({ maxLength: 6 }),
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'type', 'data'),
      ),
      tie('value'),
      { maxKeys: 4 },
    ),
    fc.integer({ min: 60, max: 200 }).map((depth) => {
      let nested: unknown = 1;
      for (let i = 0; i < depth; i++) nested = { a: nested };
      return nested;
    }),
  ),
})).value;

/** Objects whose reading throws: getters, Proxies, a getter that works once. */
const throwingObject = fc.constantFrom('getter', 'proxy', 'once').map((kind) => {
  const event: Record<string, unknown> = { ...EVENT };
  if (kind === 'proxy') {
    return new Proxy(event, {
      ownKeys: () => {
        throw new RangeError('trap');
      },
    });
  }
  let reads = 0;
  Object.defineProperty(event, 'region', {
    enumerable: true,
    get() {
      if (kind === 'getter' || ++reads > 1) throw new TypeError('getter');
      return 'UK';
    },
  });
  return event;
});

const eventLike = fc.oneof(
  hostileValue,
  throwingObject,
  fc
    .record({
      field: fc.constantFrom('id', 'type', 'region', 'data', 'time', 'priority', 'extra'),
      value: hostileValue,
    })
    .map(({ field, value }) => ({ ...EVENT, [field]: value })),
);

describe('fuzz: events and raw payloads', () => {
  let router: Router;
  let trusting: Router;
  beforeAll(() => {
    const ruleSet = parseRuleSet(RULES);
    router = createRouter(ruleSet);
    trusting = createRouter(ruleSet, { validateEvents: false });
  });

  it('route, explain and validateEvent let only exroute errors out', () => {
    const started = performance.now();
    const runs = 500;
    fc.assert(
      fc.property(eventLike, (event) => {
        onlyOwnErrors(() => validateEvent(event));
        expect(() => validateEvent(event)).not.toThrow();
        onlyOwnErrors(() => router.route(event as NormalizedEvent));
        onlyOwnErrors(() => router.explain(event as NormalizedEvent));
        onlyOwnErrors(() => trusting.route(event as NormalizedEvent));
        onlyOwnErrors(() => trusting.explain(event as NormalizedEvent));
      }),
      { seed: SEED, numRuns: runs },
    );
    timed('events', runs, started);
  });

  it('normalize and normalizeLine let only exroute errors out', () => {
    const started = performance.now();
    const runs = 500;
    const rawLine = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.constantFrom(
        '{'.repeat(5_000),
        `[${'1,'.repeat(5_000)}1]`,
        '{"__proto__":{"polluted":1}}',
      ),
    );
    fc.assert(
      fc.property(hostileValue, rawLine, (raw, line) => {
        onlyOwnErrors(() => normalize(raw));
        onlyOwnErrors(() => normalizeLine(line, 1));
      }),
      { seed: SEED, numRuns: runs },
    );
    timed('raw payloads', runs, started);
  });
});

// ---------------------------------------------------------------- CLI arguments

describe('fuzz: CLI arguments', () => {
  let project: TempProject;
  beforeAll(() => {
    project = new TempProject();
    project.write('rules/rules.yaml', RULES);
    project.write('events.jsonl', `${JSON.stringify(EVENT)}\n{"bad json\n`);
  });
  afterAll(() => project.remove());

  const token = fc.oneof(
    fc.constantFrom(
      'validate',
      'explain',
      'test',
      'graph',
      'lint',
      'route',
      'help',
      '--help',
      '-h',
      '--version',
      '--rules',
      'rules',
      'rules/rules.yaml',
      'events.jsonl',
      '-',
      '--',
      '--format',
      'json',
      'text',
      'xml',
      '--normalize',
      '--clock',
      '2026-03-02T10:15:00Z',
      'yesterday',
      '--min-coverage',
      '101',
      '-1',
      '--junit',
      'out.xml',
      '--rules=rules',
      '--nope',
      '=',
      '--send',
      '--tenant',
      '../../etc/passwd',
      '__proto__',
      'x'.repeat(5_000),
    ),
    fc.string({ maxLength: 12 }),
  );

  it('runCli always resolves to an exit code', async () => {
    const started = performance.now();
    const runs = 150;
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 6 }), async (argv) => {
        const sink = {
          text: '',
          write(chunk: string) {
            this.text += chunk;
            return true;
          },
        };
        const stdin = new PassThrough();
        stdin.end(`${JSON.stringify(EVENT)}\n`);
        // Not even an ExrouteError: the CLI turns every problem into output and an exit code.
        const code = await runCli(argv, {
          stdout: sink,
          stderr: sink,
          stdin,
          env: {},
          cwd: project.root,
        });
        expect(Number.isInteger(code)).toBe(true);
      }),
      { seed: SEED, numRuns: runs },
    );
    timed('CLI arguments', runs, started);
  });
});
