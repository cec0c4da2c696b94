import type {
  QueueEntry,
  StreamName,
  StreamQueue,
  StreamReader,
  StreamStatus,
} from './stream-queue.js';

interface Pending {
  entry: { id: string; fields: Record<string, string> };
  consumer: string;
  since: number;
  deliveries: number;
}

interface MemoryStream {
  entries: { id: string; fields: Record<string, string> }[];
  /** Index of the first entry not yet handed to any consumer. */
  next: number;
  pending: Map<string, Pending>;
  waiters: Set<() => void>;
}

/**
 * The in-process twin of the Redis queue for `exroute serve --embedded`: one process, no
 * durability (a restart loses what is queued), the same delivery and claim semantics.
 */
export function createMemoryQueue(options: { now?: () => number } = {}): StreamQueue {
  const now = options.now ?? Date.now;
  const streams = new Map<StreamName, MemoryStream>();
  let sequence = 0;
  const streamOf = (name: StreamName): MemoryStream => {
    let stream = streams.get(name);
    if (stream === undefined) {
      stream = { entries: [], next: 0, pending: new Map(), waiters: new Set() };
      streams.set(name, stream);
    }
    return stream;
  };
  const add = (name: StreamName, fields: Record<string, string>): string => {
    const stream = streamOf(name);
    const id = `${now()}-${sequence++}`;
    stream.entries.push({ id, fields: { ...fields } });
    for (const wake of stream.waiters) wake();
    return id;
  };
  let closed = false;

  const queue: StreamQueue = {
    ensureGroups: () => Promise.resolve(),
    append: (name, entries) => Promise.resolve(entries.map((fields) => add(name, fields))),
    reader(name, consumer): StreamReader {
      const stream = streamOf(name);
      let wake: (() => void) | undefined;
      return {
        async read(count, blockMs) {
          if (stream.next >= stream.entries.length && !closed) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(done, blockMs);
              function done(): void {
                clearTimeout(timer);
                stream.waiters.delete(done);
                wake = undefined;
                resolve();
              }
              wake = done;
              stream.waiters.add(done);
            });
          }
          const taken = stream.entries.slice(stream.next, stream.next + count);
          stream.next += taken.length;
          return taken.map((entry) => {
            stream.pending.set(entry.id, { entry, consumer, since: now(), deliveries: 1 });
            return { id: entry.id, fields: { ...entry.fields }, deliveries: 1, partition: 0 };
          });
        },
        close() {
          wake?.();
          return Promise.resolve();
        },
      };
    },
    claimIdle(name, consumer, minIdleMs, count) {
      const stream = streamOf(name);
      const claimed: QueueEntry[] = [];
      for (const pending of stream.pending.values()) {
        if (claimed.length >= count) break;
        if (now() - pending.since < minIdleMs) continue;
        pending.consumer = consumer;
        pending.since = now();
        pending.deliveries += 1;
        claimed.push({
          id: pending.entry.id,
          fields: { ...pending.entry.fields },
          deliveries: pending.deliveries,
          partition: 0,
        });
      }
      return Promise.resolve(claimed);
    },
    ack(name, refs, then) {
      if (then !== undefined) for (const fields of then.entries) add(then.stream, fields);
      const stream = streamOf(name);
      for (const ref of refs) stream.pending.delete(ref.id);
      return Promise.resolve();
    },
    range(name, start, count) {
      const stream = streamOf(name);
      const from =
        start === '-' ? 0 : stream.entries.findIndex((e) => compareIds(e.id, start) >= 0);
      if (from < 0) return Promise.resolve([]);
      return Promise.resolve(
        stream.entries
          .slice(from, from + count)
          .map((e) => ({ id: e.id, fields: { ...e.fields }, deliveries: 0, partition: 0 })),
      );
    },
    remove(name, ids) {
      const stream = streamOf(name);
      const drop = new Set(ids);
      const before = stream.entries.length;
      const kept = stream.entries.filter((e, i) => {
        if (!drop.has(e.id)) return true;
        if (i < stream.next) stream.next -= 1;
        return false;
      });
      stream.entries = kept;
      return Promise.resolve(before - kept.length);
    },
    status(name): Promise<StreamStatus> {
      const stream = streamOf(name);
      return Promise.resolve({
        length: stream.entries.length,
        pending: stream.pending.size,
        lag: stream.entries.length - stream.next,
        groupPresent: true,
      });
    },
    trim() {
      for (const [name, stream] of streams) {
        if (name === 'dead-letters') continue;
        // Entries already handed out and acknowledged are done with.
        let done = 0;
        while (done < stream.next && !stream.pending.has(stream.entries[done]!.id)) done++;
        stream.entries.splice(0, done);
        stream.next -= done;
      }
      return Promise.resolve();
    },
    ping: () => Promise.resolve(!closed),
    close() {
      closed = true;
      for (const stream of streams.values()) for (const wake of stream.waiters) wake();
      return Promise.resolve();
    },
  };
  return queue;
}

function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}
