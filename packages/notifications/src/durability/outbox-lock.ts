import { link, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Diagnostic } from '@exroute/core';
import { DeliveryError, deliveryDiagnostic } from '../errors.js';
import { storeError } from './json-lines-file.js';

/** What a lock file says about its holder. */
interface LockOwner {
  pid: number;
  host: string;
  at: string;
}

/** A held outbox lock; `release` removes the lock file (once). */
export interface OutboxLock {
  readonly path: string;
  /** Set when a lock left by a process that no longer runs was taken over. */
  readonly warning: Diagnostic | undefined;
  release(): Promise<void>;
}

/**
 * Takes `<outbox>.lock` so that a second process opening the same outbox fails instead of
 * interleaving its lines and compactions with the first (each would replay and resend the
 * other's requests). The lock file is created complete or not at all (written aside, then
 * hard-linked into place). A lock whose holder, on this host, no longer runs is taken over
 * with a warning; a lock held by a live process or by another host is refused with
 * EXR_DELIVERY_OUTBOX_LOCKED.
 */
export async function acquireOutboxLock(outboxPath: string): Promise<OutboxLock> {
  const path = `${outboxPath}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), at: new Date().toISOString() };
  let warning: Diagnostic | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createLockFile(path, me)) return heldLock(path, warning);
    const owner = await readOwner(path);
    if (owner === 'gone') continue;
    if (owner !== undefined && owner.host === me.host && !isRunning(owner.pid)) {
      warning = {
        code: 'EXR_DELIVERY_OUTBOX_LOCK_STALE',
        severity: 'warning',
        message: `took over ${path}: process ${owner.pid}, which held it since ${owner.at}, no longer runs (it probably crashed); its unfinished requests are replayed`,
        file: path,
      };
      await unlink(path).catch(() => undefined);
      continue;
    }
    throw lockedError(path, owner);
  }
  throw lockedError(path, undefined);
}

async function createLockFile(path: string, owner: LockOwner): Promise<boolean> {
  const aside = `${path}.${owner.pid}.${Date.now()}.tmp`;
  try {
    const handle = await open(aside, 'wx');
    try {
      await handle.write(`${JSON.stringify(owner)}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    try {
      await link(aside, path);
      return true;
    } catch (error) {
      if (codeOf(error) === 'EEXIST') return false;
      throw error;
    }
  } catch (error) {
    throw storeError(path, 'create the lock', error);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

async function readOwner(path: string): Promise<LockOwner | 'gone' | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return 'gone';
    throw storeError(path, 'read the lock', error);
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null;
    if (
      value !== null &&
      typeof value === 'object' &&
      Number.isSafeInteger(value.pid) &&
      typeof value.host === 'string' &&
      typeof value.at === 'string'
    ) {
      return value as LockOwner;
    }
  } catch {
    // An unreadable lock is treated as held: only an operator can tell whether it is in use.
  }
  return undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return codeOf(error) === 'EPERM';
  }
}

function heldLock(path: string, warning: Diagnostic | undefined): OutboxLock {
  let released = false;
  return {
    path,
    warning,
    async release() {
      if (released) return;
      released = true;
      await unlink(path).catch(() => undefined);
    },
  };
}

function lockedError(path: string, owner: LockOwner | undefined): DeliveryError {
  const holder =
    owner === undefined
      ? 'an unreadable lock'
      : `process ${owner.pid} on ${owner.host} (since ${owner.at})`;
  const message = `the outbox is in use by ${holder}: one process per outbox file`;
  return new DeliveryError('EXR_DELIVERY_OUTBOX_LOCKED', message, [
    deliveryDiagnostic(
      'EXR_DELIVERY_OUTBOX_LOCKED',
      `${message}; give each process its own outbox, or delete ${path} if you are sure no process uses it`,
    ),
  ]);
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
