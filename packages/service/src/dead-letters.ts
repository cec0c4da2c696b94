import type { Diagnostic } from '@exroute/core';
import { ServiceError } from './errors.js';
import type { StreamQueue } from './queue/stream-queue.js';

/** One dead letter as `exroute dead-letters` shows it. */
export interface DeadLetterRecord {
  /** Its id in the dead-letter stream. */
  id: string;
  /** The stream it failed on and its id there. */
  stream: 'events' | 'outgoing';
  entry: string;
  reason: string;
  diagnostics: Diagnostic[];
  deliveries: number;
  at: string;
  /** The original entry's fields (an outgoing entry keeps its idempotency key here). */
  fields: Record<string, string>;
}

/** Reads dead letters in id order, starting at `from` (inclusive; `-` for the oldest). */
export async function listDeadLetters(
  queue: StreamQueue,
  options: { from?: string; count?: number } = {},
): Promise<DeadLetterRecord[]> {
  const entries = await queue.range('dead-letters', options.from ?? '-', options.count ?? 100);
  return entries.map((entry) => toRecord(entry.id, entry.fields));
}

/** One dead letter by id; throws ServiceError `EXR_DEAD_LETTER_NOT_FOUND` when there is none. */
export async function showDeadLetter(queue: StreamQueue, id: string): Promise<DeadLetterRecord> {
  const [entry] = await queue.range('dead-letters', id, 1);
  if (entry === undefined || entry.id !== id) {
    throw new ServiceError(
      'EXR_DEAD_LETTER_NOT_FOUND',
      `no dead letter has the id ${id}; list them with 'exroute dead-letters list'`,
    );
  }
  return toRecord(entry.id, entry.fields);
}

/**
 * Puts a dead letter's original entry back on its stream, unchanged (an outgoing notification
 * keeps its idempotency key, so a receiver that saw it before drops the copy), then removes the
 * dead letter. Resolves to the new entry id.
 */
export async function replayDeadLetter(queue: StreamQueue, id: string): Promise<string> {
  const record = await showDeadLetter(queue, id);
  const [entry] = await queue.append(record.stream, [record.fields]);
  await queue.remove('dead-letters', [id]);
  return entry!;
}

function toRecord(id: string, fields: Record<string, string>): DeadLetterRecord {
  const parse = <T>(text: string | undefined, fallback: T): T => {
    try {
      return text === undefined ? fallback : (JSON.parse(text) as T);
    } catch {
      return fallback;
    }
  };
  return {
    id,
    stream: fields['stream'] === 'outgoing' ? 'outgoing' : 'events',
    entry: fields['entry'] ?? '',
    reason: fields['reason'] ?? 'EXR_UNKNOWN',
    diagnostics: parse<Diagnostic[]>(fields['diagnostics'], []),
    deliveries: Number(fields['deliveries'] ?? 0),
    at: fields['at'] ?? '',
    fields: parse<Record<string, string>>(fields['fields'], {}),
  };
}
