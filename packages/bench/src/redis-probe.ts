/**
 * What the Redis benchmarks read from the server and the wire: commands executed (`INFO
 * commandstats` deltas), memory in use (`INFO memory`), and network round trips counted by a
 * loopback TCP relay between the client and redis-server (one client→server chunk is one batch
 * of pipelined commands, i.e. one round trip).
 */
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createClient } from 'redis';

/** A plain client for INFO/CONFIG calls, kept apart from the measured client. */
export type ProbeClient = ReturnType<typeof createProbeClient>;

/** Connects a plain client to `url` for the probes below. */
export function createProbeClient(url: string) {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  return client;
}

/** Resets Redis's command statistics (`CONFIG RESETSTAT`). */
export async function resetCommandStats(client: ProbeClient): Promise<void> {
  await client.configResetStat();
}

/**
 * Commands clients sent since the last reset (EVALSHA, EVAL, ZRANGE and the like), without the
 * commands the store's Lua scripts run inside Redis (those cost no round trip) and without the
 * probes' own INFO/CONFIG calls.
 */
export async function commandsSent(client: ProbeClient): Promise<number> {
  const info = await client.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+)/gm)) {
    if (CLIENT_COMMANDS.has(match[1] ?? '')) total += Number(match[2]);
  }
  return total;
}

// What the store sends itself; every other command in commandstats ran inside a script.
const CLIENT_COMMANDS = new Set(['evalsha', 'eval', 'zrange', 'script|load', 'ping', 'hello']);

/** `used_memory` from `INFO memory`, in bytes. */
export async function usedMemory(client: ProbeClient): Promise<number> {
  const info = await client.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  return match === null ? 0 : Number(match[1]);
}

/** A loopback relay to Redis that counts client→server chunks (round trips). */
export interface RoundTripCounter {
  /** URL to give the measured client instead of Redis's own. */
  readonly url: string;
  /** Client→server chunks relayed so far. */
  readonly writes: () => number;
  close(): Promise<void>;
}

/** Starts a relay on a free 127.0.0.1 port in front of the Redis at `port`. */
export async function startRoundTripCounter(port: number): Promise<RoundTripCounter> {
  let writes = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((downstream) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    sockets.add(downstream).add(upstream);
    downstream.setNoDelay(true);
    upstream.setNoDelay(true);
    downstream.on('data', (chunk) => {
      writes += 1;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => downstream.write(chunk));
    const end = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const relayPort = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${relayPort}`,
    writes: () => writes,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
