import { readFile } from 'node:fs/promises';
import type { NotificationRequest } from '../mapping/to-notification-requests.js';
import type { AttemptRecord } from '../delivery/results.js';
import { JsonLinesFile, storeError } from './json-lines-file.js';

/** A request that could not be delivered, with everything needed to investigate and resend it. */
export interface DeadLetter {
  key: string;
  /** Same codes as `DeadLetteredResult.reason`. */
  reason: string;
  request: NotificationRequest;
  /** Every attempt, in order. */
  attempts: AttemptRecord[];
  lastStatus?: number;
  lastBody?: string;
  /** RFC 3339. */
  deadLetteredAt: string;
}

/** Where dead letters go; `write` must resolve only once the letter is durable. */
export interface DeadLetterSink {
  write(letter: DeadLetter): Promise<void>;
  close?(): Promise<void>;
}

/** A dead-letter sink backed by a JSON Lines file, one fsynced line per letter. */
export interface FileDeadLetterSink extends DeadLetterSink {
  readonly path: string;
  close(): Promise<void>;
}

/** Opens (creating if needed) a JSON Lines dead-letter file at `path` for appending. */
export async function openFileDeadLetterSink(path: string): Promise<FileDeadLetterSink> {
  const file = await JsonLinesFile.open(path);
  return {
    path,
    write: (letter) => file.append([letter], true),
    close: () => file.close(),
  };
}

/** Reads every dead letter of a JSON Lines file, skipping lines that are not JSON objects. */
export async function readDeadLetters(path: string): Promise<DeadLetter[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw storeError(path, 'read', error);
  }
  const letters: DeadLetter[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null) letters.push(parsed as DeadLetter);
    } catch {
      // A torn last line after a crash is not a letter.
    }
  }
  return letters;
}
