import type { Readable } from 'node:stream';

/** A writable text stream the CLI prints to; `isTTY` decides colour and progress output. */
export interface CliOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal width, when known. */
  readonly columns?: number;
}

/** Everything the CLI touches outside itself, so it can run in-process under test as well. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: Readable;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Whether to colour `stream`: only on a terminal, and never when NO_COLOR is set (no-color.org). */
export function colorEnabled(stream: CliOutput, env: CliIo['env']): boolean {
  const noColor = env.NO_COLOR;
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}
