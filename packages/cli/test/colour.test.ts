import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorEnabled, runCli } from '@exroute/cli';
import type { CliIo } from '@exroute/cli';

function capture(isTTY: boolean): { write(text: string): void; isTTY: boolean; text: string } {
  return {
    isTTY,
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

describe('colour', () => {
  it('is on only for a terminal without NO_COLOR', () => {
    expect(colorEnabled({ write: () => true, isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ write: () => true, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ write: () => true, isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ write: () => true }, {})).toBe(false);
  });

  it('reaches the output of a command run on a terminal', async () => {
    const cwd = new URL('../../testing/test/fixtures/passing/', import.meta.url).pathname;
    const run = async (env: CliIo['env']): Promise<string> => {
      const stdout = capture(true);
      const code = await runCli(['test'], {
        stdout,
        stderr: capture(true),
        stdin: new PassThrough(),
        env,
        cwd,
      });
      expect(code).toBe(0);
      return stdout.text;
    };
    expect(await run({})).toContain('\u001b[');
    expect(await run({ NO_COLOR: '1' })).not.toContain('\u001b[');
  });
});
