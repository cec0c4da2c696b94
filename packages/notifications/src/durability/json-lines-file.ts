import { open, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DeliveryError, deliveryDiagnostic } from '../errors.js';

/**
 * An append-only JSON Lines file with explicit fsync. Every operation is queued, so concurrent
 * callers never interleave half lines and a rewrite never races an append.
 */
export class JsonLinesFile {
  readonly path: string;
  #handle: FileHandle | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /** Opens (creating if needed) `path` for appending. */
  static async open(path: string): Promise<JsonLinesFile> {
    try {
      return new JsonLinesFile(path, await open(path, 'a'));
    } catch (error) {
      throw storeError(path, 'open', error);
    }
  }

  /** Appends one line per record; with `sync`, resolves only once the data reached the disk. */
  append(records: readonly unknown[], sync: boolean): Promise<void> {
    if (records.length === 0 && !sync) return Promise.resolve();
    const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    return this.#enqueue('append', async (handle) => {
      if (text !== '') await handle.write(text);
      if (sync) await handle.datasync();
    });
  }

  /** Forces everything appended so far to disk. */
  sync(): Promise<void> {
    return this.#enqueue('sync', (handle) => handle.datasync());
  }

  /**
   * Atomically replaces the whole file with `records`: written to a temporary file, fsynced,
   * renamed over the original, and the directory fsynced, so a crash leaves the old or the new file.
   */
  replaceWith(records: readonly unknown[]): Promise<void> {
    return this.#enqueue('compact', async (handle) => {
      const temporary = `${this.path}.compacting`;
      const out = await open(temporary, 'w');
      try {
        await out.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
        await out.datasync();
      } finally {
        await out.close();
      }
      await handle.close();
      this.#handle = undefined;
      await rename(temporary, this.path);
      await syncDirectory(dirname(this.path));
      this.#handle = await open(this.path, 'a');
    });
  }

  /** Flushes and closes the file; later operations fail with EXR_DELIVERY_STORE_FAILED. */
  close(): Promise<void> {
    return this.#enqueue('close', async (handle) => {
      await handle.datasync();
      await handle.close();
      this.#handle = undefined;
    });
  }

  #enqueue(what: string, operation: (handle: FileHandle) => Promise<void>): Promise<void> {
    const run = this.#queue.then(async () => {
      const handle = this.#handle;
      if (handle === undefined) throw storeError(this.path, what, new Error('file is closed'));
      try {
        await operation(handle);
      } catch (error) {
        throw error instanceof DeliveryError ? error : storeError(this.path, what, error);
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic there.
  }
}

/** The DeliveryError for a failed file operation; names the path and the OS code, never data. */
export function storeError(path: string, what: string, cause: unknown): DeliveryError {
  const reason =
    cause instanceof Error && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : cause instanceof Error
        ? cause.message
        : 'unknown error';
  return new DeliveryError('EXR_DELIVERY_STORE_FAILED', `cannot ${what} ${path}: ${reason}`, [
    deliveryDiagnostic(
      'EXR_DELIVERY_STORE_FAILED',
      `cannot ${what} ${path} (${reason}); check that the directory exists, is writable and has free space`,
    ),
  ]);
}
