import { createClient } from 'redis';
import type {
  QueueEntry,
  StreamName,
  StreamQueue,
  StreamReader,
  StreamStatus,
} from './stream-queue.js';

/** Settings of {@link openRedisQueue}. */
export interface RedisQueueOptions {
  url: string;
  password?: string;
  /** Key prefix: streams are `{prefix}:events`, `{prefix}:outgoing`, `{prefix}:dead-letters`. */
  prefix: string;
  /** Approximate cap of the events and outgoing streams (`MAXLEN ~`): a guard, not the trim. */
  maxLength: number;
  deadLetterMaxLength: number;
  /** Called with connection errors; node-redis reconnects by itself. */
  onError?: (error: Error) => void;
}

/** The consumer group every instance joins, on every stream. */
export const CONSUMER_GROUP = 'exroute';

type Client = ReturnType<
  typeof createClient<Record<string, never>, Record<string, never>, Record<string, never>, 2>
>;
type RawEntry = [string, string[] | null];

/**
 * Opens the Redis Streams queue (node-redis, RESP2 replies). Commands issued while Redis is
 * restarting wait in node-redis's offline queue and run after the reconnect.
 */
export async function openRedisQueue(options: RedisQueueOptions): Promise<StreamQueue> {
  const client = createClient({
    url: options.url,
    RESP: 2,
    ...(options.password !== undefined ? { password: options.password } : {}),
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) },
  }) as unknown as Client;
  client.on('error', (error: Error) => options.onError?.(error));
  await client.connect();
  return new RedisStreamQueue(client, options);
}

class RedisStreamQueue implements StreamQueue {
  readonly #client: Client;
  readonly #options: RedisQueueOptions;
  readonly #readers = new Set<Client>();

  constructor(client: Client, options: RedisQueueOptions) {
    this.#client = client;
    this.#options = options;
  }

  #key(stream: StreamName): string {
    return `${this.#options.prefix}:${stream}`;
  }

  #xadd(stream: StreamName, fields: Record<string, string>): string[] {
    const cap =
      stream === 'dead-letters' ? this.#options.deadLetterMaxLength : this.#options.maxLength;
    const args = ['XADD', this.#key(stream), 'MAXLEN', '~', String(cap), '*'];
    for (const [name, value] of Object.entries(fields)) args.push(name, value);
    return args;
  }

  async ensureGroups(): Promise<void> {
    for (const stream of ['events', 'outgoing'] as const) {
      try {
        await this.#client.sendCommand([
          'XGROUP',
          'CREATE',
          this.#key(stream),
          CONSUMER_GROUP,
          '0',
          'MKSTREAM',
        ]);
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
    }
  }

  async append(stream: StreamName, entries: readonly Record<string, string>[]): Promise<string[]> {
    if (entries.length === 0) return [];
    if (entries.length === 1) {
      return [await this.#client.sendCommand<string>(this.#xadd(stream, entries[0]!))];
    }
    const multi = this.#client.multi();
    for (const fields of entries) multi.addCommand(this.#xadd(stream, fields));
    const replies = (await multi.exec()) as unknown[];
    return replies.map(String);
  }

  reader(stream: 'events' | 'outgoing', consumer: string): StreamReader {
    const connection = this.#client.duplicate();
    connection.on('error', (error: Error) => this.#options.onError?.(error));
    this.#readers.add(connection);
    const ready = connection.connect();
    const key = this.#key(stream);
    return {
      read: async (count, blockMs) => {
        await ready;
        const reply = await connection.sendCommand<[string, RawEntry[]][] | null>([
          'XREADGROUP',
          'GROUP',
          CONSUMER_GROUP,
          consumer,
          'COUNT',
          String(count),
          'BLOCK',
          String(blockMs),
          'STREAMS',
          key,
          '>',
        ]);
        if (reply === null) return [];
        return toEntries(reply[0]?.[1] ?? [], 1);
      },
      close: async () => {
        this.#readers.delete(connection);
        await ready.catch(() => undefined);
        connection.destroy();
      },
    };
  }

  async claimIdle(
    stream: 'events' | 'outgoing',
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<QueueEntry[]> {
    const key = this.#key(stream);
    const reply = await this.#client.sendCommand<[string, RawEntry[], string[]?]>([
      'XAUTOCLAIM',
      key,
      CONSUMER_GROUP,
      consumer,
      String(minIdleMs),
      '0-0',
      'COUNT',
      String(count),
    ]);
    const claimed = toEntries(reply[1] ?? [], 1);
    if (claimed.length === 0) return claimed;
    // XAUTOCLAIM does not say how often an entry was delivered; XPENDING does.
    const pending = await this.#client.sendCommand<[string, string, number, number][]>([
      'XPENDING',
      key,
      CONSUMER_GROUP,
      claimed[0]!.id,
      claimed[claimed.length - 1]!.id,
      String(claimed.length + 1000),
      consumer,
    ]);
    const counts = new Map(pending.map(([id, , , deliveries]) => [id, Number(deliveries)]));
    for (const entry of claimed) entry.deliveries = counts.get(entry.id) ?? 2;
    return claimed;
  }

  async ack(
    stream: 'events' | 'outgoing',
    ids: readonly string[],
    then?: { stream: StreamName; entries: readonly Record<string, string>[] },
  ): Promise<void> {
    if (ids.length === 0 && (then === undefined || then.entries.length === 0)) return;
    const ackCommand = ['XACK', this.#key(stream), CONSUMER_GROUP, ...ids];
    if (then === undefined || then.entries.length === 0) {
      await this.#client.sendCommand(ackCommand);
      return;
    }
    // One MULTI: the follow-up entries exist exactly when the acknowledgement does.
    const multi = this.#client.multi();
    for (const fields of then.entries) multi.addCommand(this.#xadd(then.stream, fields));
    if (ids.length > 0) multi.addCommand(ackCommand);
    await multi.exec();
  }

  async range(stream: StreamName, start: string, count: number): Promise<QueueEntry[]> {
    const reply = await this.#client.sendCommand<RawEntry[]>([
      'XRANGE',
      this.#key(stream),
      start,
      '+',
      'COUNT',
      String(count),
    ]);
    return toEntries(reply, 0);
  }

  async remove(stream: StreamName, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(await this.#client.sendCommand(['XDEL', this.#key(stream), ...ids]));
  }

  async status(stream: StreamName): Promise<StreamStatus> {
    const key = this.#key(stream);
    const length = Number(await this.#client.sendCommand(['XLEN', key]));
    if (stream === 'dead-letters') return { length, pending: 0, lag: 0, groupPresent: true };
    let groups: unknown[][];
    try {
      groups = await this.#client.sendCommand<unknown[][]>(['XINFO', 'GROUPS', key]);
    } catch {
      return { length, pending: 0, lag: undefined, groupPresent: false };
    }
    for (const group of groups) {
      const info = pairs(group);
      if (info.get('name') !== CONSUMER_GROUP) continue;
      const lag = info.get('lag');
      return {
        length,
        pending: Number(info.get('pending') ?? 0),
        lag: lag === null || lag === undefined ? undefined : Number(lag),
        groupPresent: true,
      };
    }
    return { length, pending: 0, lag: undefined, groupPresent: false };
  }

  async trim(): Promise<void> {
    for (const stream of ['events', 'outgoing'] as const) {
      const key = this.#key(stream);
      let groups: unknown[][];
      try {
        groups = await this.#client.sendCommand<unknown[][]>(['XINFO', 'GROUPS', key]);
      } catch {
        continue;
      }
      const info = groups.map(pairs).find((g) => g.get('name') === CONSUMER_GROUP);
      const lastDelivered = info?.get('last-delivered-id');
      if (typeof lastDelivered !== 'string' || lastDelivered === '0-0') continue;
      const summary = await this.#client.sendCommand<
        [number, string | null, string | null, unknown]
      >(['XPENDING', key, CONSUMER_GROUP]);
      // Everything older than the oldest unacknowledged entry (or, with none pending, than the
      // last delivered one) is done with: MINID keeps the rest, so no unread entry is ever trimmed.
      const keepFrom = Number(summary[0]) > 0 && summary[1] !== null ? summary[1] : lastDelivered;
      await this.#client.sendCommand(['XTRIM', key, 'MINID', '~', keepFrom]);
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.#client.sendCommand<string>(['PING'])) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    for (const reader of this.#readers) reader.destroy();
    this.#readers.clear();
    try {
      await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}

function toEntries(raw: readonly RawEntry[], deliveries: number): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const [id, flat] of raw) {
    if (flat === null) continue;
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    entries.push({ id, fields, deliveries });
  }
  return entries;
}

function pairs(flat: readonly unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(String(flat[i]), flat[i + 1]);
  return map;
}
