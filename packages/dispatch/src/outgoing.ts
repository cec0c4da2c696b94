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

/**
 * Group headers by group key, reused while the notification's content is the same: the JSON is
 * a function of the content only, so reuse changes nothing, and writing it for every grouped
 * item was a sixth of `ingest`'s time in the bench.
 */
export class GroupHeaderMemo {
  private readonly entries = new Map<string, KnownHeader>();

  constructor(private readonly capacity = 10_000) {}

  /** The header JSON for this notification of this group. */
  headerFor(groupKey: string, notification: RoutedNotification): string {
    const known = this.entries.get(groupKey);
    if (known !== undefined && sameNotification(known, notification)) return known.json;
    const copy = copyNotification(notification);
    const json = encodeGroupHeader(copy);
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(groupKey, {
      notification: copy,
      json,
      keys: Object.keys(copy),
      paramKeys: Object.keys(copy.params),
    });
    return json;
  }
}

/** A memoised header with the key lists of its notification, so a comparison allocates nothing. */
interface KnownHeader {
  readonly notification: RoutedNotification;
  readonly json: string;
  readonly keys: readonly string[];
  readonly paramKeys: readonly string[];
}

/** Whether a routed notification has the content (what its JSON would show) of a known header. */
function sameNotification(known: KnownHeader, b: RoutedNotification): boolean {
  const a = known.notification;
  if (
    a.template !== b.template ||
    a.templateId !== b.templateId ||
    a.channel !== b.channel ||
    a.subject !== b.subject ||
    a.severity !== b.severity ||
    a.dueAt !== b.dueAt ||
    a.sendAt !== b.sendAt ||
    a.policy !== b.policy ||
    !sameStrings(a.ruleIds, b.ruleIds) ||
    !sameStrings(a.escalate, b.escalate) ||
    a.recipients.length !== b.recipients.length
  ) {
    return false;
  }
  for (let i = 0; i < a.recipients.length; i++) {
    const x = a.recipients[i]!;
    const y = b.recipients[i]!;
    if (x.key !== y.key || x.address !== y.address || !sameStrings(x.via, y.via)) return false;
  }
  // Bench (grouped ingest): four Object.keys arrays per event here were a tenth of the header
  // memo's cost and garbage for the GC; the known side's lists are kept, the other side is walked.
  if (!sameOwnKeys(known.paramKeys, b.params)) return false;
  for (let i = 0; i < known.paramKeys.length; i++) {
    const key = known.paramKeys[i]!;
    if (a.params[key] !== b.params[key]) return false;
  }
  // Any other field (none today) must be present in both, in the same order, to be equal.
  return sameOwnKeys(known.keys, b);
}

/** Whether `object`'s enumerable keys are exactly `keys` in this order (no inherited ones). */
function sameOwnKeys(keys: readonly string[], object: object): boolean {
  let i = 0;
  for (const key in object) {
    // An inherited enumerable key makes the answer "different": a memo miss is always safe.
    if (keys[i] !== key || !Object.prototype.hasOwnProperty.call(object, key)) return false;
    i++;
  }
  return i === keys.length;
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
