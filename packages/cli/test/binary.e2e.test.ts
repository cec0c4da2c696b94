import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';
import { LEGAL_EVENT, PASSING_SUITE, RULES, TempProject, emulatorEnv } from './fixtures.js';
import { runExroute } from './run-exroute.js';

// The built binary itself, spawned: what only a real process shows — the shebang and ESM
// entry, argv, exit codes, pipes (never colour), and settings read from the real environment.
// Everything else runs in-process (commands.test.ts).

let project: TempProject;
beforeAll(() => {
  project = new TempProject();
  project.write('rules/rules.yaml', RULES);
  project.write('passing/review.suite.yaml', PASSING_SUITE);
});
afterAll(() => project.remove());

const run = (args: string[], input?: string, env?: Record<string, string>) =>
  runExroute(args, {
    cwd: project.root,
    ...(input !== undefined ? { input } : {}),
    ...(env ? { env } : {}),
  });

describe('the exroute binary', () => {
  it('prints help and its version, and exits 2 for a usage error', async () => {
    const [help, version, unknown] = await Promise.all([
      run(['--help']),
      run(['--version']),
      run(['valdate']),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: exroute <command>/);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("did you mean 'validate'?");
  });

  it('runs suites with colourless output on a pipe, and exit codes through the process', async () => {
    const passing = await run(['test', 'passing', '--min-coverage', '50']);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/Cases: 1 passed, 0 failed, 0 errors/);
    expect(passing.stdout).not.toContain('\u001b[');
    const below = await run(['test', 'passing', '--min-coverage', '51']);
    expect(below.code).toBe(1);
  });

  describe('route --send', () => {
    let emulator: NotificationsEmulator;
    beforeAll(async () => {
      emulator = await startEmulator();
    });
    afterAll(() => emulator.close());

    it('reads settings from the process environment and stdin, and never prints the secret', async () => {
      const result = await run(
        ['route', '--rules', 'rules', '--send', '-'],
        `${JSON.stringify(LEGAL_EVENT)}\n`,
        emulatorEnv(emulator),
      );
      expect(result.stderr).toMatch(/1 requests delivered, 0 not delivered/);
      expect(result.code).toBe(0);
      expect(emulator.jobs.size).toBe(1);
      const output = `${result.stdout}${result.stderr}`;
      expect(output).not.toContain(emulator.clientSecret);
      for (const token of emulator.issuedTokens) expect(output).not.toContain(token);
    });
  });
});
