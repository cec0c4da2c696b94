/**
 * Every key the dispatcher hands to a store or puts on an Outgoing, in one place. Keys are
 * built only from rule-set names and event/notification content — never from a process, an
 * instance or a rule-set version — so every instance and every restart computes the same ones
 * (Alertmanager #2492: groups that depend on the process send early after a reload).
 */
import { createHash } from 'node:crypto';
import type { NormalizedEvent, RoutedNotification } from '@exroute/core';

/** Length of the base64url digests in keys (22 characters = 132 bits). */
const DIGEST_LENGTH = 22;

/** A short, stable digest of parts (joined unambiguously) in key-safe characters. */
export function digestOf(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(String(part.length));
    hash.update(':');
    hash.update(part);
  }
  return hash.digest('base64url').slice(0, DIGEST_LENGTH);
}

/** Names from a rule file, made key-safe: kept when short and plain, digested otherwise. */
export function safeName(name: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(name) ? name : `~${digestOf(name)}`;
}

/** The unique id of an event across sources (`source/id`): the member in every store set. */
export function eventUid(event: Pick<NormalizedEvent, 'source' | 'id'>): string {
  return `${event.source}/${event.id}`;
}

/** The recipients of a notification as one canonical string (sorted, order-independent). */
export function recipientsIdentity(notification: Pick<RoutedNotification, 'recipients'>): string {
  const only = notification.recipients.length === 1 ? notification.recipients[0] : undefined;
  if (only !== undefined) return `${only.key}\u0001${only.address}`;
  const list = notification.recipients.map((r) => `${r.key}\u0001${r.address}`);
  list.sort();
  return list.join('\u0002');
}

/** The store key of a dedup window. */
export function dedupStoreKey(policy: string, renderedKey: string): string {
  return `d:${safeName(policy)}:${digestOf(renderedKey)}`;
}

/** The store key of a throttle (its windows and dropped count). */
export function throttleStoreKey(policy: string, renderedKey: string): string {
  return `t:${safeName(policy)}:${digestOf(renderedKey)}`;
}

/** The key of one routed notification of one event (immediate and deferred sends). */
export function notificationKey(
  kind: 'imm' | 'def',
  uid: string,
  notification: Pick<RoutedNotification, 'template' | 'channel'>,
): string {
  return `${kind}:${digestOf(uid, notification.template, notification.channel)}`;
}

/** The idempotency key of a group message: instance (open time) and sequence number. */
export function groupMessageKey(groupKey: string, openedAt: number, seq: number): string {
  return `${groupKey}:${openedAt}:${seq}`;
}

/** The inhibit scope: rule id plus the values of its `equal` fields. */
export function inhibitScope(ruleId: string, equalValues: readonly string[]): string {
  return `i:${safeName(ruleId)}:${digestOf(...equalValues)}`;
}

/** The escalation scope: escalation name plus the values of its `resolvedBy.equal` fields. */
export function escalationScope(name: string, equalValues: readonly string[]): string {
  return `e:${safeName(name)}:${digestOf(...equalValues)}`;
}

/** The escalation key users acknowledge: scope + one digest of the starting event. */
export function escalationKey(scope: string, uid: string): string {
  return `${scope}:${digestOf(uid)}`;
}

const ESCALATION_KEY =
  /^(e:(?:[A-Za-z0-9_.-]{1,64}|~[A-Za-z0-9_-]{22}):[A-Za-z0-9_-]{22}):[A-Za-z0-9_-]{22}$/;

/** The scope inside an escalation key, or undefined when the text is not one. */
export function scopeOfEscalationKey(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length > 200) return undefined;
  return ESCALATION_KEY.exec(key)?.[1];
}

/** The idempotency key of one message of one escalation step. */
export function escalationStepKey(
  key: string,
  step: number,
  notification: Pick<RoutedNotification, 'template' | 'channel'>,
): string {
  return `${key}:s${step}:${digestOf(notification.template, notification.channel)}`;
}

/**
 * Memo of group keys: a trie keyed by the identity's parts themselves (policy, template, channel,
 * recipient count, each recipient's key and address, `by` count, each `by` value), so a hit builds
 * no string and hashes only strings whose hash V8 already caches. Recipients are taken in the
 * order given: a permutation is a separate path to the same key (the key itself sorts them).
 */
type KeyTrie = Map<string | number, KeyTrie | string>;
let groupKeys: KeyTrie = new Map();
/** Trie nodes and leaves created since the last reset; the memo restarts past the cap. */
let groupKeyNodes = 0;
const GROUP_KEY_MEMO_NODES = 50_000;
/** Longest part memoised (a longer one is hashed every time, so the memo stays small). */
const GROUP_KEY_PART_MAX = 1_024;

/** The group of a notification: policy, template, channel, recipients and the `by` values. */
export function groupStoreKey(
  policy: string,
  notification: Pick<RoutedNotification, 'template' | 'channel' | 'recipients'>,
  byValues: readonly string[],
): string {
  // Bench (grouped ingest, 1,000 groups): the previous memo built and hashed a ~100-character
  // identity string per event, 18 % of ingest's self time; walking this trie builds none.
  const leaf = memoNode(policy, notification, byValues);
  const last = byValues.length > 0 ? byValues[byValues.length - 1]! : '';
  const known = leaf?.get(last);
  if (typeof known === 'string') return known;
  const key = `g:${safeName(policy)}:${digestOf(
    notification.template,
    notification.channel,
    recipientsIdentity(notification),
    ...byValues,
  )}`;
  if (leaf !== undefined) {
    leaf.set(last, key);
    groupKeyNodes++;
  }
  return key;
}

/** The trie node holding the leaves for these parts, or undefined when they are not memoised. */
function memoNode(
  policy: string,
  notification: Pick<RoutedNotification, 'template' | 'channel' | 'recipients'>,
  byValues: readonly string[],
): KeyTrie | undefined {
  if (groupKeyNodes >= GROUP_KEY_MEMO_NODES) {
    groupKeys = new Map();
    groupKeyNodes = 0;
  }
  const recipients = notification.recipients;
  let node = child(groupKeys, policy);
  node = child(child(node, notification.template), notification.channel);
  node = child(node, recipients.length);
  for (let i = 0; i < recipients.length; i++) {
    const recipient = recipients[i]!;
    if (recipient.address.length > GROUP_KEY_PART_MAX) return undefined;
    node = child(child(node, recipient.key), recipient.address);
  }
  node = child(node, byValues.length);
  for (let i = 0; i < byValues.length; i++) {
    if (byValues[i]!.length > GROUP_KEY_PART_MAX) return undefined;
    if (i < byValues.length - 1) node = child(node, byValues[i]!);
  }
  return node;
}

/** The child of a trie node for one part, created when absent (or when a leaf sits there). */
function child(node: KeyTrie, part: string | number): KeyTrie {
  const next = node.get(part);
  if (next !== undefined && typeof next !== 'string') return next;
  const created: KeyTrie = new Map();
  node.set(part, created);
  groupKeyNodes++;
  return created;
}
