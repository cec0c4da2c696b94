import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  createNotificationsClient,
  openFileDeadLetterSink,
  redactSecrets,
} from '@exroute/notifications';
import { emailRequests, withTempDir } from './support/fixtures.js';

// Issue 11 item 7: a server that echoes the request's headers in its error body. The token and
// every Authorization value must not reach the dead letter or the result.
const TOKEN = 'tok-3f9a8c7e1d2b4a6f8e0c9b7a5d3f1e2c';
const CLIENT_SECRET = 'client-secret-do-not-store-7781';
let server: Server;
let base: string;

function handle(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  request.on('end', () => {
    if (request.url?.endsWith('/oauth2/token')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ access_token: TOKEN, expires_in: 3600, token_type: 'Bearer' }));
      return;
    }
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        error: `rejected request with Authorization: Bearer ${TOKEN} (client ${CLIENT_SECRET})`,
        echo: { headers: request.headers },
        raw: `authorization=Basic ${Buffer.from(`id:${CLIENT_SECRET}`).toString('base64')}\r\nx: 1`,
      }),
    );
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('secrets echoed by the server', () => {
  it('are redacted from the dead letter and the result', async () => {
    await withTempDir(async (dir) => {
      const sink = await openFileDeadLetterSink(join(dir, 'dead.jsonl'));
      const client = createNotificationsClient({
        baseUrl: base,
        authUrl: base,
        tenant: 't',
        clientId: 'id',
        clientSecret: CLIENT_SECRET,
        deadLetters: sink,
      });
      const [result] = await client.send(emailRequests(1, 'echo'));
      await client.close();
      await sink.close();
      expect(result).toMatchObject({ status: 'dead-lettered', reason: 'EXR_DELIVERY_REJECTED' });
      const stored = await readFile(join(dir, 'dead.jsonl'), 'utf8');
      const everything = `${JSON.stringify(result)}\n${stored}`;
      // The body is still kept (it explains the rejection), minus the secrets.
      expect(everything).toContain('rejected request with Authorization');
      expect(everything).toContain('[REDACTED]');
      expect(everything).not.toContain(TOKEN);
      expect(everything).not.toContain(CLIENT_SECRET);
      expect(everything).not.toContain(Buffer.from(`id:${CLIENT_SECRET}`).toString('base64'));
      expect(everything.toLowerCase()).not.toMatch(/bearer\s+(?!\[redacted\])/);
    });
  });

  it.each([
    ['{"authorization":"Bearer abc.def-ghi"}', '{"authorization":"[REDACTED]"}'],
    ['Authorization: Basic QWxhZGRpbjpvcGVu\r\nHost: x', 'Authorization: [REDACTED]\r\nHost: x'],
    ['token bearer eyJhbGciOi.J9x_y=', 'token bearer [REDACTED]'],
    ['nothing secret here', 'nothing secret here'],
  ])('redactSecrets(%j)', (text, expected) => {
    expect(redactSecrets(text, [])).toBe(expected);
  });

  it('redacts a long body in time linear in its size', () => {
    const body = 'authorization: '.repeat(20_000) + 'Bearer '.repeat(20_000);
    const started = performance.now();
    const redacted = redactSecrets(body, [TOKEN]);
    console.info(`[redact] ${body.length} chars in ${(performance.now() - started).toFixed(1)} ms`);
    expect(redacted).toContain('[REDACTED]');
  }, 10_000);
});
