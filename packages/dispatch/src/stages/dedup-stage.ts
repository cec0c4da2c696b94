import { dedupStoreKey } from '../keys.js';
import type { StateStore } from '../store/state-store.js';
import type { NotificationContext, Stage, StageResult, VerdictOutcome } from './stage.js';

/**
 * Dedup: the policy's rendered key seen again within `for` (from its first occurrence, not
 * extended by repeats) → dropped. The event id holds the key, so a retried event passes again.
 * Applies to critical notifications too: a duplicate is a duplicate.
 */
export class DedupStage implements Stage {
  readonly name = 'dedup';

  constructor(private readonly store: StateStore) {}

  exec(context: NotificationContext): StageResult {
    return context.policy?.dedup === undefined ? undefined : this.check(context);
  }

  private async check(context: NotificationContext): Promise<VerdictOutcome | undefined> {
    const dedup = context.policy!.dedup!;
    const { ev } = context;
    const rendered = dedup.key(ev.event, ev.now);
    const answer = await this.store.dedupCheck({
      key: dedupStoreKey(context.policy!.name, rendered),
      member: ev.uid,
      now: ev.nowMs,
      expireAt: ev.nowMs + dedup.forMs,
    });
    return answer.duplicate
      ? { kind: 'deduplicated', key: rendered, firstEventId: answer.holder }
      : undefined;
  }
}
