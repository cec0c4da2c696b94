import type { CliOutput } from '../cli-io.js';

/** Inputs at least this large get a progress bar (when stderr is a terminal). */
export const PROGRESS_MIN_BYTES = 1024 * 1024;
const REDRAW_EVERY_MS = 100;

/** A one-line progress bar on a terminal, redrawn at most ten times a second. */
export class ProgressBar {
  private readonly out: CliOutput;
  private readonly totalBytes: number;
  private lastDraw = 0;
  private drawn = false;

  constructor(out: CliOutput, totalBytes: number) {
    this.out = out;
    this.totalBytes = totalBytes;
  }

  /** Redraws with the bytes read so far and the running counts (throttled). */
  update(bytesRead: number, events: number, badLines: number): void {
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_EVERY_MS) return;
    this.lastDraw = now;
    const fraction = this.totalBytes > 0 ? Math.min(1, bytesRead / this.totalBytes) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    this.out.write(
      `\r[${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${events} events  ${badLines} bad lines`,
    );
    this.drawn = true;
  }

  /** Clears the bar so the summary line starts clean. */
  finish(): void {
    if (this.drawn) this.out.write('\r\u001b[K');
  }
}
