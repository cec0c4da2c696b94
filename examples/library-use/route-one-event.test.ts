import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the example as a user would (node, built packages) and checks the values it prints.

const EXAMPLE = fileURLToPath(new URL('./route-one-event.mjs', import.meta.url));

describe('library use example', () => {
  it('routes a US cancellation notice to the Americas account managers', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [EXAMPLE]);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toContain('cancellation-notice-account-managers-americas');
    expect(lines[1]).toContain('EXS-HIGH-PRIORITY-COMM');
    expect(lines[1]).toContain('account-managers-americas@example.com');
    expect(lines.filter((line) => line.includes('POST /mra/v1/outbound/emails'))).toHaveLength(1);
  });
});
