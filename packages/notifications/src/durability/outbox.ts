import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '@exroute/core';
import type { NotificationRequest } from '../mapping/to-notification-requests.js';
import { JsonLinesFile, storeError } from './json-lines-file.js';
import { acquireOutboxLock } from './outbox-lock.js';

/** How a request left the outbox. */
export interface OutboxCompletion {
  status: 'delivered' | 'dead-lettered';
  jobId?: string;
}

/**
 * Durable record of requests between routing and a final outcome. `appendPending` must be
 * durable before the first byte goes to the network; a crash then loses nothing, and the
 * entries left unfinished are resent — with the same key — by `client.replayOutbox()`.
 */
export interface Outbox {
  appendPending(requests: readonly NotificationRequest[]): Promise<void>;
  markCompleted(key: string, completion: OutboxCompletion): Promise<void>;
  /** Requests that were unfinished when the outbox was opened and are still unfinished. */
  recovered(): NotificationRequest[];
  /** Number of requests appended and not yet completed. */
  readonly pendingCount: number;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** One line of the outbox file. */
export type OutboxLine =
  | { v: 1; op: 'pending'; key: string; at: string; request: NotificationRequest }
  | {
      v: 1;
      op: 'completed';
      key: string;
      at: string;
      status: OutboxCompletion['status'];
      jobId?: string;
    };

/** Options of {@link openFileOutbox}. */
export interface FileOutboxOptions {
  /** Rewrite the file with only unfinished entries after this many completions (default 1000). */
  compactEvery?: number;
}

/** An {@link Outbox} backed by a JSON Lines file. */
export interface FileOutbox extends Outbox {
  readonly path: string;
  /** Lines that could not be read at open (e.g. a half-written last line after a crash). */
  readonly warnings: readonly Diagnostic[];
  /** Rewrites the file with only unfinished entries. */
  compact(): Promise<void>;
}

/**
 * Opens the outbox file at `path` (created when missing), reads what an earlier run left
 * unfinished, and compacts the file so it holds only those entries. Growth is bounded: the file
 * is compacted again every `compactEvery` completions. One process per file, enforced by a
 * `<path>.lock` file that `close` removes (EXR_DELIVERY_OUTBOX_LOCKED while another live process
 * holds it; a lock left by a crashed process is taken over, with a warning in `warnings`).
 */
export async function openFileOutbox(
  path: string,
  options: FileOutboxOptions = {},
): Promise<FileOutbox> {
  const compactEvery = options.compactEvery ?? 1000;
  const lock = await acquireOutboxLock(path);
  let text = '';
  let file: JsonLinesFile;
  try {
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) {
        throw storeError(path, 'read', error);
      }
    }
    file = await JsonLinesFile.open(path);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const { pending, warnings, needsCompaction } = replayLines(path, text);
  if (lock.warning !== undefined) warnings.unshift(lock.warning);
  const recoveredKeys = new Set(pending.keys());
  let completedSinceCompaction = 0;

  const compact = (): Promise<void> => {
    completedSinceCompaction = 0;
    const at = new Date().toISOString();
    return file.replaceWith(
      [...pending.values()].map((request): OutboxLine => ({
        v: 1,
        op: 'pending',
        key: request.key,
        at,
        request,
      })),
    );
  };
  if (needsCompaction) {
    try {
      await compact();
    } catch (error) {
      await file.close().catch(() => undefined);
      await lock.release();
      throw error;
    }
  }

  return {
    path,
    warnings,
    compact,
    get pendingCount() {
      return pending.size;
    },
    appendPending(requests) {
      const at = new Date().toISOString();
      for (const request of requests) {
        if (!pending.has(request.key)) pending.set(request.key, request);
      }
      return file.append(
        requests.map((request): OutboxLine => ({
          v: 1,
          op: 'pending',
          key: request.key,
          at,
          request,
        })),
        true,
      );
    },
    async markCompleted(key, completion) {
      pending.delete(key);
      recoveredKeys.delete(key);
      const line: OutboxLine = {
        v: 1,
        op: 'completed',
        key,
        at: new Date().toISOString(),
        status: completion.status,
        ...(completion.jobId !== undefined ? { jobId: completion.jobId } : {}),
      };
      // Not fsynced one by one: a lost completion only causes a resend with the same key.
      await file.append([line], false);
      completedSinceCompaction += 1;
      if (completedSinceCompaction >= compactEvery) await compact();
    },
    recovered() {
      return [...recoveredKeys].flatMap((key) => {
        const request = pending.get(key);
        return request === undefined ? [] : [request];
      });
    },
    flush: () => file.sync(),
    async close() {
      try {
        await file.close();
      } finally {
        await lock.release();
      }
    },
  };
}

function replayLines(
  path: string,
  text: string,
): { pending: Map<string, NotificationRequest>; warnings: Diagnostic[]; needsCompaction: boolean } {
  const pending = new Map<string, NotificationRequest>();
  const warnings: Diagnostic[] = [];
  let needsCompaction = false;
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = parseLine(raw);
    if (line === undefined) {
      needsCompaction = true;
      warnings.push({
        code: 'EXR_DELIVERY_OUTBOX_LINE_INVALID',
        severity: 'warning',
        message:
          'outbox line is not a valid entry (usually a write cut short by a crash); it was skipped',
        file: path,
        line: index + 1,
        column: 1,
      });
      return;
    }
    if (line.op === 'pending') {
      if (!pending.has(line.key)) pending.set(line.key, line.request);
    } else {
      needsCompaction = true;
      pending.delete(line.key);
    }
  });
  return { pending, warnings, needsCompaction };
}

function parseLine(raw: string): OutboxLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const line = value as Record<string, unknown>;
  if (line['v'] !== 1 || typeof line['key'] !== 'string' || line['key'] === '') return undefined;
  if (line['op'] === 'completed') return value as OutboxLine;
  if (line['op'] !== 'pending') return undefined;
  const request = line['request'];
  if (typeof request !== 'object' || request === null) return undefined;
  const r = request as Record<string, unknown>;
  if (r['key'] !== line['key'] || typeof r['path'] !== 'string' || typeof r['body'] !== 'object') {
    return undefined;
  }
  return value as OutboxLine;
}
