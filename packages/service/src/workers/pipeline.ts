import { ExrouteError } from '@exroute/core';
import type { Diagnostic, NormalizedEvent } from '@exroute/core';
import { normalize } from '@exroute/exstream';
import type { Mapping } from '@exroute/exstream';
import type { NotificationRequest, NotificationsClient } from '@exroute/notifications';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/service-config.js';
import type { Outgoing } from '@exroute/dispatch';
import type { ServiceMetrics } from '../observe/metrics.js';
import type { EntryRef, QueueEntry, StreamQueue, StreamReader } from '../queue/stream-queue.js';
import type { RuleHolder } from '../rules/rule-holder.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { AuditRecord } from '@exroute/dispatch/audit';
import { toOutgoingRequest } from './outgoing-request.js';
import type { OutgoingOrigin } from './outgoing-request.js';

/** What the workers of one instance share. */
export interface PipelineContext {
  queue: StreamQueue;
  rules: RuleHolder;
  mapping: Mapping | undefined;
  metrics: ServiceMetrics;
  logger: Logger;
  client: NotificationsClient;
  /** This instance's consumer name in every group. */
  consumer: string;
  workers: ServiceConfig['workers'];
  /** Written before the entries a record comes from are acknowledged; absent: no audit trail. */
  audit?: AuditTrail | undefined;
}

/** Reasons of the delivery client that may pass with time (the entry is retried, then dead-lettered). */
const TRANSIENT_DELIVERY_REASONS = new Set([
  'EXR_DELIVERY_RETRIES_EXHAUSTED',
  'EXR_DELIVERY_AUTH_FAILED',
  'EXR_DELIVERY_UNAUTHORIZED',
]);

/** Error codes of routing and dispatch that may pass with time: the event is retried. */
const TRANSIENT_ERROR_CODES = new Set(['EXR_DISPATCH_STORE_UNAVAILABLE']);

const BLOCK_MS = 1000;

/**
 * The instance's worker loops: events → route → dispatch → outgoing stream (one MULTI per batch
 * that appends the outgoing entries and acknowledges the events), outgoing → Notifications
 * (acknowledged only after Notifications accepted: "maybe twice, never never"), the dispatcher
 * tick, the claim of idle entries left by dead instances, and stream trimming.
 */
export class Pipeline {
  readonly #context: PipelineContext;
  readonly #loops: Promise<void>[] = [];
  readonly #readers: StreamReader[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  #stopping = false;
  #busy = 0;
  #idle: (() => void) | undefined;

  constructor(context: PipelineContext) {
    this.#context = context;
  }

  /** Starts `workers.concurrency` event and delivery loops plus the periodic jobs. */
  start(): void {
    const { queue, consumer, workers } = this.#context;
    for (let i = 0; i < workers.concurrency; i++) {
      const events = queue.reader('events', consumer);
      const outgoing = queue.reader('outgoing', consumer);
      this.#readers.push(events, outgoing);
      this.#loops.push(this.#loop(events, (entries) => this.processEvents(entries)));
      this.#loops.push(this.#loop(outgoing, (entries) => this.deliver(entries)));
    }
    this.#every(workers.tickIntervalMs, () => this.tick());
    this.#every(Math.max(250, Math.floor(workers.claimIdleMs / 2)), () => this.claim());
    this.#every(5000, () => queue.trim());
  }

  /** Stops reading and waits (up to `graceMs`) for batches in progress; unfinished entries stay pending for others to claim. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.all(this.#readers.map((reader) => reader.close().catch(() => undefined)));
    const drained = new Promise<void>((resolve) => {
      if (this.#busy === 0) resolve();
      else this.#idle = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([drained, ...this.#loops]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  #every(ms: number, job: () => Promise<unknown>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.#stopping) return;
      running = true;
      void this.#guard(job).finally(() => {
        running = false;
      });
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  async #guard(job: () => Promise<unknown>): Promise<void> {
    this.#busy++;
    try {
      await job();
    } catch (error) {
      if (!this.#stopping)
        this.#context.logger.warn({ err: error }, 'worker job failed; it runs again');
    } finally {
      this.#busy--;
      if (this.#busy === 0) this.#idle?.();
    }
  }

  async #loop(
    reader: StreamReader,
    handle: (entries: QueueEntry[]) => Promise<void>,
  ): Promise<void> {
    while (!this.#stopping) {
      let entries: QueueEntry[];
      try {
        entries = await reader.read(this.#context.workers.batchSize, BLOCK_MS);
      } catch (error) {
        if (this.#stopping) return;
        await this.#recover(error);
        continue;
      }
      if (entries.length > 0) await this.#guard(() => handle(entries));
    }
  }

  async #recover(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    // A Redis that lost its data (restarted without AOF) also lost the groups: create them again.
    if (message.includes('NOGROUP'))
      await this.#context.queue.ensureGroups().catch(() => undefined);
    else this.#context.logger.warn({ err: message }, 'reading a stream failed; retrying');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  /**
   * Runs the dispatcher's tick and queues what fell due: the dispatcher confirms its claims only
   * after the outgoing stream has them, so an instance killed in between loses nothing (another
   * instance hands out the same keys after the dispatcher's lease).
   */
  async tick(): Promise<void> {
    const active = this.#context.rules.active;
    const origin = (o: Outgoing): OutgoingOrigin => ({
      source: 'exroute/dispatch',
      id: o.key,
      ruleSetVersion: active.ruleSet.version,
    });
    await active.dispatcher.tick(async (due) => {
      await this.#context.queue.append(
        'outgoing',
        due.map((o) => outgoingFields(o, origin(o))),
      );
    });
  }

  /** Takes over entries idle at other consumers longer than `claimIdle`, and processes them. */
  async claim(): Promise<void> {
    const { queue, consumer, workers } = this.#context;
    const events = await queue.claimIdle(
      'events',
      consumer,
      workers.claimIdleMs,
      workers.batchSize,
    );
    if (events.length > 0) {
      this.#context.logger.info({ stream: 'events', count: events.length }, 'claimed idle entries');
      await this.processEvents(events);
    }
    const outgoing = await queue.claimIdle(
      'outgoing',
      consumer,
      workers.claimIdleMs,
      workers.batchSize,
    );
    if (outgoing.length > 0) {
      this.#context.logger.info(
        { stream: 'outgoing', count: outgoing.length },
        'claimed idle entries',
      );
      await this.deliver(outgoing);
    }
  }

  /** Routes and dispatches a batch of event entries; one MULTI appends their outgoing entries and acknowledges them. */
  async processEvents(entries: readonly QueueEntry[]): Promise<void> {
    const { metrics, logger, workers } = this.#context;
    const active = this.#context.rules.active;
    const acked: EntryRef[] = [];
    const outgoing: Record<string, string>[] = [];
    const dead: Record<string, string>[] = [];
    const audited: AuditRecord[] = [];
    const audit = this.#context.audit;
    for (const entry of entries) {
      const read = this.#readEvent(entry);
      if ('diagnostics' in read) {
        dead.push(deadLetter('events', entry, read.diagnostics));
        acked.push(entry);
        continue;
      }
      const event = read.event;
      try {
        const decision = active.router.route(event);
        metrics.decisions.inc({
          outcome: decision.notifications.length > 0 ? 'matched' : 'unmatched',
        });
        for (const n of decision.notifications)
          metrics.notifications.inc({ template: n.template, channel: n.channel });
        const dispatched = await active.dispatcher.ingest(event, decision);
        for (const verdict of dispatched.verdicts) metrics.verdicts.inc({ kind: verdict.kind });
        const origin: OutgoingOrigin = {
          source: event.source,
          id: event.id,
          ruleSetVersion: decision.ruleSetVersion,
          ...(event.correlationId !== undefined ? { correlationId: event.correlationId } : {}),
        };
        for (const o of dispatched.outgoing) outgoing.push(outgoingFields(o, origin));
        if (audit !== undefined)
          audited.push(audit.decision(event, decision, dispatched, active.ruleSet, new Date()));
        acked.push(entry);
        logger.debug({ eventId: event.id, outgoing: dispatched.outgoing.length }, 'event routed');
      } catch (error) {
        // Invalid input is final; a state store that is away (Redis restarting) is not.
        const diagnostics =
          error instanceof ExrouteError && !TRANSIENT_ERROR_CODES.has(error.code)
            ? error.diagnostics
            : undefined;
        if (diagnostics !== undefined || entry.deliveries >= workers.deliveryAttempts) {
          dead.push(
            deadLetter(
              'events',
              entry,
              diagnostics ?? [failure('EXR_DISPATCH_FAILED', error, entry.deliveries)],
            ),
          );
          acked.push(entry);
        } else {
          logger.warn(
            { err: error instanceof Error ? error.message : String(error), entry: entry.id },
            'event left pending for a retry',
          );
        }
      }
    }
    await this.#deadLetter('events', dead);
    // Before the acknowledgement: a crash in between writes the records again (same ids), never loses them.
    if (audit !== undefined) await audit.write(audited);
    await this.#context.queue.ack('events', acked, { stream: 'outgoing', entries: outgoing });
  }

  #readEvent(entry: QueueEntry): { event: NormalizedEvent } | { diagnostics: Diagnostic[] } {
    const { event, raw } = entry.fields;
    try {
      if (event !== undefined) return { event: JSON.parse(event) as NormalizedEvent };
      if (raw === undefined) {
        return {
          diagnostics: [
            {
              code: 'EXR_STREAM_ENTRY_INVALID',
              severity: 'error',
              message:
                "the entry has neither an 'event' nor a 'raw' field; XADD raw Exstream payloads as the field 'raw'",
            },
          ],
        };
      }
      const normalized = normalize(
        JSON.parse(raw),
        this.#context.mapping !== undefined ? { mapping: this.#context.mapping } : {},
      );
      this.#context.metrics.eventsNormalized.inc();
      this.#context.metrics.eventsAccepted.inc({ via: 'stream' });
      return { event: normalized };
    } catch (error) {
      if (error instanceof ExrouteError) {
        this.#context.metrics.eventsRejected.inc({
          code: error.diagnostics[0]?.code ?? error.code,
        });
        return { diagnostics: error.diagnostics };
      }
      this.#context.metrics.eventsRejected.inc({ code: 'EXR_INVALID_JSON' });
      return {
        diagnostics: [
          { code: 'EXR_INVALID_JSON', severity: 'error', message: 'the entry is not valid JSON' },
        ],
      };
    }
  }

  /** Sends a batch of outgoing entries; acknowledges each only after Notifications accepted it. */
  async deliver(entries: readonly QueueEntry[]): Promise<void> {
    const { metrics, workers, client, logger } = this.#context;
    const started = process.hrtime.bigint();
    const requests: NotificationRequest[] = [];
    const sent: QueueEntry[] = [];
    const dead: Record<string, string>[] = [];
    const deadIds: EntryRef[] = [];
    const sources: { outgoing: Outgoing; origin: OutgoingOrigin }[] = [];
    for (const entry of entries) {
      let prepared: ReturnType<typeof toOutgoingRequest>;
      let source: { outgoing: Outgoing; origin: OutgoingOrigin } | undefined;
      try {
        source = {
          outgoing: JSON.parse(entry.fields['outgoing'] ?? 'null') as Outgoing,
          origin: JSON.parse(entry.fields['origin'] ?? 'null') as OutgoingOrigin,
        };
        prepared = toOutgoingRequest(source.outgoing, source.origin);
      } catch {
        prepared = {
          code: 'EXR_STREAM_ENTRY_INVALID',
          problem: 'the outgoing entry is not valid JSON',
        };
      }
      if ('problem' in prepared) {
        dead.push(
          deadLetter('outgoing', entry, [
            { code: prepared.code, severity: 'error', message: prepared.problem },
          ]),
        );
        deadIds.push(entry);
        continue;
      }
      requests.push(prepared.request);
      sent.push(entry);
      sources.push(source!);
    }
    const results = requests.length > 0 ? await client.send(requests) : [];
    const delivered: EntryRef[] = [];
    const audit = this.#context.audit;
    const audited: AuditRecord[] = [];
    results.forEach((result, i) => {
      const entry = sent[i]!;
      if (result.status === 'delivered') {
        if (audit !== undefined) {
          const { outgoing, origin } = sources[i]!;
          const { jobId, attempts } = result;
          audited.push(audit.delivery(outgoing, { outcome: 'delivered', jobId, attempts }, origin));
        }
        delivered.push(entry);
        metrics.deliveries.inc({ outcome: 'delivered' });
        metrics.deliveryLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
        return;
      }
      if (
        TRANSIENT_DELIVERY_REASONS.has(result.reason) &&
        entry.deliveries < workers.deliveryAttempts
      ) {
        metrics.deliveries.inc({ outcome: 'retry' });
        logger.warn(
          { key: result.key, reason: result.reason, deliveries: entry.deliveries },
          'delivery left pending for a retry',
        );
        return;
      }
      if (audit !== undefined) {
        const { outgoing, origin } = sources[i]!;
        const { reason: failure, attempts } = result;
        audited.push(
          audit.delivery(outgoing, { outcome: 'dead-lettered', failure, attempts }, origin),
        );
      }
      dead.push(
        deadLetter('outgoing', entry, [
          {
            code: result.reason,
            severity: 'error',
            message: `Notifications did not accept the request after ${entry.deliveries} delivery round(s) (${result.attempts} attempt(s) in the last one${result.lastStatus !== undefined ? `, last status ${result.lastStatus}` : ''})`,
          },
        ]),
      );
      deadIds.push(entry);
    });
    await this.#deadLetter('outgoing', dead);
    if (audit !== undefined) await audit.write(audited);
    await this.#context.queue.ack('outgoing', [...delivered, ...deadIds]);
  }

  async #deadLetter(
    stream: 'events' | 'outgoing',
    entries: Record<string, string>[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.#context.queue.append('dead-letters', entries);
    for (const entry of entries) {
      this.#context.metrics.deadLetters.inc({ stream, reason: entry['reason'] ?? 'unknown' });
      if (stream === 'outgoing') this.#context.metrics.deliveries.inc({ outcome: 'dead-lettered' });
      this.#context.logger.warn(
        { stream, entry: entry['entry'], reason: entry['reason'] },
        'entry dead-lettered',
      );
    }
  }
}

function outgoingFields(outgoing: Outgoing, origin: OutgoingOrigin): Record<string, string> {
  return { key: outgoing.key, outgoing: JSON.stringify(outgoing), origin: JSON.stringify(origin) };
}

function failure(code: string, error: unknown, deliveries: number): Diagnostic {
  return {
    code,
    severity: 'error',
    message: `failed ${deliveries} time(s); last error: ${error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300)}`,
  };
}

/** The fields of a dead letter: where it came from, the original fields, why, and how often it was tried. */
function deadLetter(
  stream: 'events' | 'outgoing',
  entry: QueueEntry,
  diagnostics: Diagnostic[],
): Record<string, string> {
  return {
    stream,
    entry: entry.id,
    fields: JSON.stringify(entry.fields),
    reason: diagnostics[0]?.code ?? 'EXR_UNKNOWN',
    diagnostics: JSON.stringify(diagnostics.slice(0, 20)),
    deliveries: String(entry.deliveries),
    at: new Date().toISOString(),
  };
}
