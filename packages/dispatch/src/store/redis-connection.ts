// One node-redis connection for the Redis store, set up to fail fast: no offline queue (a call
// while Redis is away is rejected at once instead of waiting without bound), a per-command
// timeout, reconnection in the background forever once connected, and an 'error' listener so a
// dropped connection never becomes an unhandled 'error' event that would crash the process.
import { createClient } from 'redis';
import { asStoreError } from '../errors.js';
import { REDIS_SCRIPTS } from './redis-scripts.js';

/** Connection settings of the Redis store; every field but `url` has a default. */
export interface RedisConnectionOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]` */
  readonly url: string;
  /** Give up connecting at start-up after this long (default 5,000 ms). */
  readonly connectTimeoutMs?: number;
  /** A command without a reply after this long fails (default 5,000 ms). */
  readonly commandTimeoutMs?: number;
}

function newClient(options: RedisConnectionOptions, connected: () => boolean) {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const startedAt = Date.now();
  return createClient({
    url: options.url,
    disableOfflineQueue: true,
    scripts: REDIS_SCRIPTS,
    commandOptions: { timeout: options.commandTimeoutMs ?? 5_000 },
    socket: {
      connectTimeout: connectTimeoutMs,
      // Before the first connection a bounded number of tries (start-up must fail loudly on a
      // wrong URL); after it, forever with a capped back-off, so work resumes when Redis is back.
      reconnectStrategy: (retries: number, cause: Error) => {
        if (!connected() && Date.now() - startedAt >= connectTimeoutMs) return cause;
        return Math.min(50 * 2 ** Math.min(retries, 4), 1_000);
      },
    },
  });
}

/** The node-redis client type the store uses (with its scripts registered). */
export type StoreRedisClient = ReturnType<typeof newClient>;

/** A connected client plus what the store needs to report on it. */
export interface RedisConnection {
  readonly client: StoreRedisClient;
  /** The last connection error seen (for diagnostics), if any. */
  readonly lastError: () => Error | undefined;
  /** Closes the connection; pending calls fail. Safe to call twice. */
  close(): Promise<void>;
}

/** Connects to Redis; rejects with `EXR_DISPATCH_STORE_UNAVAILABLE` when it cannot within the timeout. */
export async function connectRedis(options: RedisConnectionOptions): Promise<RedisConnection> {
  let connected = false;
  let lastError: Error | undefined;
  const client = newClient(options, () => connected);
  client.on('error', (error: unknown) => {
    lastError = error instanceof Error ? error : new Error(String(error));
  });
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw asStoreError(error, `connecting to ${redactUrl(options.url)}`);
  }
  connected = true;
  let closed = false;
  return {
    client,
    lastError: () => lastError,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } catch {
        client.destroy();
      }
    },
  };
}

/** Hides a password in a Redis URL so it never reaches an error message or a log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable Redis URL>';
  }
}
