import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the example exactly as a user would (built packages, real HTTP on 127.0.0.1).
const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../data/sample-events.jsonl', import.meta.url));

describe('examples/webhook-service', () => {
  it('takes raw events, routes and delivers them, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [SERVER], {
      env: { ...process.env, PORT: '0', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buffer = '';
        const timer = setTimeout(() => reject(new Error('the example did not start')), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          const started = /"url":"(http:[^"]+)".*"msg":"service started"/.exec(buffer);
          if (started) {
            clearTimeout(timer);
            resolve(started[1]!);
          }
        });
      });
      const lines = (await readFile(SAMPLE, 'utf8')).split('\n').slice(0, 50).join('\n');
      const answer = await fetch(`${url}/v1/events`, {
        method: 'POST',
        body: lines,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(answer.status).toBe(202);
      expect(((await answer.json()) as { accepted: unknown[] }).accepted).toHaveLength(50);
      let delivered = 0;
      for (let i = 0; i < 100 && delivered === 0; i++) {
        const metrics = await (await fetch(`${url}/metrics`)).text();
        delivered = Number(
          /exroute_deliveries_total\{outcome="delivered"\} (\d+)/.exec(metrics)?.[1] ?? 0,
        );
        if (delivered === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(delivered).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
