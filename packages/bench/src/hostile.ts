/**
 * The hostile-input benchmark (issue 11): the time and heap each attack from the hardening issue
 * costs now, so a regression shows up as a number rather than as a hung CI job. Every case is
 * expected to be rejected (or routed) in milliseconds; the table says how many.
 */
import {
  checkRuleSet,
  createRouter,
  parseRuleSet,
  RuleSetError,
  validateEvent,
} from '@exroute/core';
import type { NormalizedEvent, RuleSet } from '@exroute/core';
import { heapUsedAfterGc } from './measure.js';

/** What to run; the defaults are the sizes from the issue. */
export interface HostileBenchOptions {
  /** Scale factor for the inputs (1 = the sizes); the quick run uses less. */
  scale?: number;
  /** Where the table goes; default `console.log`. */
  print?: (line: string) => void;
}

/** One measured attack. */
export interface HostileBenchRow {
  name: string;
  inputBytes: number;
  ms: number;
  /** Heap growth over the step, after GC before and after, in bytes (may be negative). */
  heapBytes: number;
  /** The first diagnostic code, or what the step returned. */
  outcome: string;
}

const HEAD = `apiVersion: exroute/v1
recipients:
  ops: { email: ops@example.com }
templates:
  alert: { id: T, channels: [email] }
`;
const NOTIFY = '    notify: [{ to: [ops], template: alert }]\n';

function doublingChain(levels: number): string {
  let text = 'sharedConditions:\n  c0: { fact: region, operator: equal, value: NO }\n';
  for (let i = 1; i <= levels; i++) {
    text += `  c${i}: { all: [{ condition: c${i - 1} }, { condition: c${i - 1} }] }\n`;
  }
  return text;
}

const EVENT: NormalizedEvent = {
  id: 'e-1',
  source: 'bench',
  type: 'delivery.failed',
  time: '2026-03-02T10:15:00Z',
  region: 'NO',
  data: {},
};

/** The 2^30 DAG of issue 11 item 2, built in code (the loader would refuse it, and so does the router). */
function programmaticChain(levels: number): RuleSet {
  const small = parseRuleSet(
    `${HEAD}${doublingChain(1)}rules:\n  - id: r\n    conditions: { condition: c1 }\n${NOTIFY}`,
  );
  const shared = new Map(small.sharedConditions);
  const location = small.sharedConditions.get('c1')!.location;
  for (let i = 2; i <= levels; i++) {
    const previous = { condition: `c${i - 1}` };
    shared.set(`c${i}`, { name: `c${i}`, condition: { all: [previous, previous] }, location });
  }
  return {
    ...small,
    sharedConditions: shared,
    rules: [{ ...small.rules[0]!, condition: { all: [{ condition: `c${levels}` }] } }],
  };
}

function rulesCase(name: string, text: string): () => { bytes: number; outcome: string } {
  return () => {
    const { diagnostics } = checkRuleSet([{ text, filename: 'hostile.yaml' }]);
    return { bytes: text.length, outcome: diagnostics[0]?.code ?? 'accepted' };
  };
}

/** Runs every attack once (after one unmeasured warm-up of the loader) and prints a table. */
export function runHostileBench(options: HostileBenchOptions = {}): HostileBenchRow[] {
  const scale = options.scale ?? 1;
  const print = options.print ?? console.log;
  const n = (full: number) => Math.max(1, Math.round(full * scale));
  const cases: [string, () => { bytes: number; outcome: string }][] = [
    [
      `${n(200_000)} \`not:\` decorators`,
      rulesCase(
        'decorators',
        `${HEAD}rules:\n  - id: r\n    conditions: { all: [{ fact: region, operator: "${'not:'.repeat(n(200_000))}equal", value: NO }] }\n${NOTIFY}`,
      ),
    ],
    [
      '30 doubling shared conditions (2^30), load',
      rulesCase(
        'chain',
        `${HEAD}${doublingChain(30)}rules:\n  - id: r\n    conditions: { condition: c30 }\n${NOTIFY}`,
      ),
    ],
    [
      '2^30 DAG built in code: createRouter',
      () => {
        // The router takes only the loader's rule sets: one built in code is refused unread.
        try {
          createRouter(programmaticChain(30));
          return { bytes: 0, outcome: 'accepted' };
        } catch (error) {
          const code = error instanceof RuleSetError ? error.diagnostics[0]?.code : undefined;
          return { bytes: 0, outcome: code ?? String(error) };
        }
      },
    ],
    [
      `${n(16_000)} aliases to one anchor`,
      rulesCase(
        'aliases',
        `apiVersion: exroute/v1\nmetadata: { name: &a v }\nlabels: [${Array(n(16_000)).fill('*a').join(', ')}]\n`,
      ),
    ],
    [
      `${n(50)} distinct \`matches\` patterns that backtrack in JavaScript`,
      rulesCase(
        'patterns',
        `${HEAD}rules:\n${Array.from(
          { length: n(50) },
          (_, i) =>
            `  - id: p${i}\n    when: { data.f${i}: { matches: "(a|a${i}|b)*(c+)+d${i}" } }\n${NOTIFY}`,
        ).join('')}`,
      ),
    ],
    [
      'NaN / Infinity in an event',
      () => {
        const diagnostics = validateEvent({
          ...EVENT,
          data: { a: Number.NaN, b: Number.POSITIVE_INFINITY },
        });
        return { bytes: 0, outcome: diagnostics[0]?.code ?? 'accepted' };
      },
    ],
  ];
  checkRuleSet([{ text: `${HEAD}rules: []\n`, filename: 'warm-up.yaml' }]);
  const rows: HostileBenchRow[] = [];
  for (const [name, run] of cases) {
    const heapBefore = heapUsedAfterGc();
    const started = performance.now();
    const { bytes, outcome } = run();
    const ms = performance.now() - started;
    rows.push({ name, inputBytes: bytes, ms, heapBytes: heapUsedAfterGc() - heapBefore, outcome });
  }
  print('');
  print('## Hostile input (issue 11) — time and heap per attack');
  print('');
  print('| Attack | Input bytes | Time (ms) | Heap retained (MB) | Outcome |');
  print('|---|---:|---:|---:|---|');
  for (const row of rows) {
    print(
      `| ${row.name} | ${row.inputBytes} | ${row.ms.toFixed(1)} | ${(row.heapBytes / 1e6).toFixed(1)} | ${row.outcome} |`,
    );
  }
  return rows;
}
