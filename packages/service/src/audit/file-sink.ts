import { open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where a size-rotated JSON Lines file keeps its history: `path` now, `path.1` newest … `path.N` oldest. */
export function rotatedFiles(path: string, maxFiles: number): string[] {
  return [...Array.from({ length: maxFiles }, (_, i) => `${path}.${maxFiles - i}`), path];
}

/**
 * An append-only JSON Lines file rotated by size, classic logrotate style (`path` → `path.1` →
 * … → `path.N`, the oldest deleted). `append` resolves only once the bytes are handed to the
 * kernel, so a record written before a stream entry is acknowledged survives a SIGKILL of the
 * process. Appends are serialized; one instance owns one file.
 *
 * Hand-written rather than `rotating-file-stream`: the service needs a promise per batch that
 * resolves after the write (to order it before XACK), rotation at batch boundaries (a record is
 * never split across files) and fixed names the reader can list; that is these few lines.
 */
export class RotatingFile {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #maxFiles: number;
  #handle: FileHandle | undefined;
  #size = 0;
  #queue: Promise<void> = Promise.resolve();

  private constructor(path: string, maxBytes: number, maxFiles: number) {
    this.path = path;
    this.#maxBytes = maxBytes;
    this.#maxFiles = maxFiles;
  }

  /** Opens (creating the directory and file when missing) for appending. */
  static async open(path: string, maxBytes: number, maxFiles: number): Promise<RotatingFile> {
    const file = new RotatingFile(path, maxBytes, maxFiles);
    await mkdir(dirname(path), { recursive: true });
    await file.#reopen();
    return file;
  }

  async #reopen(): Promise<void> {
    this.#handle = await open(this.path, 'a+', 0o640);
    this.#size = (await this.#handle.stat()).size;
    if (this.#size === 0) return;
    // A write cut by a crash leaves a line without its newline: end it, so the damage stays one
    // line (reported by the reader) and the next record starts a line of its own.
    const last = Buffer.alloc(1);
    await this.#handle.read(last, 0, 1, this.#size - 1);
    if (last[0] !== 0x0a) {
      await this.#handle.write('\n');
      this.#size += 1;
    }
  }

  /** Appends `text` (whole lines); rotates first when it would push the file past `maxBytes`. */
  append(text: string): Promise<void> {
    const run = this.#queue.then(() => this.#append(Buffer.from(text, 'utf8')));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #append(bytes: Buffer): Promise<void> {
    if (this.#size > 0 && this.#size + bytes.length > this.#maxBytes) await this.#rotate();
    const handle = this.#handle;
    if (handle === undefined) throw new Error('the audit file is closed');
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
    this.#size += bytes.length;
  }

  async #rotate(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
    await rm(`${this.path}.${this.#maxFiles}`, { force: true });
    for (let i = this.#maxFiles - 1; i >= 1; i--) {
      const from = `${this.path}.${i}`;
      if (await exists(from)) await rename(from, `${this.path}.${i + 1}`);
    }
    await rename(this.path, `${this.path}.1`);
    await this.#reopen();
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#handle?.close();
    this.#handle = undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
