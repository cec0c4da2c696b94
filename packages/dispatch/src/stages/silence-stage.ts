import type { SilenceBook } from '../silence/silence-book.js';
import type {
  EventContext,
  NotificationContext,
  Stage,
  StageResult,
  VerdictOutcome,
} from './stage.js';

/** Silence: an active silence whose matcher matches the event mutes its notifications. */
export class SilenceStage implements Stage {
  readonly name = 'silence';

  constructor(private readonly silences: SilenceBook) {}

  exec(context: NotificationContext): StageResult {
    const ev = context.ev;
    if (ev.silencedBy === undefined) {
      const found = this.silences.matching(ev.event, ev.nowMs);
      if (found instanceof Promise) return this.settle(ev, found);
      ev.silencedBy = found ?? null;
    }
    return verdictOf(ev);
  }

  private async settle(
    ev: EventContext,
    found: Promise<string | undefined>,
  ): Promise<VerdictOutcome | undefined> {
    ev.silencedBy = (await found) ?? null;
    return verdictOf(ev);
  }
}

function verdictOf(ev: EventContext): VerdictOutcome | undefined {
  return ev.silencedBy == null ? undefined : { kind: 'silenced', silenceId: ev.silencedBy };
}
