import type { Diagnostic } from '@exroute/core';
import { openFileDeadLetterSink } from '../durability/dead-letter.js';
import { openFileOutbox } from '../durability/outbox.js';
import type { NotificationRequest } from '../mapping/to-notification-requests.js';
import { createNotificationsClient } from './client.js';
import type { NotificationsClientConfig } from './client-config.js';
import type { NotificationsClient } from './client.js';
import type { DeliveryResult } from './results.js';

/** Options of `BatchDelivery.open`. */
export interface BatchDeliveryOptions {
  client: NotificationsClientConfig;
  /** Outbox file (JSON Lines): requests survive a crash and are resent on the next open. */
  outbox?: string;
  /** Dead-letter file for requests that could not be delivered. */
  deadLetters?: string;
  /** Requests sent per `client.send` call; 200 by default. */
  batchSize?: number;
  /** Hears of every request that was not delivered, as a diagnostic. */
  onUndelivered?: (diagnostic: Diagnostic) => void;
}

/**
 * A one-shot delivery run (`exroute route --send`): batches requests into a Notifications client
 * with an optional file outbox and dead-letter file, replays what an earlier run left in the
 * outbox, holds back requests that are not due yet, and counts the outcomes.
 */
export class BatchDelivery {
  /** Requests delivered so far. */
  delivered = 0;
  /** Requests that failed for good so far. */
  failed = 0;
  /** Requests held back because their `sendAt` was in the future. */
  deferred = 0;
  private pending: NotificationRequest[] = [];

  private constructor(
    private readonly client: NotificationsClient,
    private readonly closers: readonly (() => Promise<void>)[],
    private readonly batchSize: number,
    private readonly onUndelivered: (diagnostic: Diagnostic) => void,
  ) {}

  /**
   * Opens the outbox and dead-letter files (when given) and the client, then resends what an
   * earlier run left in the outbox; throws `DeliveryError` for bad settings or files.
   */
  static async open(options: BatchDeliveryOptions): Promise<BatchDelivery> {
    const closers: (() => Promise<void>)[] = [];
    const outbox = options.outbox !== undefined ? await openFileOutbox(options.outbox) : undefined;
    if (outbox !== undefined) closers.push(() => outbox.close());
    const deadLetters =
      options.deadLetters !== undefined
        ? await openFileDeadLetterSink(options.deadLetters)
        : undefined;
    if (deadLetters !== undefined) closers.push(() => deadLetters.close());
    const client = createNotificationsClient({
      ...options.client,
      ...(outbox !== undefined ? { outbox } : {}),
      ...(deadLetters !== undefined ? { deadLetters } : {}),
    });
    const delivery = new BatchDelivery(
      client,
      closers,
      options.batchSize ?? 200,
      options.onUndelivered ?? (() => {}),
    );
    if (outbox !== undefined && outbox.pendingCount > 0) {
      delivery.count(await client.replayOutbox());
    }
    return delivery;
  }

  /**
   * Queues the requests due at `now` and sends a batch when one is full; returns the requests
   * held back because their `sendAt` is later (a one-shot run keeps no schedule, and sending
   * them now would deliver them earlier than the rules allow).
   */
  async add(
    requests: readonly NotificationRequest[],
    now: number = Date.now(),
  ): Promise<NotificationRequest[]> {
    const held: NotificationRequest[] = [];
    for (const request of requests) {
      if (request.sendAt !== undefined && Date.parse(request.sendAt) > now) held.push(request);
      else this.pending.push(request);
    }
    this.deferred += held.length;
    if (this.pending.length >= this.batchSize) await this.flush();
    return held;
  }

  /** Sends what is left and closes the client and files; resolves to the undelivered count. */
  async finish(): Promise<number> {
    await this.flush();
    await this.client.close();
    for (const close of this.closers) await close();
    return this.failed;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) this.count(await this.client.send(batch));
  }

  private count(results: readonly DeliveryResult[]): void {
    for (const result of results) {
      if (result.status === 'delivered') {
        this.delivered += 1;
        continue;
      }
      this.failed += 1;
      this.onUndelivered({
        code: result.reason,
        severity: 'error',
        message: `request ${result.key} was not delivered after ${result.attempts} attempt(s)${
          result.lastStatus !== undefined ? ` (last HTTP status ${result.lastStatus})` : ''
        }; it is in the dead-letter file when one is configured`,
      });
    }
  }
}
