/**
 * The state a dispatcher keeps between events, as a small set of high-level ATOMIC operations.
 *
 * Every operation below is one indivisible step against the shared state: two dispatchers (or
 * two processes) calling operations concurrently see them as if run one after the other. On
 * Redis each operation is meant to be ONE Lua script (one round trip) over keys that share one
 * hash tag (the operation's "scope", named per operation), so the store also works on Redis
 * Cluster. The in-memory store implements the same contract for one process.
 *
 * Rules that hold for every operation (an implementation is correct when it follows these and
 * the per-operation contracts; the contract suite in `test/contract/` checks them):
 * - TIME comes from the caller: every operation that depends on time takes `now` (epoch
 *   milliseconds of the dispatcher's clock). A store never reads its own clock to decide
 *   anything, so tests can drive a moving clock and two instances agree on what is due.
 * - EXPIRY: every key a store writes has a TTL. Operations take absolute `expireAt` instants
 *   (epoch ms, caller's clock) or derive them as documented; a store applies them as a relative
 *   TTL of `max(expireAt - now, MIN_TTL_MS)`. The in-memory store expires lazily against the
 *   `now` of later calls. Expiry is garbage collection only: no contract depends on a key
 *   disappearing on time, every operation re-checks the times it stored.
 * - ONE SLOT PER OPERATION: an operation touches the keys of its scope plus the due index. On
 *   Redis Cluster a store can meet that by tagging keys with a bucket derived from the scope
 *   (e.g. `{b07}` for crc32(scope) mod 16) and keeping one due index per bucket; `claimDue`
 *   then visits the buckets. On a single Redis one global due index is fine.
 * - KEYS AND SCOPES handed to a store are 1–512 characters of printable ASCII without spaces,
 *   `{` or `}` (the dispatcher hashes user text before it becomes a key), so a Redis store can
 *   use `{scope}` as the hash tag as is. A store adds its own prefix.
 * - IDEMPOTENCY: an operation repeated with the same arguments after a crash gives the same
 *   answer (or the documented "already done" answer) and never double-counts: the caller's
 *   event id is the member of every set, so a retried event never takes a second slot.
 * - ERRORS: a store that cannot reach its backend throws `DispatchError` with code
 *   `EXR_DISPATCH_STORE_UNAVAILABLE` (never a client library's own error); data it cannot read
 *   throws `EXR_DISPATCH_STORE_CORRUPT`. A failed operation changed nothing or everything.
 * - CLAIMS (claim → persist → confirm): the three "take" operations (`flushGroup`,
 *   `advanceEscalation`, `takeDeferred`) accept `claimMs`. Without it they commit what they hand
 *   out at once (a caller that crashes before saving the result loses it). With it the result
 *   is also kept as the entry's open CLAIM, identified by the entry and a `token` (the group's
 *   `seq`, the escalation's `step`, 1 for a deferred send), leased until now + claimMs: while
 *   the lease runs the entry does nothing else (the due index holds it at the lease end; a take
 *   answers `none`); once it runs out the next take answers the SAME result again (`replay:
 *   true`, re-leased to the new caller). `sealClaim` stores the caller's rendering of the claim
 *   (first seal wins, later seals read it back) so a replay hands out identical messages;
 *   `confirmClaim` ends the claim (idempotent) and lets the entry go on. Items added to a group
 *   meanwhile wait in `pending` for the next window. A take without `claimMs` that meets an
 *   expired claim hands it out and ends it (auto-confirm).
 * - VALUES returned are fresh copies or immutable: callers may keep them; stores must not keep
 *   references to caller objects they may mutate later (the in-memory store may keep the
 *   caller's objects because the dispatcher never mutates what it handed over).
 */

/** The shortest TTL a store sets (ms): a key whose `expireAt` already passed lives this long. */
export const MIN_TTL_MS = 1_000;

/** How long group keys outlive the group's own next due time or close time (ms). */
export const GROUP_EXPIRY_GRACE_MS = 86_400_000;

/** Grouping timing of one group, as given by the policy in force when an item was added. */
export interface GroupTiming {
  /** First flush this long after the group opened. */
  readonly waitMs: number;
  /** Later flushes at most this often, and only when new items arrived. */
  readonly intervalMs: number;
  /** An open group with nothing new re-sends its last flush after this; absent: never. */
  readonly repeatMs?: number;
  /** No new item for this long (and nothing pending): the group closes. */
  readonly closeMs: number;
  /** This many pending items: flush at once. Absent: no early flush. */
  readonly maxItems?: number;
  /** The first item of a new group is the "leading" item, sent at once by the caller. */
  readonly sendFirst: boolean;
}

/** One event's contribution to a group. The store keeps it as given and returns it unchanged. */
export interface GroupItem {
  /** The event's unique id (`source` + `/` + `id`): the member of the group's seen set. */
  readonly eventId: string;
  /** The event's own time (epoch ms): reported as `firstAt` / `lastAt` of a flush. */
  readonly at: number;
  /** The rendered digest line ('' when the template has no digest). */
  readonly line: string;
  /** Throttle drops reported with this item (0 when none). */
  readonly dropped: number;
  /** Inhibit scopes (see `recordInhibitSource`) to re-check when the item is flushed. */
  readonly inhibitScopes: readonly string[];
}

/** Input of {@link StateStore.addGroupItem}. Scope: `groupKey`. */
export interface AddGroupItemInput {
  readonly groupKey: string;
  readonly now: number;
  readonly timing: GroupTiming;
  readonly item: GroupItem;
  /**
   * Opaque text (JSON) the caller needs to build the group's messages; stored when the group
   * instance opens and returned with every flush of that instance, never replaced.
   */
  readonly header: string;
}

/** Answer of {@link StateStore.addGroupItem}. */
export interface AddGroupItemResult {
  /** `opened`: a new group instance; `added`: joined an open one; `duplicate`: already seen. */
  readonly outcome: 'opened' | 'added' | 'duplicate';
  /** Identity of the group instance (its open time, epoch ms); part of every message key. */
  readonly openedAt: number;
  /**
   * True when this event is the instance's leading item (`sendFirst`): the caller sends it at
   * once. Also true on a `duplicate` answer for the same event, so a replay sends the same key.
   */
  readonly leading: boolean;
}

/** What {@link StateStore.flushGroup} did. */
export type FlushGroupResult =
  /** Nothing was due (or no such group): nothing changed except the due index entry. */
  | { readonly kind: 'none' }
  /** The pending items were taken as one window; the caller sends them as one message. */
  | {
      readonly kind: 'flush';
      readonly openedAt: number;
      /** 1 for the instance's first flush, +1 for every flush or repeat after it. */
      readonly seq: number;
      readonly header: string;
      /** The window's items in arrival order (at least one). */
      readonly items: readonly GroupItem[];
      /** True when this hands out an open claim again after its lease ran out. */
      readonly replay?: boolean;
      /** The claim's sealed rendering (see `sealClaim`), when a replayed claim has one. */
      readonly sealed?: string;
    }
  /** Nothing new arrived for `repeatMs`: the last flushed window is re-sent. */
  | {
      readonly kind: 'repeat';
      readonly openedAt: number;
      readonly seq: number;
      readonly header: string;
      /** The items of the last `flush` (or the leading item), in arrival order. */
      readonly items: readonly GroupItem[];
      readonly replay?: boolean;
      readonly sealed?: string;
    }
  /** The group closed (nothing pending, no item for `closeMs`); its state is gone. */
  | { readonly kind: 'closed'; readonly openedAt: number };

/** An entry of the due index: something that needs a `tick`. */
export interface DueEntry {
  readonly kind: 'group' | 'escalation' | 'deferred';
  /** `groupKey`, escalation `key` or deferred `key`, as given when it was scheduled. */
  readonly key: string;
  /** The escalation's scope (only for `kind: 'escalation'`). */
  readonly scope?: string;
}

/** Input of {@link StateStore.startEscalation}. Scope: `scope`. */
export interface StartEscalationInput {
  /** Groups escalations a resolving event may stop together (hash tag on Redis). */
  readonly scope: string;
  /** Unique per escalation; stable across replays and instances. */
  readonly key: string;
  readonly now: number;
  /** Due instants (epoch ms) of steps 1..n, ascending. May be empty (nothing to escalate). */
  readonly stepDueAt: readonly number[];
  /** Opaque text (JSON) returned with every step. */
  readonly header: string;
  /** When the escalation's keys may disappear (≥ the last step's due time). */
  readonly expireAt: number;
}

/** The state of one escalation as a store reports it. */
export interface EscalationState {
  readonly scope: string;
  readonly key: string;
  readonly status: 'open' | 'acknowledged' | 'resolved' | 'done';
  /** Steps already sent (0 = only the original notification). */
  readonly stepsSent: number;
  readonly stepDueAt: readonly number[];
  readonly header: string;
  /** Who acknowledged (status `acknowledged`). */
  readonly acknowledgedBy?: string;
  /** When it stopped being open (epoch ms), for every status but `open`. */
  readonly closedAt?: number;
}

/** What {@link StateStore.advanceEscalation} did. */
export type AdvanceEscalationResult =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'step';
      /** 1-based step number (the routed notification itself is step 0). */
      readonly step: number;
      readonly dueAt: number;
      readonly header: string;
      /** True when this hands out an open claim again after its lease ran out. */
      readonly replay?: boolean;
      /** The claim's sealed rendering, when a replayed claim has one. */
      readonly sealed?: string;
    };

/** The answer of {@link StateStore.takeDeferred}. */
export type TakeDeferredResult =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'due';
      readonly payload: string;
      /** True when this hands out an open claim again after its lease ran out. */
      readonly replay?: boolean;
      /** The claim's sealed rendering, when a replayed claim has one. */
      readonly sealed?: string;
    };

/**
 * Names one open claim: the due entry it belongs to and its token (the group's `seq`, the
 * escalation's `step`, 1 for a deferred send).
 */
export interface ClaimRef {
  readonly entry: DueEntry;
  readonly token: number;
}

/** A silence as stored. Times are epoch ms of the caller's clock. */
export interface SilenceRecord {
  readonly id: string;
  /** The matcher as written (`when` shorthand), validated by the dispatcher. */
  readonly when: Readonly<Record<string, unknown>>;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * The state a dispatcher needs, shared by every dispatcher using the same store. Implemented
 * by `createMemoryStore()` (one process) and `createRedisStore()` (many). Contracts per method.
 */
export interface StateStore {
  /** A short label for logs and errors, e.g. `memory` or `redis://127.0.0.1:6379`. */
  readonly name: string;

  // ── dedup ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Scope: `key`. If no live holder exists for `key` (none, or its `expireAt` ≤ now), makes
   * `member` the holder until `expireAt` and answers `{ duplicate: false, holder: member }`. If
   * the live holder is `member` itself (a retry of the same event) answers the same, changing
   * nothing (the window is NOT extended). Otherwise answers `{ duplicate: true, holder }`.
   */
  dedupCheck(input: {
    readonly key: string;
    readonly member: string;
    readonly now: number;
    readonly expireAt: number;
  }): Promise<{ readonly duplicate: boolean; readonly holder: string }>;

  // ── throttle ──────────────────────────────────────────────────────────────────────────────

  /**
   * Scope: `key`. A fixed window per (`key`, `windowStart`) admitting at most `limit` distinct
   * members, plus one "dropped, not yet reported" set per `key` that spans windows:
   * 1. `member` already admitted in this window, or (when `previousWindowStart` is given) in
   *    that window while it is still kept → `{ allowed: true, dropped: d }` where d is the
   *    value answered when it was admitted (retries give the same answer, also a retry that
   *    comes just after the window turned, which must not be throttled as a new event).
   * 2. `member` is in the key's unreported-dropped set → `{ allowed: false, dropped: size }`.
   * 3. fewer than `limit` members admitted in this window → admit `member`, take d = size of the
   *    unreported-dropped set, empty that set, remember d for `member`, answer
   *    `{ allowed: true, dropped: d }` (the caller reports d with this message).
   * 4. otherwise add `member` to the unreported-dropped set → `{ allowed: false, dropped: size }`.
   * The window's keys expire at `windowExpireAt` (≥ window end); the dropped set at
   * `droppedExpireAt` (refreshed on every write).
   */
  throttleHit(input: {
    readonly key: string;
    readonly member: string;
    readonly windowStart: number;
    /** The window before this one, whose admissions still count for retries (rule 1). */
    readonly previousWindowStart?: number;
    readonly limit: number;
    readonly now: number;
    readonly windowExpireAt: number;
    readonly droppedExpireAt: number;
  }): Promise<{ readonly allowed: boolean; readonly dropped: number }>;

  // ── grouping ──────────────────────────────────────────────────────────────────────────────

  /**
   * Scope: `groupKey`. Adds one item to the open instance of a group, opening one if needed,
   * and keeps the group's entry in the due index at its next due time (same atomic step).
   *
   * A group instance holds: openedAt, lastItemAt, lastFlushAt (unset until the first flush or
   * leading send), seq (0 at open), flushAt (unset while nothing is pending), timing (the
   * latest given), header, leadingEventId, `pending` items (arrival order), `seen` event ids
   * (every event ever added to the instance), and `last` items (the last flush, for repeats).
   *
   * 1. An instance with nothing pending whose `lastItemAt + closeMs ≤ now` is closed first
   *    (deleted) as if `flushGroup` had closed it.
   * 2. No instance: open one with openedAt = lastItemAt = now, seen = {eventId}.
   *    - `timing.sendFirst`: the item is the leading item: leadingEventId = eventId,
   *      pending stays empty, `last` = [item], lastFlushAt = now; answer `leading: true`.
   *    - otherwise pending = [item] and flushAt = now + waitMs (now when `maxItems` ≤ 1).
   *    Answer `outcome: 'opened'`.
   * 3. `item.eventId` in `seen`: change nothing, answer `duplicate`, `leading` = (eventId is
   *    leadingEventId).
   * 4. Otherwise append to pending, add to seen, lastItemAt = now, timing = given timing. If
   *    pending was empty, set flushAt: openedAt + waitMs while seq = 0, else the first instant
   *    lastFlushAt + k·intervalMs (k ≥ 1, integer) that is ≥ now. If `maxItems` is set and
   *    pending now holds ≥ maxItems items, flushAt = now. Answer `added`.
   * An add that leaves the instance's next due time unchanged may leave a leased due-index
   * entry as it is (the claimer's `flushGroup` resets it); one that changes it must write it.
   * Next due time: flushAt while something is pending; otherwise the earlier of
   * lastItemAt + closeMs and (when repeatMs is set and `last` is non-empty)
   * lastFlushAt + repeatMs. All keys of the instance expire at
   * max(next due, lastItemAt + closeMs) + GROUP_EXPIRY_GRACE_MS (refreshed on every write).
   */
  addGroupItem(input: AddGroupItemInput): Promise<AddGroupItemResult>;

  /**
   * Scope: `groupKey`. Does what is due for the group at `now`, exactly once across all
   * callers (a second caller for the same due time gets `none`):
   * - pending non-empty and flushAt ≤ now → `flush`: seq += 1, take ALL pending items as the
   *   window (an item added after this step belongs to the next window), `last` = window,
   *   lastFlushAt = now, flushAt unset.
   * - nothing pending and lastItemAt + closeMs ≤ now → `closed`: delete the instance (its seen
   *   set too; a later item opens a new instance).
   * - nothing pending, repeatMs set, `last` non-empty and lastFlushAt + repeatMs ≤ now →
   *   `repeat`: seq += 1, lastFlushAt = now, answer the `last` items.
   * - otherwise (or no instance) → `none`.
   * Then the due index entry is set to the instance's next due time (rule in `addGroupItem`)
   * or removed when the instance is gone.
   *
   * With `claimMs` (see CLAIMS above; token = seq): a `flush` or `repeat` also opens the claim
   * until now + claimMs. While a claim is open: the instance neither flushes, repeats nor
   * closes (an add never closes it either), its next due time is the lease end, and
   * `flushGroup` answers `none` until the lease ends, then the claimed `flush`/`repeat` again
   * with the same openedAt, seq, header and items (`last`), `replay: true` and `sealed` when
   * sealed — re-leased when `claimMs` is given, ended (auto-confirm) when not.
   */
  flushGroup(input: {
    readonly groupKey: string;
    readonly now: number;
    readonly claimMs?: number;
  }): Promise<FlushGroupResult>;

  // ── the due index (timers live in the store, never only in a process) ───────────────────

  /**
   * Claims up to `limit` due-index entries whose due time ≤ now, earliest first (ties: by kind,
   * then key, in code-unit order). Claiming moves an entry's due time to now + leaseMs, so a
   * concurrent caller skips it; the claimer then calls the entry's operation (`flushGroup`,
   * `advanceEscalation`, `takeDeferred`), which resets the entry to its real next due time or
   * removes it. A claimer that crashes leaves the entry due again once the lease runs out.
   * Claiming never changes groups, escalations or deferred sends themselves.
   */
  claimDue(input: {
    readonly now: number;
    readonly limit: number;
    readonly leaseMs: number;
  }): Promise<DueEntry[]>;

  /** The earliest due time in the index (epoch ms), or undefined when nothing is scheduled. */
  nextDueAt(): Promise<number | undefined>;

  // ── inhibition ────────────────────────────────────────────────────────────────────────────

  /**
   * Scope: `scope` (inhibit rule id + hash of the `equal` values). Records that `sourceEventId`
   * inhibits targets in this scope until `until` (epoch ms); a second record for the same event
   * keeps the later `until`. `bothSides`: the source event also matches the rule's target side
   * (Alertmanager: such a source cannot mute a target that also matches both sides). The record
   * expires at `until`.
   */
  recordInhibitSource(input: {
    readonly scope: string;
    readonly sourceEventId: string;
    readonly until: number;
    readonly bothSides: boolean;
    readonly now: number;
  }): Promise<void>;

  /**
   * Scope: `scope`. The inhibiting source event id, or undefined: among the sources of `scope`
   * with until > now, other than `targetEventId`, and (when `targetBothSides`) not recorded
   * with `bothSides`, the one with the greatest `until` (ties: the greatest event id in
   * code-unit order).
   */
  findInhibitSource(input: {
    readonly scope: string;
    readonly now: number;
    readonly targetEventId: string;
    readonly targetBothSides: boolean;
  }): Promise<string | undefined>;

  // ── silences ──────────────────────────────────────────────────────────────────────────────

  /**
   * Stores a new silence (the id is new; an existing id is overwritten with the same value on a
   * retry). Expires at `expireAt` (≥ endsAt; the dispatcher keeps expired silences listed for a
   * while).
   */
  putSilence(input: { readonly silence: SilenceRecord; readonly expireAt: number }): Promise<void>;

  /**
   * Ends a silence early: when it exists and endsAt > now, sets endsAt = updatedAt = now and
   * answers true; otherwise (unknown or already ended) changes nothing and answers false.
   */
  expireSilence(input: { readonly id: string; readonly now: number }): Promise<boolean>;

  /** Every stored silence (active, pending and ended ones not yet expired), ordered by id. */
  listSilences(input: { readonly now: number }): Promise<SilenceRecord[]>;

  // ── escalations ───────────────────────────────────────────────────────────────────────────

  /**
   * Scope: `scope`. Starts an escalation unless `key` already exists (then changes nothing and
   * answers `created: false` with the stored state). A new one is `open` with stepsSent = 0,
   * is listed under `scope` for `resolveEscalations`, and is in the due index at stepDueAt[0]
   * (not at all when there are no steps: it is `done` at once).
   */
  startEscalation(
    input: StartEscalationInput,
  ): Promise<{ readonly created: boolean; readonly state: EscalationState }>;

  /**
   * Scope: `scope`. When the escalation is `open` and stepDueAt[stepsSent] ≤ now: stepsSent
   * += 1 and answer that `step` (status becomes `done` after the last step). Otherwise `none`.
   * Then the due index entry is set to the next step's due time, or removed when the
   * escalation is not open or has no steps left.
   *
   * With `claimMs` (token = step): a `step` also opens the claim, the due entry waits at the
   * lease end; while open, `none` until the lease ends, then the same step again (`replay`,
   * `sealed`), re-leased (or ended without `claimMs`). Checked before the status, so the last
   * step (status `done`) replays too. Acknowledging or resolving ends an open claim: a step not
   * yet confirmed is not replayed after the escalation stopped.
   */
  advanceEscalation(input: {
    readonly scope: string;
    readonly key: string;
    readonly now: number;
    readonly claimMs?: number;
  }): Promise<AdvanceEscalationResult>;

  /**
   * Scope: `scope`. `open` → `acknowledged` (acknowledgedBy = by, closedAt = now), removed from
   * the due index: answers `acknowledged`. An existing escalation in any other status:
   * `closed` (nothing changes). No such key: `unknown`.
   */
  acknowledgeEscalation(input: {
    readonly scope: string;
    readonly key: string;
    readonly by: string;
    readonly now: number;
  }): Promise<'acknowledged' | 'closed' | 'unknown'>;

  /**
   * Scope: `scope`. Every `open` escalation of `scope` becomes `resolved` (closedAt = now) and
   * leaves the due index; answers their keys in code-unit order.
   */
  resolveEscalations(input: { readonly scope: string; readonly now: number }): Promise<string[]>;

  /** Scope: `scope`. The escalation's state, or undefined when unknown or expired. */
  getEscalation(input: {
    readonly scope: string;
    readonly key: string;
  }): Promise<EscalationState | undefined>;

  // ── deferred sends ────────────────────────────────────────────────────────────────────────

  /**
   * Scope: `key`. Holds `payload` (opaque text) until `sendAt` and puts `key` in the due index
   * at `sendAt`; answers `created: false` and changes nothing when `key` is already held or was
   * already taken (a tombstone stays until `expireAt`, so a replay never sends twice).
   */
  deferSend(input: {
    readonly key: string;
    readonly sendAt: number;
    readonly payload: string;
    readonly now: number;
    readonly expireAt: number;
  }): Promise<{ readonly created: boolean }>;

  /**
   * Scope: `key`. When held and sendAt ≤ now: marks it taken (exactly once across callers),
   * removes it from the due index and answers `{ kind: 'due', payload }`. Otherwise `none`
   * (and the due index entry is reset to sendAt, or removed when taken or unknown).
   *
   * With `claimMs` (token = 1): taking also opens the claim (the payload is kept, the due entry
   * waits at the lease end); while open, `none` until the lease ends, then the same payload
   * again (`replay`, `sealed`), re-leased (or ended without `claimMs`).
   */
  takeDeferred(input: {
    readonly key: string;
    readonly now: number;
    readonly claimMs?: number;
  }): Promise<TakeDeferredResult>;

  // ── claims (claim → persist → confirm) ──────────────────────────────────────────────────

  /**
   * Scope: the entry's (group key, escalation scope, deferred key). When `claim` is open:
   * stores `payload` as its rendering unless one is stored already, and answers the stored one
   * (first seal wins, so every holder of the claim persists identical messages). When the claim
   * is no longer open (confirmed, or ended by acknowledge/resolve): changes nothing and answers
   * undefined — the caller must not persist it.
   */
  sealClaim(input: {
    readonly claim: ClaimRef;
    readonly payload: string;
    readonly now: number;
  }): Promise<string | undefined>;

  /**
   * Scope: the entry's. Ends the open claim `claim` and lets the entry go on (the due index
   * entry moves to the entry's real next due time, or is removed): answers true. Answers false
   * and changes nothing when that claim is not open (already confirmed, or ended): confirming
   * twice is harmless.
   */
  confirmClaim(input: { readonly claim: ClaimRef; readonly now: number }): Promise<boolean>;

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────────

  /** Releases connections; further calls throw `EXR_DISPATCH_STORE_UNAVAILABLE`. Idempotent. */
  close(): Promise<void>;
}
