import type { NormalizedEvent, RoutingDecision, RuleSet } from '@exroute/core';
import { asStoreError, DispatchError, dispatchDiagnostic } from './errors.js';
import { escalationStepKey, eventUid, groupMessageKey, scopeOfEscalationKey } from './keys.js';
import {
  decodeDeferred,
  decodeGroupHeader,
  digestOutgoing,
  encodeGroupHeader,
  singleOutgoing,
} from './outgoing.js';
import { compileDispatchPlan } from './plan/dispatch-plan.js';
import type { DispatchPlan } from './plan/dispatch-plan.js';
import { SilenceBook } from './silence/silence-book.js';
import { DedupStage } from './stages/dedup-stage.js';
import { DeliverStage } from './stages/deliver-stage.js';
import { EscalationStartStage } from './stages/escalation-stage.js';
import type { EscalationHeader } from './stages/escalation-stage.js';
import { findInhibition, InhibitStage, recordInhibitions } from './stages/inhibit-stage.js';
import { InvariantGuard, requiredReason } from './stages/invariant-guard.js';
import { SilenceStage } from './stages/silence-stage.js';
import type { EventContext, NotificationContext, Stage, VerdictOutcome } from './stages/stage.js';
import { ThrottleStage } from './stages/throttle-stage.js';
import type { ClaimRef, DueEntry, StateStore } from './store/state-store.js';
import type { Dispatcher, Outgoing, PersistOutgoing, SilenceRequest, Verdict } from './types.js';

/** Options of {@link createDispatcher}. */
export interface DispatcherOptions {
  ruleSet: RuleSet;
  store: StateStore;
  /** The dispatcher's clock; every time decision uses it (default: the system clock). */
  clock?: () => Date;
  /** Due entries claimed per store call in `tick` (default 256). */
  tickBatch?: number;
  /**
   * How long a claimed due entry is reserved for this instance (ms, default 30 s): if the
   * instance dies before finishing it — or, with `tick(persist)`, before `persist` resolved and
   * the claim was confirmed — another one takes it over after this and hands out the same
   * messages (same keys, same content). Keep `persist` well under it.
   */
  leaseMs?: number;
  /** How long a fetched silence list is reused, in clock ms (default 1000; 0 = every event). */
  silenceCacheMs?: number;
}

/** Largest number of claim rounds one `tick` makes, so a clock that stands still cannot spin it. */
const MAX_TICK_ROUNDS = 1_000;

/** What one due entry gave: its messages, and the claim to seal and confirm (persist mode). */
interface Taken {
  readonly out: Outgoing[];
  readonly claim?: ClaimRef;
  /** The claim's stored rendering when the store handed out a sealed claim again. */
  readonly sealed?: string;
}

const NOTHING: Taken = { out: [] };

/**
 * Creates the dispatcher of DESIGN.md §8 over a rule set and a state store. It keeps no state
 * of its own besides compiled rules and a short silence cache: groups, timers and everything
 * else live in the store, so instances are interchangeable and a restart or a rule reload
 * (a new dispatcher on a new rule set) sends nothing early and nothing twice.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  if (typeof options !== 'object' || options === null) {
    throw invalidOptions('options are required: { ruleSet, store, clock? }', '');
  }
  const { ruleSet, store } = options;
  if (typeof ruleSet !== 'object' || ruleSet === null || !(ruleSet.policies instanceof Map)) {
    throw invalidOptions('ruleSet must be a RuleSet from parseRuleSet or loadRuleSet', '/ruleSet');
  }
  if (typeof store !== 'object' || store === null || typeof store.addGroupItem !== 'function') {
    throw invalidOptions(
      'store must be a StateStore (createMemoryStore or createRedisStore)',
      '/store',
    );
  }
  const clock = options.clock ?? (() => new Date());
  if (typeof clock !== 'function')
    throw invalidOptions('clock must be a function returning a Date', '/clock');
  return new PolicyDispatcher(
    compileDispatchPlan(ruleSet),
    store,
    clock,
    positive(options.tickBatch, 256, '/tickBatch'),
    positive(options.leaseMs, 30_000, '/leaseMs'),
    nonNegative(options.silenceCacheMs, 1_000, '/silenceCacheMs'),
  );
}

class PolicyDispatcher implements Dispatcher {
  private readonly stages: readonly Stage[];
  private readonly deliver: DeliverStage;
  private readonly escalate: EscalationStartStage;
  private readonly silences: SilenceBook;
  private readonly invariants: InvariantGuard;

  constructor(
    private readonly plan: DispatchPlan,
    private readonly store: StateStore,
    private readonly clock: () => Date,
    private readonly tickBatch: number,
    private readonly leaseMs: number,
    silenceCacheMs: number,
  ) {
    this.silences = new SilenceBook(plan.ruleSet, store, silenceCacheMs);
    this.stages = [
      new InhibitStage(plan, store),
      new SilenceStage(this.silences),
      new DedupStage(store),
      new ThrottleStage(store),
    ];
    this.deliver = new DeliverStage(plan, store);
    this.invariants = new InvariantGuard(plan.ruleSet);
    this.escalate = new EscalationStartStage(plan, store);
  }

  async ingest(
    event: NormalizedEvent,
    decision: RoutingDecision,
  ): Promise<{ outgoing: Outgoing[]; verdicts: Verdict[] }> {
    checkInput(event, decision);
    const now = this.now();
    const nowMs = now.getTime();
    const parsedTime = Date.parse(event.time);
    const ev: EventContext = {
      event,
      uid: eventUid(event),
      now,
      nowMs,
      eventTimeMs: Number.isNaN(parsedTime) ? nowMs : parsedTime,
      outgoing: [],
    };
    try {
      if (this.plan.inhibitRules.length > 0) {
        ev.inhibitScopes = await recordInhibitions(this.plan, this.store, ev);
      }
      if (this.plan.escalations.size > 0) await this.escalate.resolve(ev);
      const verdicts: Verdict[] = [];
      let started: Map<string, string> | undefined;
      for (let index = 0; index < decision.notifications.length; index++) {
        const notification = decision.notifications[index]!;
        const policy =
          notification.policy !== undefined
            ? this.plan.policies.get(notification.policy)
            : undefined;
        const critical = event.priority === 'critical' || notification.severity === 'critical';
        // An invariant's notification skips every stage that can drop it (docs/governance.md).
        const required = this.invariants.passage(notification);
        const context: NotificationContext = {
          ev,
          notification,
          index,
          policy,
          bypass:
            required !== undefined
              ? !required.mayGroup
              : critical && policy?.definition.critical !== 'policy',
          dropped: 0,
          ...(required !== undefined ? { required: true } : {}),
        };
        let outcome: VerdictOutcome | undefined;
        if (required === undefined) {
          for (const stage of this.stages) {
            const answer = stage.exec(context);
            outcome = answer instanceof Promise ? await answer : answer;
            if (outcome !== undefined) break;
          }
        }
        if (outcome === undefined) {
          const answer = this.deliver.exec(context);
          outcome = answer instanceof Promise ? await answer : answer;
        }
        // Bench (grouped ingest): two spread temporaries per verdict were garbage on every event;
        // the same keys in the same order are written directly.
        const verdict = (
          notification.policy !== undefined
            ? {
                eventId: ev.uid,
                notification: index,
                template: notification.template,
                channel: notification.channel,
                policy: notification.policy,
              }
            : {
                eventId: ev.uid,
                notification: index,
                template: notification.template,
                channel: notification.channel,
              }
        ) as Verdict;
        if (required !== undefined) {
          verdict.requiredBy = [...required.requiredBy];
          verdict.reason = requiredReason(required);
        }
        Object.assign(verdict, outcome);
        const names = notification.escalate;
        if (
          names !== undefined &&
          names.length > 0 &&
          (outcome.kind === 'sent' || outcome.kind === 'grouped' || outcome.kind === 'deferred')
        ) {
          const known = (started ??= new Map<string, string>());
          const fresh = names.filter((name) => !known.has(name));
          const keys = await this.escalate.start(ev, fresh);
          fresh.forEach((name, i) => known.set(name, keys[i]!));
          const mine = names
            .map((name) => known.get(name))
            .filter((k): k is string => k !== undefined);
          if (mine.length > 0) verdict.escalations = mine;
        }
        verdicts.push(verdict);
      }
      return { outgoing: ev.outgoing, verdicts };
    } catch (error) {
      throw asStoreError(error, 'ingest');
    }
  }

  async tick(persist?: PersistOutgoing): Promise<Outgoing[]> {
    if (persist !== undefined && typeof persist !== 'function') {
      throw new DispatchError(
        'EXR_DISPATCH_INVALID_INPUT',
        'tick(persist): persist must be a function (messages) => Promise<void>',
        [dispatchDiagnostic('EXR_DISPATCH_INVALID_INPUT', 'not a function', '/persist')],
      );
    }
    const now = this.now();
    const nowMs = now.getTime();
    // Auto-confirm (no persist) commits each take at once; persist mode opens claims.
    const claimMs = persist !== undefined ? this.leaseMs : undefined;
    const out: Outgoing[] = [];
    for (let round = 0; round < MAX_TICK_ROUNDS; round++) {
      const taken: Taken[] = [];
      let failure: unknown;
      let claimedAll = false;
      try {
        const entries = await this.store.claimDue({
          now: nowMs,
          limit: this.tickBatch,
          leaseMs: this.leaseMs,
        });
        claimedAll = entries.length < this.tickBatch;
        for (const entry of entries) taken.push(await this.runDue(entry, now, claimMs));
      } catch (error) {
        failure = error;
      }
      if (persist === undefined) {
        for (const t of taken)
          out.push(...(t.sealed !== undefined ? decodeSealed(t.sealed) : t.out));
      } else if (taken.length > 0) {
        out.push(...(await this.persistAndConfirm(taken, nowMs, persist)));
      }
      if (failure !== undefined) {
        // What was already taken from the store is handed out: dropping it would lose messages
        // (in persist mode it was persisted and confirmed above; the rest replays after the lease).
        if (out.length > 0) return out;
        throw asStoreError(failure, 'tick');
      }
      if (claimedAll) break;
    }
    return out;
  }

  /**
   * Seals every claim with its rendering (first seal wins, so a replaying instance persists the
   * same content), hands the batch to `persist`, and confirms the claims only after it resolved.
   */
  private async persistAndConfirm(
    taken: readonly Taken[],
    nowMs: number,
    persist: PersistOutgoing,
  ): Promise<Outgoing[]> {
    let sealed: Outgoing[][];
    try {
      sealed = await Promise.all(taken.map((t) => this.seal(t, nowMs)));
    } catch (error) {
      throw asStoreError(error, 'tick');
    }
    const batch = sealed.flat();
    if (batch.length > 0) await persist(batch);
    try {
      await Promise.all(
        taken.map((t) =>
          t.claim !== undefined
            ? this.store.confirmClaim({ claim: t.claim, now: nowMs })
            : Promise.resolve(false),
        ),
      );
    } catch (error) {
      // Persisted but not confirmed: replayed after the lease with the same keys (at least once).
      throw asStoreError(error, 'tick');
    }
    return batch;
  }

  private async seal(t: Taken, nowMs: number): Promise<Outgoing[]> {
    if (t.sealed !== undefined) return decodeSealed(t.sealed);
    if (t.claim === undefined || t.out.length === 0) return t.out;
    const payload = JSON.stringify(t.out);
    const stored = await this.store.sealClaim({ claim: t.claim, payload, now: nowMs });
    // No longer open: another instance took the claim over after the lease and confirmed it.
    if (stored === undefined) return [];
    return stored === payload ? t.out : decodeSealed(stored);
  }

  async acknowledge(escalationKey: string, by: string): Promise<boolean> {
    const scope = scopeOfEscalationKey(escalationKey);
    if (scope === undefined) {
      throw new DispatchError(
        'EXR_DISPATCH_UNKNOWN_ESCALATION',
        'not an escalation key; use the key from a verdict or an escalation message',
        [
          dispatchDiagnostic(
            'EXR_DISPATCH_UNKNOWN_ESCALATION',
            'not an escalation key',
            '/escalationKey',
          ),
        ],
      );
    }
    if (typeof by !== 'string' || by.trim().length === 0 || by.length > 200) {
      throw new DispatchError(
        'EXR_DISPATCH_INVALID_INPUT',
        "'by' must name who acknowledges (1–200 characters)",
        [
          dispatchDiagnostic(
            'EXR_DISPATCH_INVALID_INPUT',
            "'by' must name who acknowledges",
            '/by',
          ),
        ],
      );
    }
    let answer: 'acknowledged' | 'closed' | 'unknown';
    try {
      answer = await this.store.acknowledgeEscalation({
        scope,
        key: escalationKey,
        by,
        now: this.now().getTime(),
      });
    } catch (error) {
      throw asStoreError(error, 'acknowledge');
    }
    if (answer === 'unknown') {
      throw new DispatchError(
        'EXR_DISPATCH_UNKNOWN_ESCALATION',
        `no escalation '${escalationKey}': it never started or its state has expired`,
        [
          dispatchDiagnostic(
            'EXR_DISPATCH_UNKNOWN_ESCALATION',
            'unknown escalation key',
            '/escalationKey',
          ),
        ],
      );
    }
    return answer === 'acknowledged';
  }

  async silence(
    request: SilenceRequest,
  ): Promise<ReturnType<Dispatcher['silence']> extends Promise<infer S> ? S : never> {
    try {
      return await this.silences.create(request, this.now().getTime());
    } catch (error) {
      throw asStoreError(error, 'silence');
    }
  }

  async expireSilence(id: string): Promise<boolean> {
    try {
      return await this.silences.expire(id, this.now().getTime());
    } catch (error) {
      throw asStoreError(error, 'expireSilence');
    }
  }

  async listSilences(): ReturnType<Dispatcher['listSilences']> {
    try {
      return await this.silences.list(this.now().getTime());
    } catch (error) {
      throw asStoreError(error, 'listSilences');
    }
  }

  private now(): Date {
    const now = this.clock();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      throw invalidOptions('clock() must return a valid Date', '/clock');
    }
    return new Date(now.getTime());
  }

  private async runDue(entry: DueEntry, now: Date, claimMs: number | undefined): Promise<Taken> {
    const nowMs = now.getTime();
    const claimed = claimMs !== undefined ? { claimMs } : {};
    const out: Outgoing[] = [];
    switch (entry.kind) {
      case 'group': {
        const result = await this.store.flushGroup({ groupKey: entry.key, now: nowMs, ...claimed });
        if (result.kind !== 'flush' && result.kind !== 'repeat') return NOTHING;
        const taken = takenOf(
          out,
          claimMs !== undefined ? { entry, token: result.seq } : undefined,
          result.sealed,
        );
        if (result.sealed !== undefined) return taken;
        const header = decodeGroupHeader(result.header);
        // Inhibition is checked again at flush (Alertmanager): a source that arrived after an
        // item mutes it now. Each distinct scope is looked up once per flush.
        const memo = new Map<string, Awaited<ReturnType<typeof findInhibition>>>();
        const kept = [];
        for (const item of result.items) {
          let muted = false;
          for (const scope of item.inhibitScopes) {
            let found = memo.get(scope);
            if (!memo.has(scope) || found?.sourceEventId === item.eventId) {
              found = await findInhibition(this.plan, this.store, [scope], item.eventId, nowMs);
              if (found?.sourceEventId !== item.eventId) memo.set(scope, found);
            }
            if (found !== undefined) {
              muted = true;
              break;
            }
          }
          if (!muted) kept.push(item);
        }
        if (kept.length === 0) return taken;
        out.push(
          digestOutgoing(
            header,
            kept,
            groupMessageKey(entry.key, result.openedAt, result.seq),
            result.kind === 'flush' ? 'group-flush' : 'repeat',
            this.plan.digests.get(header.notification.template),
          ),
        );
        return taken;
      }
      case 'deferred': {
        const taken = await this.store.takeDeferred({ key: entry.key, now: nowMs, ...claimed });
        if (taken.kind !== 'due') return NOTHING;
        const result = takenOf(
          out,
          claimMs !== undefined ? { entry, token: 1 } : undefined,
          taken.sealed,
        );
        if (taken.sealed !== undefined) return result;
        const payload = decodeDeferred(taken.payload);
        if (payload.type === 'send') {
          out.push(payload.outgoing);
          return result;
        }
        // Joining the group is idempotent (the event id is the member): a replay of this claim
        // finds the item there and gets the same leading answer, hence the same key.
        const added = await this.store.addGroupItem({
          groupKey: payload.groupKey,
          now: nowMs,
          timing: payload.timing,
          item: payload.item,
          header: encodeGroupHeader(payload.notification),
        });
        if (added.leading) {
          out.push(
            singleOutgoing(
              payload.notification,
              groupMessageKey(payload.groupKey, added.openedAt, 0),
              payload.item.eventId,
              'immediate',
              payload.item.dropped,
              new Date(payload.item.at).toISOString(),
            ),
          );
        }
        return result;
      }
      case 'escalation': {
        const scope = entry.scope ?? scopeOfEscalationKey(entry.key);
        if (scope === undefined) return NOTHING;
        const step = await this.store.advanceEscalation({
          scope,
          key: entry.key,
          now: nowMs,
          ...claimed,
        });
        if (step.kind !== 'step') return NOTHING;
        const result = takenOf(
          out,
          claimMs !== undefined ? { entry: { ...entry, scope }, token: step.step } : undefined,
          step.sealed,
        );
        if (step.sealed !== undefined) return result;
        const header = decodeEscalationHeader(step.header);
        const uid = eventUid(header.event);
        for (const notification of this.plan.escalationNotifier.notifications(
          header.name,
          step.step - 1,
          header.event,
          now,
        )) {
          out.push({
            ...notification,
            key: escalationStepKey(entry.key, step.step, notification),
            eventIds: [uid],
            reason: 'escalation',
            escalation: { key: entry.key, name: header.name, step: step.step },
          });
        }
        return result;
      }
    }
  }
}

function takenOf(out: Outgoing[], claim: ClaimRef | undefined, sealed: string | undefined): Taken {
  return {
    out,
    ...(claim !== undefined ? { claim } : {}),
    ...(sealed !== undefined ? { sealed } : {}),
  };
}

/** Reads a claim's sealed rendering back (the JSON of the Outgoing list it was sealed with). */
function decodeSealed(text: string): Outgoing[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    !parsed.every(
      (o) =>
        typeof o === 'object' &&
        o !== null &&
        typeof (o as Partial<Outgoing>).key === 'string' &&
        Array.isArray((o as Partial<Outgoing>).eventIds),
    )
  ) {
    throw new DispatchError(
      'EXR_DISPATCH_STORE_CORRUPT',
      'the state store holds a sealed claim this version cannot read',
    );
  }
  return parsed as Outgoing[];
}

function decodeEscalationHeader(text: string): EscalationHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const header = parsed as Partial<EscalationHeader> | undefined;
  if (
    typeof header?.name !== 'string' ||
    typeof header.event !== 'object' ||
    header.event === null
  ) {
    throw new DispatchError(
      'EXR_DISPATCH_STORE_CORRUPT',
      'the state store holds an escalation this version cannot read',
    );
  }
  return header as EscalationHeader;
}

function checkInput(event: unknown, decision: unknown): void {
  const e = event as Partial<NormalizedEvent> | null;
  const d = decision as Partial<RoutingDecision> | null;
  if (
    typeof e !== 'object' ||
    e === null ||
    typeof e.id !== 'string' ||
    typeof e.source !== 'string' ||
    typeof e.time !== 'string'
  ) {
    throw new DispatchError(
      'EXR_DISPATCH_INVALID_INPUT',
      'ingest needs a NormalizedEvent with id, source and time',
      [dispatchDiagnostic('EXR_DISPATCH_INVALID_INPUT', 'not a NormalizedEvent', '/event')],
    );
  }
  if (typeof d !== 'object' || d === null || !Array.isArray(d.notifications)) {
    throw new DispatchError(
      'EXR_DISPATCH_INVALID_INPUT',
      'ingest needs the RoutingDecision of the event',
      [dispatchDiagnostic('EXR_DISPATCH_INVALID_INPUT', 'not a RoutingDecision', '/decision')],
    );
  }
  const notifications = d.notifications as unknown[];
  for (let i = 0; i < notifications.length; i++) {
    const n = notifications[i] as Partial<Record<string, unknown>> | null;
    if (
      typeof n !== 'object' ||
      n === null ||
      typeof n['template'] !== 'string' ||
      typeof n['templateId'] !== 'string' ||
      typeof n['channel'] !== 'string' ||
      !Array.isArray(n['recipients']) ||
      typeof n['params'] !== 'object' ||
      n['params'] === null ||
      !Array.isArray(n['ruleIds'])
    ) {
      throw new DispatchError(
        'EXR_DISPATCH_INVALID_INPUT',
        `decision.notifications[${i}] is not a routed notification; pass the decision the router returned`,
        [
          dispatchDiagnostic(
            'EXR_DISPATCH_INVALID_INPUT',
            'not a routed notification',
            `/decision/notifications/${i}`,
          ),
        ],
      );
    }
  }
  if (d.eventId !== e.id) {
    throw new DispatchError(
      'EXR_DISPATCH_INVALID_INPUT',
      `the decision is for event '${String(d.eventId)}', not '${e.id}'`,
      [
        dispatchDiagnostic(
          'EXR_DISPATCH_INVALID_INPUT',
          'decision.eventId differs from event.id',
          '/decision/eventId',
        ),
      ],
    );
  }
}

function invalidOptions(message: string, pointer: string): DispatchError {
  return new DispatchError('EXR_DISPATCH_INVALID_OPTIONS', message, [
    dispatchDiagnostic('EXR_DISPATCH_INVALID_OPTIONS', message, pointer),
  ]);
}

function positive(value: unknown, fallback: number, pointer: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidOptions(`${pointer.slice(1)} must be a positive integer`, pointer);
  }
  return value;
}

function nonNegative(value: unknown, fallback: number, pointer: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidOptions(`${pointer.slice(1)} must be a number ≥ 0`, pointer);
  }
  return value;
}
