import { randomUUID } from 'node:crypto';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Diagnostic } from '@exroute/core';
import { DeliveryError, deliveryDiagnostic } from '../errors.js';
import { storeError } from './json-lines-file.js';

/** What a lock file says about its holder; `token` tells two locks of one process apart. */
interface LockOwner {
  pid: number;
  host: string;
  at: string;
  token: string;
}

/** A held outbox lock; `release` removes the lock file (once, and only while it is still ours). */
export interface OutboxLock {
  readonly path: string;
  /** Set when a lock left by a process that no longer runs was taken over. */
  readonly warning: Diagnostic | undefined;
  release(): Promise<void>;
}

/** When this process started: a lock with our pid but older than this is a predecessor's. */
const PROCESS_STARTED = Date.now() - process.uptime() * 1000;

/**
 * Tokens of the locks this process has taken, shared by every copy of this module loaded in
 * the process: a lock with our pid and one of these tokens is ours, never a predecessor's,
 * whatever the clock did since.
 */
const OWN_TOKENS: Set<string> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('exroute.outboxLockTokens')
] ??= new Set<string>()) as Set<string>;

/** Tokens are UUIDs; they become part of file names, so nothing else is accepted from a lock. */
const TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Takes `<outbox>.lock` so that a second process opening the same outbox fails instead of
 * interleaving its lines and compactions with the first (each would replay and resend the
 * other's requests). The lock file is created complete or not at all (written aside, then
 * hard-linked into place). A lock whose holder, on this host, no longer runs (or is this
 * process's predecessor under the same pid, as after a container restart) is taken over with a
 * warning, one contender at a time; a lock held by a live process or by another host is refused
 * with EXR_DELIVERY_OUTBOX_LOCKED. "This host" is the host name: containers that share the
 * outbox's volume must not share a host name.
 */
export async function acquireOutboxLock(outboxPath: string): Promise<OutboxLock> {
  const path = `${outboxPath}.lock`;
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    at: new Date().toISOString(),
    token: randomUUID(),
  };
  OWN_TOKENS.add(me.token);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await createExclusive(path, me)) return heldLock(path, me, undefined);
      const owner = await readOwner(path);
      if (owner === 'gone') continue;
      if (owner === undefined || !isStale(owner, me)) throw lockedError(path, owner);
      if (await replaceStale(path, owner, me, 0)) {
        return heldLock(path, me, {
          code: 'EXR_DELIVERY_OUTBOX_LOCK_STALE',
          severity: 'warning',
          message: `took over ${path}: process ${owner.pid}, which held it since ${owner.at}, no longer runs (it probably crashed); its unfinished requests are replayed`,
          file: path,
        });
      }
    }
    const owner = await readOwner(path);
    throw lockedError(path, owner === 'gone' ? undefined : owner);
  } catch (error) {
    OWN_TOKENS.delete(me.token);
    throw error;
  }
}

/**
 * A lock from this host whose process is gone, or that an earlier process with our pid left (a
 * restarted container): not one of our tokens, and written before this process started.
 */
function isStale(owner: LockOwner, me: LockOwner): boolean {
  if (owner.host !== me.host) return false;
  if (owner.pid === me.pid) {
    return !OWN_TOKENS.has(owner.token) && Date.parse(owner.at) < PROCESS_STARTED;
  }
  return !isRunning(owner.pid);
}

/** How many crashed takeovers in a row are cleared before giving up. */
const MAX_TAKEOVER_DEPTH = 3;

/**
 * Makes `path` ours in place of the stale file `stale` (a lock, or a takeover guard left by a
 * crash). Contenders for the same stale file serialise on the exclusive guard
 * `<path>.takeover-<stale token>` and re-read `path` under it, so at most one of them removes
 * it; a guard whose holder crashed is itself replaced the same way. Nothing is ever removed by
 * name without that guard. False when someone else got there first.
 */
async function replaceStale(
  path: string,
  stale: LockOwner,
  me: LockOwner,
  depth: number,
): Promise<boolean> {
  if (depth > MAX_TAKEOVER_DEPTH) return false;
  const guard = `${path}.takeover-${stale.token}`;
  if (!(await createExclusive(guard, me))) {
    const holder = await readOwner(guard);
    if (holder === 'gone' || holder === undefined || !isStale(holder, me)) return false;
    if (!(await replaceStale(guard, holder, me, depth + 1))) return false;
  }
  try {
    const current = await readOwner(path);
    if (current !== 'gone') {
      if (current === undefined || current.token !== stale.token) return false;
      await unlink(path).catch((error: unknown) => {
        if (codeOf(error) !== 'ENOENT') throw storeError(path, 'remove the stale lock', error);
      });
    }
    return await createExclusive(path, me);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Creates `path` holding `owner`, complete or not at all; false when it already exists. */
async function createExclusive(path: string, owner: LockOwner): Promise<boolean> {
  const aside = `${path}.${owner.token}.${randomUUID()}.tmp`;
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
    throw error instanceof DeliveryError ? error : storeError(path, 'create the lock', error);
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
      typeof value.at === 'string' &&
      typeof value.token === 'string' &&
      TOKEN.test(value.token)
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

function heldLock(path: string, me: LockOwner, warning: Diagnostic | undefined): OutboxLock {
  let released = false;
  return {
    path,
    warning,
    async release() {
      if (released) return;
      released = true;
      OWN_TOKENS.delete(me.token);
      // Only our own lock is removed: if it was deleted and someone else now holds the outbox,
      // removing theirs would let a third process in.
      const current = await readOwner(path).catch(() => undefined);
      if (current !== 'gone' && current?.token === me.token) {
        await unlink(path).catch(() => undefined);
      }
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
