import type { CompiledPolicy, DispatchPlan } from '../plan/dispatch-plan.js';
import { groupMessageKey, groupStoreKey, notificationKey } from '../keys.js';
import { encodeDeferred, GroupHeaderMemo, singleOutgoing } from '../outgoing.js';
import type { DeferredPayload } from '../outgoing.js';
import type { GroupItem, StateStore } from '../store/state-store.js';
import type { NotificationContext, Stage, VerdictOutcome } from './stage.js';

/** The inhibit scopes of an item that matches no inhibit target (shared: never written to). */
const NO_SCOPES: readonly string[] = Object.freeze([]);

/** How long a deferred send's tombstone outlives its `sendAt` (so a replay never re-sends). */
const DEFERRED_KEPT_MS = 7 * 86_400_000;

/**
 * Deliver: the last stage always decides. A notification with a future `sendAt` is held
 * (`deferred`; at `sendAt` it is sent, or joins its group); a grouped policy adds it to its
 * group (`grouped`, or `sent` for a `sendFirst` leading item); anything else goes out now.
 */
export class DeliverStage implements Stage {
  readonly name = 'deliver';
  private readonly headers = new GroupHeaderMemo();

  constructor(
    private readonly plan: DispatchPlan,
    private readonly store: StateStore,
  ) {}

  exec(context: NotificationContext): VerdictOutcome | Promise<VerdictOutcome> {
    const { ev, notification } = context;
    const group = context.bypass ? undefined : context.policy?.group;
    const sendAtMs = notification.sendAt !== undefined ? Date.parse(notification.sendAt) : NaN;
    if (group !== undefined) return this.group(context, group, sendAtMs);
    const eventTime = new Date(ev.eventTimeMs).toISOString();
    if (sendAtMs > ev.nowMs) {
      const key = notificationKey('def', ev.uid, notification);
      return this.defer(context, sendAtMs, {
        type: 'send',
        outgoing: singleOutgoing(notification, key, ev.uid, 'deferred', context.dropped, eventTime),
      });
    }
    const key = notificationKey('imm', ev.uid, notification);
    ev.outgoing.push(
      singleOutgoing(notification, key, ev.uid, 'immediate', context.dropped, eventTime),
    );
    return { kind: 'sent', key };
  }

  private async group(
    context: NotificationContext,
    group: NonNullable<CompiledPolicy['group']>,
    sendAtMs: number,
  ): Promise<VerdictOutcome> {
    const { ev, notification } = context;
    {
      const groupKey = groupStoreKey(
        context.policy!.name,
        notification,
        group.by.map((read) => read(ev.event)),
      );
      const digest = this.plan.digests.get(notification.template);
      const item: GroupItem = {
        eventId: ev.uid,
        at: ev.eventTimeMs,
        line: digest !== undefined ? digest.line(ev.event, ev.now) : '',
        dropped: context.dropped,
        inhibitScopes: context.required === true ? NO_SCOPES : (ev.inhibitScopes ?? NO_SCOPES),
      };
      if (sendAtMs > ev.nowMs) {
        return this.defer(context, sendAtMs, {
          type: 'group',
          groupKey,
          timing: group.timing,
          item,
          notification,
        });
      }
      const added = await this.store.addGroupItem({
        groupKey,
        now: ev.nowMs,
        timing: group.timing,
        item,
        header: this.headers.headerFor(groupKey, notification),
      });
      if (!added.leading) return { kind: 'grouped', groupKey };
      const key = groupMessageKey(groupKey, added.openedAt, 0);
      const eventTime = new Date(ev.eventTimeMs).toISOString();
      ev.outgoing.push(
        singleOutgoing(notification, key, ev.uid, 'immediate', context.dropped, eventTime),
      );
      return { kind: 'sent', key };
    }
  }

  private async defer(
    context: NotificationContext,
    sendAtMs: number,
    payload: DeferredPayload,
  ): Promise<VerdictOutcome> {
    const key = notificationKey('def', context.ev.uid, context.notification);
    await this.store.deferSend({
      key,
      sendAt: sendAtMs,
      payload: encodeDeferred(payload),
      now: context.ev.nowMs,
      expireAt: sendAtMs + DEFERRED_KEPT_MS,
    });
    return { kind: 'deferred', sendAt: new Date(sendAtMs).toISOString(), key };
  }
}
