import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { LEGAL_EVENT, RULES, TempProject } from './fixtures.js';
import { BIN } from './run-exroute.js';

const project = new TempProject();
afterAll(() => project.remove());

describe('a reader that closes the pipe early (`exroute route … | head -1`)', () => {
  it('ends the command quietly instead of crashing on EPIPE', async () => {
    project.write('rules/rules.yaml', RULES);
    // Enough decisions to overflow a pipe buffer many times over.
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ ...LEGAL_EVENT, id: `evt-${i}` }),
    );
    project.write('events.jsonl', `${lines.join('\n')}\n`);

    const child = spawn(process.execPath, [BIN, 'route', '--rules', 'rules', 'events.jsonl'], {
      cwd: project.root,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const firstChunk = await new Promise<string>((resolve) => {
      child.stdout.setEncoding('utf8').once('data', (chunk: string) => resolve(chunk));
    });
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(firstChunk.startsWith('{"eventId":"evt-0"')).toBe(true);
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toContain('Unhandled');
    expect(code).toBe(0);
  });
});
