import { DispatchError } from '../errors.js';
import { DueIndex } from './due-index.js';
import { GROUP_EXPIRY_GRACE_MS } from './state-store.js';
import type {
  AddGroupItemInput,
  AddGroupItemResult,
  AdvanceEscalationResult,
  ClaimRef,
  DueEntry,
  EscalationState,
  FlushGroupResult,
  GroupItem,
  GroupTiming,
  SilenceRecord,
  StartEscalationInput,
  StateStore,
  TakeDeferredResult,
} from './state-store.js';

interface Expiring {
  expireAt: number;
}

interface GroupState extends Expiring {
  openedAt: number;
  lastItemAt: number;
  lastFlushAt: number | undefined;
  seq: number;
  flushAt: number | undefined;
  timing: GroupTiming;
  header: string;
  leadingEventId: string | undefined;
  pending: GroupItem[];
  seen: Set<string>;
  last: readonly GroupItem[];
  /** The due time last written to the index for this instance (see `reschedule`). */
  dueAt: number | undefined;
  /** The open claim of a flush or repeat (its window is `last`). */
  claim: (OpenClaim & { kind: 'flush' | 'repeat' }) | undefined;
}

/** An open claim (see CLAIMS in state-store.ts): its token, lease end and sealed rendering. */
interface OpenClaim {
  token: number;
  until: number;
  sealed: string | undefined;
}

interface EscalationRecord extends Expiring {
  state: EscalationState;
  claim?: OpenClaim | undefined;
}

interface DeferredRecord extends Expiring {
  sendAt: number;
  payload: string;
  taken: boolean;
  claim?: OpenClaim | undefined;
}

interface ThrottleWindow extends Expiring {
  admitted: Map<string, number>;
}

interface DroppedSet extends Expiring {
  members: Set<string>;
}

interface InhibitSource {
  until: number;
  bothSides: boolean;
}

/** Operations between two sweeps of expired keys: keeps the sweep's cost amortised O(1). */
const SWEEP_EVERY = 50_000;

/**
 * The StateStore for one process: plain Maps, every operation synchronous inside its promise,
 * so each is trivially atomic. Keys expire lazily against the `now` of later calls, plus an
 * amortised sweep, so memory stays bounded by what is live.
 */
export function createMemoryStore(): StateStore {
  const state = new MemoryState();
  // A closed store (or a bug) throws synchronously inside the state; callers must see a rejection.
  const wrap =
    <A, R>(operation: (input: A) => R) =>
    (input: A): Promise<R> => {
      try {
        return Promise.resolve(operation(input));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
  return {
    name: 'memory',
    dedupCheck: wrap((input: Parameters<StateStore['dedupCheck']>[0]) => state.dedupCheck(input)),
    throttleHit: wrap((input: Parameters<StateStore['throttleHit']>[0]) =>
      state.throttleHit(input),
    ),
    addGroupItem: wrap((input: Parameters<StateStore['addGroupItem']>[0]) =>
      state.addGroupItem(input),
    ),
    flushGroup: wrap((input: Parameters<StateStore['flushGroup']>[0]) => state.flushGroup(input)),
    claimDue: wrap((input: Parameters<StateStore['claimDue']>[0]) => state.claimDue(input)),
    nextDueAt: () => wrap(() => state.nextDueAt())(undefined),
    recordInhibitSource: wrap((input: Parameters<StateStore['recordInhibitSource']>[0]) =>
      state.recordInhibitSource(input),
    ),
    findInhibitSource: wrap((input: Parameters<StateStore['findInhibitSource']>[0]) =>
      state.findInhibitSource(input),
    ),
    putSilence: wrap((input: Parameters<StateStore['putSilence']>[0]) => state.putSilence(input)),
    expireSilence: wrap((input: Parameters<StateStore['expireSilence']>[0]) =>
      state.expireSilence(input),
    ),
    listSilences: wrap((input: Parameters<StateStore['listSilences']>[0]) =>
      state.listSilences(input),
    ),
    startEscalation: wrap((input: Parameters<StateStore['startEscalation']>[0]) =>
      state.startEscalation(input),
    ),
    advanceEscalation: wrap((input: Parameters<StateStore['advanceEscalation']>[0]) =>
      state.advanceEscalation(input),
    ),
    acknowledgeEscalation: wrap((input: Parameters<StateStore['acknowledgeEscalation']>[0]) =>
      state.acknowledgeEscalation(input),
    ),
    resolveEscalations: wrap((input: Parameters<StateStore['resolveEscalations']>[0]) =>
      state.resolveEscalations(input),
    ),
    getEscalation: wrap((input: Parameters<StateStore['getEscalation']>[0]) =>
      state.getEscalation(input),
    ),
    deferSend: wrap((input: Parameters<StateStore['deferSend']>[0]) => state.deferSend(input)),
    takeDeferred: wrap((input: Parameters<StateStore['takeDeferred']>[0]) =>
      state.takeDeferred(input),
    ),
    sealClaim: wrap((input: Parameters<StateStore['sealClaim']>[0]) => state.sealClaim(input)),
    confirmClaim: wrap((input: Parameters<StateStore['confirmClaim']>[0]) =>
      state.confirmClaim(input),
    ),
    close: () => {
      state.closed = true;
      return Promise.resolve();
    },
  };
}

/** The store's state with synchronous operations; `createMemoryStore` wraps each in a promise. */
class MemoryState {
  closed = false;
  private operations = 0;
  private lastNow = 0;
  private readonly dedup = new Map<string, { holder: string } & Expiring>();
  private readonly throttleWindows = new Map<string, ThrottleWindow>();
  private readonly throttleDropped = new Map<string, DroppedSet>();
  private readonly groups = new Map<string, GroupState>();
  private readonly due = new DueIndex();
  private readonly inhibit = new Map<string, Map<string, InhibitSource>>();
  private readonly silences = new Map<string, { record: SilenceRecord } & Expiring>();
  private readonly escalations = new Map<string, EscalationRecord>();
  private readonly escalationScopes = new Map<string, Set<string>>();
  private readonly deferred = new Map<string, DeferredRecord>();

  dedupCheck(input: { key: string; member: string; now: number; expireAt: number }): {
    duplicate: boolean;
    holder: string;
  } {
    this.enter(input.now);
    const current = this.dedup.get(input.key);
    if (current !== undefined && current.expireAt > input.now) {
      return {
        duplicate: current.holder !== input.member,
        holder: current.holder,
      };
    }
    this.dedup.set(input.key, { holder: input.member, expireAt: input.expireAt });
    return { duplicate: false, holder: input.member };
  }

  throttleHit(input: {
    key: string;
    member: string;
    windowStart: number;
    previousWindowStart?: number;
    limit: number;
    now: number;
    windowExpireAt: number;
    droppedExpireAt: number;
  }): { allowed: boolean; dropped: number } {
    this.enter(input.now);
    const windowId = `${input.key}\u0000${input.windowStart}`;
    let window = live(this.throttleWindows, windowId, input.now);
    const admittedWith =
      window?.admitted.get(input.member) ??
      (input.previousWindowStart !== undefined
        ? live(
            this.throttleWindows,
            `${input.key}\u0000${input.previousWindowStart}`,
            input.now,
          )?.admitted.get(input.member)
        : undefined);
    if (admittedWith !== undefined) return { allowed: true, dropped: admittedWith };
    let dropped = live(this.throttleDropped, input.key, input.now);
    if (dropped?.members.has(input.member) === true) {
      return { allowed: false, dropped: dropped.members.size };
    }
    if (window === undefined) {
      window = { admitted: new Map(), expireAt: input.windowExpireAt };
      this.throttleWindows.set(windowId, window);
    }
    if (window.admitted.size < input.limit) {
      const reported = dropped?.members.size ?? 0;
      this.throttleDropped.delete(input.key);
      window.admitted.set(input.member, reported);
      return { allowed: true, dropped: reported };
    }
    if (dropped === undefined) {
      dropped = { members: new Set(), expireAt: input.droppedExpireAt };
      this.throttleDropped.set(input.key, dropped);
    }
    dropped.members.add(input.member);
    dropped.expireAt = input.droppedExpireAt;
    return { allowed: false, dropped: dropped.members.size };
  }

  addGroupItem(input: AddGroupItemInput): AddGroupItemResult {
    const { groupKey, now, timing, item } = input;
    this.enter(now);
    let group = live(this.groups, groupKey, now);
    if (
      group !== undefined &&
      group.claim === undefined &&
      group.pending.length === 0 &&
      group.lastItemAt + group.timing.closeMs <= now
    ) {
      this.groups.delete(groupKey);
      group = undefined;
    }
    let result: AddGroupItemResult;
    if (group === undefined) {
      const leading = timing.sendFirst;
      group = {
        openedAt: now,
        lastItemAt: now,
        lastFlushAt: leading ? now : undefined,
        seq: 0,
        flushAt: undefined,
        timing,
        header: input.header,
        leadingEventId: leading ? item.eventId : undefined,
        pending: leading ? [] : [item],
        seen: new Set([item.eventId]),
        last: leading ? [item] : [],
        expireAt: 0,
        dueAt: undefined,
        claim: undefined,
      };
      if (!leading) {
        group.flushAt =
          timing.maxItems !== undefined && timing.maxItems <= 1 ? now : now + timing.waitMs;
      }
      this.groups.set(groupKey, group);
      result = { outcome: 'opened', openedAt: now, leading };
    } else if (group.seen.has(item.eventId)) {
      return {
        outcome: 'duplicate',
        openedAt: group.openedAt,
        leading: group.leadingEventId === item.eventId,
      };
    } else {
      group.pending.push(item);
      group.seen.add(item.eventId);
      group.lastItemAt = now;
      group.timing = timing;
      if (group.pending.length === 1) group.flushAt = firstFlushAt(group, now);
      if (timing.maxItems !== undefined && group.pending.length >= timing.maxItems) {
        group.flushAt = now;
      }
      result = { outcome: 'added', openedAt: group.openedAt, leading: false };
    }
    this.reschedule(groupKey, group);
    return result;
  }

  flushGroup(input: { groupKey: string; now: number; claimMs?: number }): FlushGroupResult {
    const { groupKey, now, claimMs } = input;
    this.enter(now);
    const entry: DueEntry = { kind: 'group', key: groupKey };
    const group = live(this.groups, groupKey, now);
    if (group === undefined) {
      this.groups.delete(groupKey);
      this.due.remove(entry);
      return { kind: 'none' };
    }
    const claim = group.claim;
    if (claim !== undefined) {
      let result: FlushGroupResult = { kind: 'none' };
      if (claim.until <= now) {
        result = {
          kind: claim.kind,
          openedAt: group.openedAt,
          seq: claim.token,
          header: group.header,
          items: group.last.slice(),
          replay: true,
          ...(claim.sealed !== undefined ? { sealed: claim.sealed } : {}),
        };
        if (claimMs !== undefined) claim.until = now + claimMs;
        else group.claim = undefined;
      }
      group.dueAt = undefined;
      this.reschedule(groupKey, group);
      return result;
    }
    let result: FlushGroupResult = { kind: 'none' };
    if (group.pending.length > 0) {
      if (group.flushAt !== undefined && group.flushAt <= now) {
        group.seq += 1;
        const items = group.pending;
        group.pending = [];
        group.last = items;
        group.lastFlushAt = now;
        group.flushAt = undefined;
        result = {
          kind: 'flush',
          openedAt: group.openedAt,
          seq: group.seq,
          header: group.header,
          items,
        };
      }
    } else if (group.lastItemAt + group.timing.closeMs <= now) {
      this.groups.delete(groupKey);
      this.due.remove(entry);
      return { kind: 'closed', openedAt: group.openedAt };
    } else if (
      group.timing.repeatMs !== undefined &&
      group.last.length > 0 &&
      group.lastFlushAt !== undefined &&
      group.lastFlushAt + group.timing.repeatMs <= now
    ) {
      group.seq += 1;
      group.lastFlushAt = now;
      result = {
        kind: 'repeat',
        openedAt: group.openedAt,
        seq: group.seq,
        header: group.header,
        items: group.last.slice(),
      };
    }
    if (claimMs !== undefined && (result.kind === 'flush' || result.kind === 'repeat')) {
      group.claim = {
        kind: result.kind,
        token: result.seq,
        until: now + claimMs,
        sealed: undefined,
      };
    }
    // A claim may have leased the index entry: always write the real due time back.
    group.dueAt = undefined;
    this.reschedule(groupKey, group);
    return result;
  }

  claimDue(input: { now: number; limit: number; leaseMs: number }): DueEntry[] {
    this.enter(input.now);
    return this.due.claim(input.now, input.limit, input.now + input.leaseMs);
  }

  nextDueAt(): number | undefined {
    this.enter(this.lastNow);
    return this.due.peekScore();
  }

  recordInhibitSource(input: {
    scope: string;
    sourceEventId: string;
    until: number;
    bothSides: boolean;
    now: number;
  }): void {
    this.enter(input.now);
    let sources = this.inhibit.get(input.scope);
    if (sources === undefined) {
      sources = new Map();
      this.inhibit.set(input.scope, sources);
    }
    const current = sources.get(input.sourceEventId);
    if (current === undefined || current.until < input.until) {
      sources.set(input.sourceEventId, { until: input.until, bothSides: input.bothSides });
    }
    return undefined;
  }

  findInhibitSource(input: {
    scope: string;
    now: number;
    targetEventId: string;
    targetBothSides: boolean;
  }): string | undefined {
    this.enter(input.now);
    const sources = this.inhibit.get(input.scope);
    if (sources === undefined) return undefined;
    let best: string | undefined;
    let bestUntil = -Infinity;
    for (const [id, source] of sources) {
      if (source.until <= input.now) {
        sources.delete(id);
        continue;
      }
      if (id === input.targetEventId) continue;
      if (input.targetBothSides && source.bothSides) continue;
      if (
        source.until > bestUntil ||
        (source.until === bestUntil && best !== undefined && id > best)
      ) {
        best = id;
        bestUntil = source.until;
      }
    }
    if (sources.size === 0) this.inhibit.delete(input.scope);
    return best;
  }

  putSilence(input: { silence: SilenceRecord; expireAt: number }): void {
    this.enter(this.lastNow);
    this.silences.set(input.silence.id, { record: input.silence, expireAt: input.expireAt });
    return undefined;
  }

  expireSilence(input: { id: string; now: number }): boolean {
    this.enter(input.now);
    const stored = live(this.silences, input.id, input.now);
    if (stored === undefined || stored.record.endsAt <= input.now) return false;
    stored.record = { ...stored.record, endsAt: input.now, updatedAt: input.now };
    return true;
  }

  listSilences(input: { now: number }): SilenceRecord[] {
    this.enter(input.now);
    const out: SilenceRecord[] = [];
    for (const [id, stored] of this.silences) {
      if (stored.expireAt <= input.now) this.silences.delete(id);
      else out.push(stored.record);
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  startEscalation(input: StartEscalationInput): { created: boolean; state: EscalationState } {
    this.enter(input.now);
    const existing = live(this.escalations, input.key, input.now);
    if (existing !== undefined) return { created: false, state: existing.state };
    const noSteps = input.stepDueAt.length === 0;
    const state: EscalationState = {
      scope: input.scope,
      key: input.key,
      status: noSteps ? 'done' : 'open',
      stepsSent: 0,
      stepDueAt: input.stepDueAt.slice(),
      header: input.header,
      ...(noSteps ? { closedAt: input.now } : {}),
    };
    this.escalations.set(input.key, { state, expireAt: input.expireAt });
    let keys = this.escalationScopes.get(input.scope);
    if (keys === undefined) {
      keys = new Set();
      this.escalationScopes.set(input.scope, keys);
    }
    keys.add(input.key);
    if (!noSteps) {
      this.due.schedule(
        { kind: 'escalation', key: input.key, scope: input.scope },
        input.stepDueAt[0]!,
      );
    }
    return { created: true, state };
  }

  advanceEscalation(input: {
    scope: string;
    key: string;
    now: number;
    claimMs?: number;
  }): AdvanceEscalationResult {
    this.enter(input.now);
    const entry: DueEntry = { kind: 'escalation', key: input.key, scope: input.scope };
    const record = live(this.escalations, input.key, input.now);
    const claim = record?.claim;
    if (record !== undefined && claim !== undefined) {
      if (claim.until > input.now) {
        this.due.schedule(entry, claim.until);
        return { kind: 'none' };
      }
      const state = record.state;
      const result: AdvanceEscalationResult = {
        kind: 'step',
        step: claim.token,
        dueAt: state.stepDueAt[claim.token - 1]!,
        header: state.header,
        replay: true,
        ...(claim.sealed !== undefined ? { sealed: claim.sealed } : {}),
      };
      if (input.claimMs !== undefined) {
        claim.until = input.now + input.claimMs;
        this.due.schedule(entry, claim.until);
      } else {
        record.claim = undefined;
        this.rescheduleEscalation(record);
      }
      return result;
    }
    if (record === undefined || record.state.status !== 'open') {
      this.due.remove(entry);
      return { kind: 'none' };
    }
    const state = record.state;
    const dueAt = state.stepDueAt[state.stepsSent];
    if (dueAt === undefined) {
      this.due.remove(entry);
      return { kind: 'none' };
    }
    if (dueAt > input.now) {
      this.due.schedule(entry, dueAt);
      return { kind: 'none' };
    }
    const step = state.stepsSent + 1;
    const done = step >= state.stepDueAt.length;
    record.state = {
      ...state,
      stepsSent: step,
      ...(done ? { status: 'done' as const, closedAt: input.now } : {}),
    };
    if (input.claimMs !== undefined) {
      record.claim = { token: step, until: input.now + input.claimMs, sealed: undefined };
      this.due.schedule(entry, record.claim.until);
    } else {
      this.rescheduleEscalation(record);
    }
    return { kind: 'step', step, dueAt, header: state.header };
  }

  /** Puts an escalation without an open claim at its next step's due time, or out of the index. */
  private rescheduleEscalation(record: EscalationRecord): void {
    const state = record.state;
    const entry: DueEntry = { kind: 'escalation', key: state.key, scope: state.scope };
    const next = state.stepDueAt[state.stepsSent];
    if (state.status !== 'open' || next === undefined) this.due.remove(entry);
    else this.due.schedule(entry, next);
  }

  acknowledgeEscalation(input: {
    scope: string;
    key: string;
    by: string;
    now: number;
  }): 'acknowledged' | 'closed' | 'unknown' {
    this.enter(input.now);
    const record = live(this.escalations, input.key, input.now);
    if (record === undefined || record.state.scope !== input.scope) return 'unknown';
    // An unconfirmed step is not replayed once the escalation stopped.
    record.claim = undefined;
    if (record.state.status !== 'open') {
      this.due.remove({ kind: 'escalation', key: input.key, scope: input.scope });
      return 'closed';
    }
    record.state = {
      ...record.state,
      status: 'acknowledged',
      acknowledgedBy: input.by,
      closedAt: input.now,
    };
    this.due.remove({ kind: 'escalation', key: input.key, scope: input.scope });
    return 'acknowledged';
  }

  resolveEscalations(input: { scope: string; now: number }): string[] {
    this.enter(input.now);
    const keys = this.escalationScopes.get(input.scope);
    if (keys === undefined) return [];
    const resolved: string[] = [];
    for (const key of keys) {
      const record = live(this.escalations, key, input.now);
      if (record === undefined) {
        keys.delete(key);
        continue;
      }
      if (record.state.status !== 'open') {
        if (record.claim !== undefined) {
          record.claim = undefined;
          this.due.remove({ kind: 'escalation', key, scope: input.scope });
        }
        continue;
      }
      record.claim = undefined;
      record.state = { ...record.state, status: 'resolved', closedAt: input.now };
      this.due.remove({ kind: 'escalation', key, scope: input.scope });
      resolved.push(key);
    }
    if (keys.size === 0) this.escalationScopes.delete(input.scope);
    return resolved.sort(codeUnitOrder);
  }

  getEscalation(input: { scope: string; key: string }): EscalationState | undefined {
    this.enter(this.lastNow);
    const record = live(this.escalations, input.key, this.lastNow);
    return record?.state.scope === input.scope ? record.state : undefined;
  }

  deferSend(input: {
    key: string;
    sendAt: number;
    payload: string;
    now: number;
    expireAt: number;
  }): { created: boolean } {
    this.enter(input.now);
    if (live(this.deferred, input.key, input.now) !== undefined) {
      return { created: false };
    }
    this.deferred.set(input.key, {
      sendAt: input.sendAt,
      payload: input.payload,
      taken: false,
      expireAt: input.expireAt,
    });
    this.due.schedule({ kind: 'deferred', key: input.key }, input.sendAt);
    return { created: true };
  }

  takeDeferred(input: { key: string; now: number; claimMs?: number }): TakeDeferredResult {
    this.enter(input.now);
    const entry: DueEntry = { kind: 'deferred', key: input.key };
    const record = live(this.deferred, input.key, input.now);
    const claim = record?.claim;
    if (record !== undefined && claim !== undefined) {
      if (claim.until > input.now) {
        this.due.schedule(entry, claim.until);
        return { kind: 'none' };
      }
      const result: TakeDeferredResult = {
        kind: 'due',
        payload: record.payload,
        replay: true,
        ...(claim.sealed !== undefined ? { sealed: claim.sealed } : {}),
      };
      if (input.claimMs !== undefined) {
        claim.until = input.now + input.claimMs;
        this.due.schedule(entry, claim.until);
      } else {
        this.endDeferredClaim(record, entry);
      }
      return result;
    }
    if (record === undefined || record.taken) {
      this.due.remove(entry);
      return { kind: 'none' };
    }
    if (record.sendAt > input.now) {
      this.due.schedule(entry, record.sendAt);
      return { kind: 'none' };
    }
    record.taken = true;
    const payload = record.payload;
    if (input.claimMs !== undefined) {
      record.claim = { token: 1, until: input.now + input.claimMs, sealed: undefined };
      this.due.schedule(entry, record.claim.until);
    } else {
      record.payload = '';
      this.due.remove(entry);
    }
    return { kind: 'due', payload };
  }

  private endDeferredClaim(record: DeferredRecord, entry: DueEntry): void {
    record.claim = undefined;
    record.payload = '';
    this.due.remove(entry);
  }

  sealClaim(input: { claim: ClaimRef; payload: string; now: number }): string | undefined {
    this.enter(input.now);
    const open = this.openClaim(input.claim, input.now);
    if (open === undefined) return undefined;
    open.sealed ??= input.payload;
    return open.sealed;
  }

  confirmClaim(input: { claim: ClaimRef; now: number }): boolean {
    this.enter(input.now);
    const { entry } = input.claim;
    if (this.openClaim(input.claim, input.now) === undefined) return false;
    if (entry.kind === 'group') {
      const group = this.groups.get(entry.key)!;
      group.claim = undefined;
      group.dueAt = undefined;
      this.reschedule(entry.key, group);
    } else if (entry.kind === 'escalation') {
      const record = this.escalations.get(entry.key)!;
      record.claim = undefined;
      this.rescheduleEscalation(record);
    } else {
      this.endDeferredClaim(this.deferred.get(entry.key)!, entry);
    }
    return true;
  }

  /** The open claim `ref` names, or undefined when it is not open (any more). */
  private openClaim(ref: ClaimRef, now: number): OpenClaim | undefined {
    const { entry, token } = ref;
    let claim: OpenClaim | undefined;
    if (entry.kind === 'group') claim = live(this.groups, entry.key, now)?.claim;
    else if (entry.kind === 'escalation') {
      const record = live(this.escalations, entry.key, now);
      if (record !== undefined && record.state.scope === entry.scope) claim = record.claim;
    } else claim = live(this.deferred, entry.key, now)?.claim;
    return claim?.token === token ? claim : undefined;
  }

  private enter(now: number): void {
    if (this.closed) {
      throw new DispatchError('EXR_DISPATCH_STORE_UNAVAILABLE', 'the memory store was closed');
    }
    if (now > this.lastNow) this.lastNow = now;
    if (++this.operations >= SWEEP_EVERY) {
      this.operations = 0;
      this.sweep(this.lastNow);
    }
  }

  private reschedule(groupKey: string, group: GroupState): void {
    const next = groupNextDue(group);
    group.expireAt =
      Math.max(next, group.lastItemAt + group.timing.closeMs) + GROUP_EXPIRY_GRACE_MS;
    // Most items do not move the group's due time; skipping the index then saves the hot path
    // an allocation. A claim's lease may have moved the index entry meanwhile: the claimer's
    // flushGroup resets it, so leaving the lease in place is what the contract wants anyway.
    if (group.dueAt === next) return;
    group.dueAt = next;
    this.due.schedule({ kind: 'group', key: groupKey }, next);
  }

  private sweep(now: number): void {
    for (const map of [
      this.dedup,
      this.throttleWindows,
      this.throttleDropped,
      this.groups,
      this.silences,
      this.escalations,
      this.deferred,
    ] as Map<string, Expiring>[]) {
      for (const [key, value] of map) if (value.expireAt <= now) map.delete(key);
    }
    for (const [scope, sources] of this.inhibit) {
      for (const [id, source] of sources) if (source.until <= now) sources.delete(id);
      if (sources.size === 0) this.inhibit.delete(scope);
    }
    for (const [scope, keys] of this.escalationScopes) {
      for (const key of keys) if (!this.escalations.has(key)) keys.delete(key);
      if (keys.size === 0) this.escalationScopes.delete(scope);
    }
  }
}

/** The value under `key` unless it expired by `now` (then it is deleted). */
function live<T extends Expiring>(map: Map<string, T>, key: string, now: number): T | undefined {
  const value = map.get(key);
  if (value === undefined) return undefined;
  if (value.expireAt <= now) {
    map.delete(key);
    return undefined;
  }
  return value;
}

/** When a group with its first pending item flushes: after `wait` at first, then on the interval grid. */
function firstFlushAt(group: GroupState, now: number): number {
  if (group.seq === 0 || group.lastFlushAt === undefined)
    return group.openedAt + group.timing.waitMs;
  const interval = Math.max(1, group.timing.intervalMs);
  const k = Math.max(1, Math.ceil((now - group.lastFlushAt) / interval));
  return group.lastFlushAt + k * interval;
}

/** The next time anything happens to the group: flush, repeat or close. */
function groupNextDue(group: GroupState): number {
  if (group.claim !== undefined) return group.claim.until;
  if (group.pending.length > 0 && group.flushAt !== undefined) return group.flushAt;
  const closeAt = group.lastItemAt + group.timing.closeMs;
  const repeatMs = group.timing.repeatMs;
  if (repeatMs !== undefined && group.last.length > 0 && group.lastFlushAt !== undefined) {
    return Math.min(closeAt, group.lastFlushAt + repeatMs);
  }
  return closeAt;
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
