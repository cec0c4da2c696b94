/** Builds the messages the dispatcher hands out: single sends, digests, and their payloads. */
import type { RoutedNotification } from '@exroute/core';
import { DispatchError } from './errors.js';
import type { CompiledDigest } from './plan/dispatch-plan.js';
import type { GroupItem, GroupTiming } from './store/state-store.js';
import type { Outgoing, OutgoingReason } from './types.js';

/** A copy of a routed notification (the caller's decision object is never shared). */
export function copyNotification(notification: RoutedNotification): RoutedNotification {
  return {
    ...notification,
    recipients: notification.recipients.map((r) => ({
      ...r,
      ...(r.via ? { via: [...r.via] } : {}),
    })),
    params: { ...notification.params },
    ruleIds: [...notification.ruleIds],
    ...(notification.escalate !== undefined ? { escalate: [...notification.escalate] } : {}),
  };
}

/** One notification for one event; reports throttle drops in `digest` and `params.dropped`. */
export function singleOutgoing(
  notification: RoutedNotification,
  key: string,
  uid: string,
  reason: OutgoingReason,
  dropped: number,
  eventTime: string,
): Outgoing {
  const copy = copyNotification(notification);
  const outgoing: Outgoing = { ...copy, key, eventIds: [uid], reason };
  if (dropped > 0) {
    outgoing.params.dropped = String(dropped);
    outgoing.digest = { count: 1, firstAt: eventTime, lastAt: eventTime, dropped };
  }
  return outgoing;
}

/** What a group stores when it opens: the notification its messages are built from. */
export interface GroupHeader {
  readonly notification: RoutedNotification;
}

/** Serialises a group header for the store. */
export function encodeGroupHeader(notification: RoutedNotification): string {
  const header: GroupHeader = { notification };
  return JSON.stringify(header);
}

/** Reads a group header back; a header this version did not write → `EXR_DISPATCH_STORE_CORRUPT`. */
export function decodeGroupHeader(text: string): GroupHeader {
  const parsed = parseJson(text);
  const notification = (parsed as { notification?: unknown } | undefined)?.notification;
  if (!isNotification(notification)) throw corrupt('group header');
  return { notification };
}

/**
 * A digest of a group window: the header's notification with `count`, `firstAt`, `lastAt`,
 * the newest `maxLines` `lines` (one per line, oldest first) and `more` in params, and
 * `dropped` when the throttle dropped any; `items` is never empty.
 */
export function digestOutgoing(
  header: GroupHeader,
  items: readonly GroupItem[],
  key: string,
  reason: OutgoingReason,
  digest: CompiledDigest | undefined,
): Outgoing {
  let first = Infinity;
  let last = -Infinity;
  let dropped = 0;
  for (const item of items) {
    if (item.at < first) first = item.at;
    if (item.at > last) last = item.at;
    dropped += item.dropped;
  }
  const maxLines = digest?.maxLines ?? 0;
  const shown = maxLines > 0 ? items.slice(Math.max(0, items.length - maxLines)) : [];
  const firstAt = new Date(first).toISOString();
  const lastAt = new Date(last).toISOString();
  const copy = copyNotification(header.notification);
  const params: Record<string, string> = {
    ...copy.params,
    count: String(items.length),
    firstAt,
    lastAt,
    lines: shown.map((item) => item.line).join('\n'),
    more: String(items.length - shown.length),
  };
  if (dropped > 0) params.dropped = String(dropped);
  return {
    ...copy,
    params,
    key,
    eventIds: items.map((item) => item.eventId),
    reason,
    digest: { count: items.length, firstAt, lastAt, dropped },
  };
}

/** What a deferred send holds until its `sendAt`. */
export type DeferredPayload =
  | { readonly type: 'send'; readonly outgoing: Outgoing }
  | {
      readonly type: 'group';
      readonly groupKey: string;
      readonly timing: GroupTiming;
      readonly item: GroupItem;
      readonly notification: RoutedNotification;
    };

/** Serialises a deferred payload. */
export function encodeDeferred(payload: DeferredPayload): string {
  return JSON.stringify(payload);
}

/** Reads a deferred payload back; unreadable → `EXR_DISPATCH_STORE_CORRUPT`. */
export function decodeDeferred(text: string): DeferredPayload {
  const parsed = parseJson(text) as Partial<Record<string, unknown>> | undefined;
  if (parsed?.type === 'send' && isNotification(parsed.outgoing)) {
    return parsed as unknown as DeferredPayload;
  }
  if (
    parsed?.type === 'group' &&
    typeof parsed.groupKey === 'string' &&
    isNotification(parsed.notification) &&
    typeof parsed.item === 'object' &&
    parsed.item !== null &&
    typeof parsed.timing === 'object' &&
    parsed.timing !== null
  ) {
    return parsed as unknown as DeferredPayload;
  }
  throw corrupt('deferred send');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isNotification(value: unknown): value is RoutedNotification {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.template === 'string' &&
    typeof v.templateId === 'string' &&
    typeof v.channel === 'string' &&
    Array.isArray(v.recipients) &&
    typeof v.params === 'object' &&
    v.params !== null &&
    Array.isArray(v.ruleIds)
  );
}

function corrupt(what: string): DispatchError {
  return new DispatchError(
    'EXR_DISPATCH_STORE_CORRUPT',
    `the state store holds a ${what} this version cannot read; was the store shared with another program or another prefix?`,
  );
}
