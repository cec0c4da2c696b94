import { throttleStoreKey } from '../keys.js';
import type { StateStore } from '../store/state-store.js';
import type { NotificationContext, Stage, StageResult, VerdictOutcome } from './stage.js';

/** How long an unreported drop count is kept, in throttle windows (at least a day). */
const DROPPED_KEPT_WINDOWS = 30;

/**
 * Throttle: a fixed window per rendered key (windows start at multiples of `per` since the
 * epoch, so every instance agrees); over `limit` → dropped and counted, and the count rides on
 * the next admitted notification with that key (`digest.dropped`). Skipped for critical
 * notifications unless the policy says `critical: policy`.
 */
export class ThrottleStage implements Stage {
  readonly name = 'throttle';

  constructor(private readonly store: StateStore) {}

  exec(context: NotificationContext): StageResult {
    return context.policy?.throttle === undefined || context.bypass ? undefined : this.hit(context);
  }

  private async hit(context: NotificationContext): Promise<VerdictOutcome | undefined> {
    const throttle = context.policy!.throttle!;
    const { ev } = context;
    const rendered = throttle.key(ev.event, ev.now);
    const windowStart = Math.floor(ev.nowMs / throttle.perMs) * throttle.perMs;
    const answer = await this.store.throttleHit({
      key: throttleStoreKey(context.policy!.name, rendered),
      member: ev.uid,
      windowStart,
      // A retry of an admitted event (its first try died before its message was saved) may come
      // after the window turned: the previous window is kept one window longer to recognise it.
      previousWindowStart: windowStart - throttle.perMs,
      limit: throttle.limit,
      now: ev.nowMs,
      windowExpireAt: windowStart + 2 * throttle.perMs,
      droppedExpireAt: ev.nowMs + Math.max(86_400_000, DROPPED_KEPT_WINDOWS * throttle.perMs),
    });
    if (!answer.allowed) return { kind: 'throttled', key: rendered, dropped: answer.dropped };
    context.dropped = answer.dropped;
    return undefined;
  }
}
