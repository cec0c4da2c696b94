/** The three streams of the service: raw and normalized events, outgoing notifications, dead letters. */
export type StreamName = 'events' | 'outgoing' | 'dead-letters';

/** One stream entry: its id, its fields, and how often it has been handed to a consumer. */
export interface QueueEntry {
  id: string;
  fields: Record<string, string>;
  /** 1 on first delivery; grows each time the entry is claimed again after a failure or a crash. */
  deliveries: number;
  /** The partition stream it came from (always 0 with one partition). */
  partition: number;
}

/** Which entry to acknowledge: its id and partition. */
export type EntryRef = Pick<QueueEntry, 'id' | 'partition'>;

/**
 * The field whose value picks an entry's partition (hashed); entries without it go by their
 * `key` field (outgoing notifications), else to partition 0. Ingest sets it to the event's
 * correlation id (or source/id), so one batch's events share a partition.
 */
export const PARTITION_FIELD = 'pk';

/** What a stream looks like to its consumer group, for metrics and `/readyz`. */
export interface StreamStatus {
  length: number;
  /** Entries handed to a consumer and not yet acknowledged. */
  pending: number;
  /** Entries not yet handed to any consumer (undefined when Redis cannot tell). */
  lag: number | undefined;
  groupPresent: boolean;
}

/** A consumer's blocking reader of new entries; each reader owns its connection. */
export interface StreamReader {
  /** New entries for this consumer, waiting up to `blockMs` when there are none. */
  read(count: number, blockMs: number): Promise<QueueEntry[]>;
  close(): Promise<void>;
}

/**
 * The work queue the service runs on: Redis Streams with one consumer group per stream, or an
 * in-process twin with the same semantics for the embedded mode. Every method resolves only after
 * the change is applied, so an HTTP `202` follows an acknowledged `append`.
 */
export interface StreamQueue {
  /** Creates the streams' consumer groups when missing (idempotent). */
  ensureGroups(): Promise<void>;
  /** Appends entries in one round trip; resolves to their ids, in order. */
  append(stream: StreamName, entries: readonly Record<string, string>[]): Promise<string[]>;
  /** A reader of new entries for `consumer` in the stream's group. */
  reader(stream: Exclude<StreamName, 'dead-letters'>, consumer: string): StreamReader;
  /** Takes over entries pending longer than `minIdleMs` at other (or dead) consumers. */
  claimIdle(
    stream: Exclude<StreamName, 'dead-letters'>,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<QueueEntry[]>;
  /** Acknowledges entries (and, atomically, appends `then` entries first when given). */
  ack(
    stream: Exclude<StreamName, 'dead-letters'>,
    entries: readonly EntryRef[],
    then?: { stream: StreamName; entries: readonly Record<string, string>[] },
  ): Promise<void>;
  /** Entries from `start` (inclusive, `-` for the oldest) in id order. */
  range(stream: StreamName, start: string, count: number): Promise<QueueEntry[]>;
  /** Removes entries (dead letters after a replay). */
  remove(stream: StreamName, ids: readonly string[]): Promise<number>;
  status(stream: StreamName): Promise<StreamStatus>;
  /** Drops entries every consumer is done with, so memory stays flat. */
  trim(): Promise<void>;
  /** True when the backing store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
