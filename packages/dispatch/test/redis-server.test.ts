import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRedis, redisSkipReason, startRedis } from '../src/testing/index.js';
import type { RedisServer } from '../src/testing/index.js';

const servers: RedisServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

function newClient(url: string) {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  return client;
}

async function withClient<T>(
  url: string,
  use: (client: ReturnType<typeof newClient>) => Promise<T>,
): Promise<T> {
  const client = newClient(url);
  await client.connect();
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

describe.skipIf(!hasRedis)(`test redis-server harness ${redisSkipReason}`, () => {
  it('starts a private server on a loopback port that answers and stops it', async () => {
    const server = await startRedis();
    servers.push(server);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(6379);
    const pong = await withClient(server.url, (client) => client.ping());
    expect(pong).toBe('PONG');
    const persistence = await withClient(server.url, (client) => client.configGet('appendonly'));
    expect(persistence['appendonly']).toBe('no');
    await server.stop();
    expect(server.running).toBe(false);
    await expect(withClient(server.url, (client) => client.ping())).rejects.toThrow();
  });

  it('keeps data across a restart on the same port when the append-only file is on', async () => {
    const server = await startRedis({ appendonly: true });
    servers.push(server);
    await withClient(server.url, (client) => client.set('kept', 'yes'));
    await server.restart();
    expect(server.running).toBe(true);
    expect(await withClient(server.url, (client) => client.get('kept'))).toBe('yes');
  });

  it('loses everything on restart without the append-only file (what in-memory Redis means)', async () => {
    const server = await startRedis();
    servers.push(server);
    await withClient(server.url, (client) => client.set('lost', 'yes'));
    await server.restart();
    expect(await withClient(server.url, (client) => client.get('lost'))).toBeNull();
  });

  it('close() removes the temp dir and is safe to repeat', async () => {
    const server = await startRedis();
    await server.close();
    await server.close();
    const { existsSync } = await import('node:fs');
    expect(existsSync(server.dir)).toBe(false);
    await expect(server.restart()).rejects.toThrow();
  });
});
