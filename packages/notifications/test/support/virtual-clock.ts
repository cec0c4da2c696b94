import { setImmediate as nextTurn, setTimeout as pause } from 'node:timers/promises';

interface Timer {
  at: number;
  order: number;
  wake: () => void;
}

/**
 * A virtual clock for the client's `now` / `sleep` and the emulator's `now`: minutes of backoff
 * pass in milliseconds, while every HTTP exchange still goes over a real loopback socket.
 * Time only moves when nothing is on the wire (`busy()` is false) and someone sleeps: then it
 * jumps to the earliest wake-up, exactly as real time would have passed with nothing happening.
 */
export class VirtualClock {
  #now: number;
  #order = 0;
  readonly #timers: Timer[] = [];

  constructor(start = Date.parse('2026-06-01T08:00:00Z')) {
    this.#now = start;
  }

  /** ms since epoch, virtual. */
  readonly now = (): number => this.#now;

  /** Resolves once virtual time has advanced by `ms`. */
  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((wake) => {
      this.#timers.push({ at: this.#now + Math.max(0, ms), order: this.#order++, wake });
    });

  /**
   * Awaits `work`, advancing virtual time whenever `busy()` says no request is in flight and a
   * sleeper is waiting. Real I/O is polled every millisecond while busy.
   */
  async drive<T>(work: Promise<T>, busy: () => boolean): Promise<T> {
    let settled = false;
    const tracked = work.finally(() => {
      settled = true;
    });
    while (!settled) {
      // A full macrotask turn: every microtask continuation (a worker going back to sleep or
      // onto the wire) has run before the decision below.
      await nextTurn();
      if (settled) break;
      if (busy() || this.#timers.length === 0) {
        await pause(1);
        continue;
      }
      this.#timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const first = this.#timers[0]!;
      this.#now = Math.max(this.#now, first.at);
      const due = this.#timers.filter((t) => t.at <= this.#now);
      this.#timers.splice(0, due.length);
      for (const timer of due) timer.wake();
    }
    return tracked;
  }
}
