import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@exroute/cli';
import { LEGAL_EVENT, RULES, TempProject } from './fixtures.js';

// runCli with in-memory streams: for what a spawned process cannot show (a terminal on stderr).

interface Captured {
  write(text: string): boolean;
  isTTY: boolean;
  text: string;
}

function capture(isTTY: boolean): Captured {
  return {
    isTTY,
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

let project: TempProject;
beforeAll(() => {
  project = new TempProject();
  project.write('rules/rules.yaml', RULES);
  project.write('events.jsonl', `${JSON.stringify(LEGAL_EVENT)}\n`.repeat(3));
});
afterAll(() => project.remove());

async function run(args: string[], stderrIsTTY = false, input = '') {
  const stdout = capture(false);
  const stderr = capture(stderrIsTTY);
  const stdin = new PassThrough();
  stdin.end(input);
  const code = await runCli(args, { stdout, stderr, stdin, env: {}, cwd: project.root });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('route progress bar', () => {
  it('is drawn on a terminal stderr and cleared before the summary', async () => {
    const result = await run(['route', '--rules', 'rules', '--progress', 'events.jsonl'], true);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\r\[#*-*\] +\d+%/);
    expect(result.stderr).toContain('\r\u001b[K');
    expect(result.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('never goes to a stderr that is not a terminal', async () => {
    const result = await run(['route', '--rules', 'rules', '--progress', 'events.jsonl'], false);
    expect(result.stderr).not.toContain('\r');
  });

  it('is not drawn for small inputs unless asked', async () => {
    const result = await run(['route', '--rules', 'rules', 'events.jsonl'], true);
    expect(result.stderr).not.toContain('\r[');
  });
});

describe('route limits', () => {
  it('reports an over-long line by number instead of parsing it', async () => {
    const long = `{"pad": "${'x'.repeat(1024 * 1024)}"}`;
    const result = await run(
      ['route', '--rules', 'rules', '-'],
      false,
      `${JSON.stringify(LEGAL_EVENT)}\n${long}\n`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^<stdin>:2:1 {2}EXR_CLI_LINE_TOO_LONG/m);
  });
});

describe('graph --format json', () => {
  it('prints nodes and edges', async () => {
    const result = await run(['graph', 'rules', '--format', 'json']);
    expect(result.code).toBe(0);
    const graph = JSON.parse(result.stdout) as {
      nodes: { id: string; kind: string; name: string }[];
      edges: { from: string; to: string; channels?: string[] }[];
    };
    const name = (id: string) => graph.nodes.find((n) => n.id === id)?.name;
    expect(graph.edges.map((e) => [name(e.from), name(e.to), e.channels])).toEqual([
      ['content.review_requested', 'legal-review', undefined],
      ['legal-review', 'review', ['email']],
      ['review', 'legal-reviewers', undefined],
      ['service.alert', 'service-alerts', undefined],
      ['service-alerts', 'alert', ['email']],
      ['alert', 'ops', undefined],
    ]);
  });
});
