import { setTimeout as delay } from 'node:timers/promises';
import type { Diagnostic } from '@exroute/core';
import { DeliveryError, deliveryDiagnostic } from '../errors.js';
import type { NotificationRequest } from '../mapping/to-notification-requests.js';
import { MAX_MESSAGE_ID_LENGTH } from '../mapping/idempotency-key.js';
import { OUTBOUND_PATHS } from '../mapping/wire-types.js';
import type { DeadLetter } from '../durability/dead-letter.js';
import { resolveClientConfig } from './client-config.js';
import type {
  DeliveryEvent,
  NotificationsClientConfig,
  ResolvedClientConfig,
} from './client-config.js';
import { createConnectionPools, postCapped } from './http-post.js';
import type { ConnectionPools } from './http-post.js';
import type { AttemptRecord, DeliveryResult } from './results.js';
import { dispositionOf, fullJitterDelay, parseRetryAfter } from './retry-policy.js';
import { Semaphore } from './semaphore.js';
import { TokenProvider } from './token-provider.js';

/** Delivers Notifications requests at least once; see `createNotificationsClient`. */
export interface NotificationsClient {
  /**
   * Appends the requests to the outbox (fsynced), then delivers them with bounded concurrency.
   * Resolves with one result per request, in input order; per-request failures are
   * dead-lettered, never thrown.
   */
  send(requests: readonly NotificationRequest[]): Promise<DeliveryResult[]>;
  /** Resends, with their original keys, the outbox entries an earlier run left unfinished. */
  replayOutbox(): Promise<DeliveryResult[]>;
  /** Counters for monitoring and tests. */
  stats(): DeliveryStats;
  /** Waits for running `send` calls, then refuses new ones; outbox and sink stay open (you own them). */
  close(): Promise<void>;
}

/** Counters of one client since it was created. */
export interface DeliveryStats {
  /** HTTP attempts on the wire now. */
  inFlight: number;
  /** Highest `inFlight` ever seen; never above `maxInFlight`. */
  maxInFlightObserved: number;
  /** Attempts waiting for a free slot now. */
  waiting: number;
  attempts: number;
  delivered: number;
  deadLettered: number;
  tokenFetches: number;
}

type AttemptOutcome =
  | { kind: 'delivered'; jobId: string; record: AttemptRecord }
  | { kind: 'retry'; retryAfterMs?: number; record: AttemptRecord }
  | { kind: 'reauthorize'; token: string; record: AttemptRecord }
  | { kind: 'fatal'; reason: string; record: AttemptRecord };

/**
 * Creates a client for the OpenText Notifications outbound API. Validates the configuration
 * up front (throws DeliveryError `EXR_DELIVERY_CONFIG_INVALID`); tokens are fetched lazily on
 * the first send. Retries only network errors, timeouts, 429 and 5xx (plus one re-authorization
 * on 401), with capped, fully jittered exponential backoff that honours `Retry-After`.
 */
export function createNotificationsClient(config: NotificationsClientConfig): NotificationsClient {
  return new OutboundClient(resolveClientConfig(config), config);
}

class OutboundClient implements NotificationsClient {
  readonly #config: ResolvedClientConfig;
  readonly #hooks: NotificationsClientConfig;
  readonly #tokens: TokenProvider;
  readonly #slots: Semaphore;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #active = new Set<Promise<unknown>>();
  readonly #pools: ConnectionPools;
  #closed = false;
  #inFlight = 0;
  #maxInFlightObserved = 0;
  #attempts = 0;
  #delivered = 0;
  #deadLettered = 0;

  constructor(config: ResolvedClientConfig, hooks: NotificationsClientConfig) {
    this.#config = config;
    this.#hooks = hooks;
    this.#random = hooks.random ?? Math.random;
    this.#sleep = hooks.sleep ?? ((ms) => delay(ms));
    this.#now = hooks.now ?? Date.now;
    this.#slots = new Semaphore(config.maxInFlight);
    // One extra socket so a token refresh never waits behind the request slots.
    this.#pools = createConnectionPools(config.maxInFlight + 1);
    this.#tokens = new TokenProvider({
      tokenUrl: config.tokenUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      timeoutMs: config.attemptTimeoutMs,
      maxResponseBytes: config.maxResponseBytes,
      refreshSkewMs: config.tokenRefreshSkewMs,
      now: this.#now,
      pools: this.#pools,
    });
  }

  send(requests: readonly NotificationRequest[]): Promise<DeliveryResult[]> {
    if (this.#closed) return Promise.reject(closedError());
    const problems = checkRequests(requests);
    if (problems.length > 0) {
      return Promise.reject(
        new DeliveryError(
          'EXR_DELIVERY_REQUEST_INVALID',
          `${problems.length} request(s) cannot be sent; build them with toNotificationRequests`,
          problems,
        ),
      );
    }
    return this.#track(async () => {
      try {
        await this.#hooks.outbox?.appendPending(requests);
      } catch (error) {
        // Nothing was sent: the caller still holds the requests and can retry the whole batch.
        throw asStoreError(error, 'the outbox could not record the requests; nothing was sent');
      }
      return this.#deliverAll(requests);
    });
  }

  replayOutbox(): Promise<DeliveryResult[]> {
    if (this.#closed) return Promise.reject(closedError());
    const recovered = this.#hooks.outbox?.recovered() ?? [];
    return this.#track(() => this.#deliverAll(recovered));
  }

  stats(): DeliveryStats {
    return {
      inFlight: this.#inFlight,
      maxInFlightObserved: this.#maxInFlightObserved,
      waiting: this.#slots.waiting,
      attempts: this.#attempts,
      delivered: this.#delivered,
      deadLettered: this.#deadLettered,
      tokenFetches: this.#tokens.fetches,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#active]);
    this.#pools.destroy();
  }

  #track<T>(run: () => Promise<T>): Promise<T> {
    const promise = run();
    this.#active.add(promise);
    void promise.then(
      () => this.#active.delete(promise),
      () => this.#active.delete(promise),
    );
    return promise;
  }

  /** A pool of `maxInFlight` workers pulling requests in order: memory stays O(maxInFlight). */
  async #deliverAll(requests: readonly NotificationRequest[]): Promise<DeliveryResult[]> {
    const results = new Array<DeliveryResult>(requests.length);
    const storeFailures: Diagnostic[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const index = next;
        next += 1;
        const request = requests[index] as NotificationRequest;
        try {
          results[index] = await this.#deliverOne(request);
        } catch (error) {
          // The outbox entry stays unfinished, so the request is replayed on the next start.
          storeFailures.push(
            ...asStoreError(error, `could not store the outcome of request ${request.key}`)
              .diagnostics,
          );
        }
      }
    };
    const workers = Math.min(this.#config.maxInFlight, requests.length);
    await Promise.all(Array.from({ length: workers }, worker));
    try {
      await this.#hooks.outbox?.flush();
    } catch (error) {
      storeFailures.push(...asStoreError(error, 'could not flush the outbox').diagnostics);
    }
    if (storeFailures.length > 0) {
      throw new DeliveryError(
        'EXR_DELIVERY_STORE_FAILED',
        'some outcomes could not be stored; the affected requests stay in the outbox and are replayed on the next start',
        storeFailures,
      );
    }
    return results;
  }

  async #deliverOne(request: NotificationRequest): Promise<DeliveryResult> {
    const payload = JSON.stringify(request.body);
    const url = new URL(`${this.#config.baseUrl}${request.path}`);
    const attempts: AttemptRecord[] = [];
    let failures = 0;
    let reauthorized = false;
    const deadline = this.#now() + this.#config.retryBudgetMs;
    for (;;) {
      const outcome = await this.#attempt(request, url, payload, attempts.length + 1);
      attempts.push(outcome.record);
      if (outcome.kind === 'delivered') {
        this.#emitAttempt(request.key, outcome.record);
        return this.#finishDelivered(request, outcome.jobId, attempts);
      }
      if (outcome.kind === 'reauthorize' && !reauthorized) {
        reauthorized = true;
        this.#tokens.invalidate(outcome.token);
        this.#emitAttempt(request.key, outcome.record);
        continue;
      }
      if (outcome.kind === 'reauthorize' || outcome.kind === 'fatal') {
        this.#emitAttempt(request.key, outcome.record);
        const reason = outcome.kind === 'fatal' ? outcome.reason : 'EXR_DELIVERY_UNAUTHORIZED';
        return this.#finishDeadLettered(request, reason, attempts);
      }
      failures += 1;
      const remaining = deadline - this.#now();
      if (failures >= this.#config.maxAttempts || remaining <= 0) {
        this.#emitAttempt(request.key, outcome.record);
        return this.#finishDeadLettered(request, 'EXR_DELIVERY_RETRIES_EXHAUSTED', attempts);
      }
      // The last wait ends at the budget, so the final attempt is made right then.
      const wait = Math.min(
        remaining,
        outcome.retryAfterMs !== undefined
          ? Math.min(outcome.retryAfterMs, this.#config.maxRetryAfterMs)
          : fullJitterDelay(failures, this.#config.backoff, this.#random),
      );
      outcome.record.delayMs = wait;
      if (outcome.retryAfterMs !== undefined) outcome.record.retryAfter = true;
      this.#emitAttempt(request.key, outcome.record);
      await this.#sleep(wait);
    }
  }

  async #attempt(
    request: NotificationRequest,
    url: URL,
    payload: string,
    attempt: number,
  ): Promise<AttemptOutcome> {
    await this.#slots.acquire();
    this.#inFlight += 1;
    this.#maxInFlightObserved = Math.max(this.#maxInFlightObserved, this.#inFlight);
    this.#attempts += 1;
    const record: AttemptRecord = { attempt, startedAt: new Date(this.#now()).toISOString() };
    try {
      const tokenOutcome = await this.#tokens.get();
      if (!tokenOutcome.ok) {
        record.error = tokenOutcome.code;
        if (tokenOutcome.status !== undefined)
          record.cause = `token endpoint HTTP ${tokenOutcome.status}`;
        this.#emit({
          type: 'token',
          outcome: 'failed',
          ...(tokenOutcome.status !== undefined ? { status: tokenOutcome.status } : {}),
        });
        return tokenOutcome.retryable
          ? { kind: 'retry', record }
          : { kind: 'fatal', reason: 'EXR_DELIVERY_AUTH_FAILED', record };
      }
      const token = tokenOutcome.token.value;
      const response = await postCapped(url, {
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'x-mra-submitid': request.key,
        },
        body: payload,
        timeoutMs: this.#config.attemptTimeoutMs,
        maxResponseBytes: this.#config.maxResponseBytes,
        pools: this.#pools,
      });
      if (response.kind !== 'response') {
        record.error =
          response.kind === 'timeout' ? 'EXR_DELIVERY_TIMEOUT' : 'EXR_DELIVERY_NETWORK_ERROR';
        if (response.code !== undefined) record.cause = response.code;
        return { kind: 'retry', record };
      }
      record.status = response.status;
      const text = response.body;
      // A server may echo the request's headers in an error body: never store the token.
      if (text !== '') record.body = redactSecrets(text, [token, this.#config.clientSecret]);
      switch (dispositionOf(response.status)) {
        case 'delivered': {
          const jobId = parseJobId(text);
          return jobId !== undefined
            ? { kind: 'delivered', jobId, record }
            : { kind: 'fatal', reason: 'EXR_DELIVERY_BAD_RESPONSE', record };
        }
        case 'conflict': {
          // 409 carrying a job id: the key was already accepted. Empty: still in progress, retry.
          // Anything else: the key was used for a different payload — retrying cannot help.
          const jobId = parseJobId(text);
          if (jobId !== undefined) return { kind: 'delivered', jobId, record };
          if (text.trim() === '') return { kind: 'retry', record };
          return { kind: 'fatal', reason: 'EXR_DELIVERY_CONFLICT', record };
        }
        case 'retry': {
          const header = response.headers['retry-after'];
          const retryAfterMs = parseRetryAfter(header ?? null, this.#now());
          return retryAfterMs !== undefined
            ? { kind: 'retry', retryAfterMs, record }
            : { kind: 'retry', record };
        }
        case 'reauthorize':
          return { kind: 'reauthorize', token, record };
        case 'redirect':
          return { kind: 'fatal', reason: 'EXR_DELIVERY_REDIRECT_REFUSED', record };
        case 'reject':
          return { kind: 'fatal', reason: 'EXR_DELIVERY_REJECTED', record };
      }
    } finally {
      this.#inFlight -= 1;
      this.#slots.release();
    }
  }

  async #finishDelivered(
    request: NotificationRequest,
    jobId: string,
    attempts: AttemptRecord[],
  ): Promise<DeliveryResult> {
    await this.#hooks.outbox?.markCompleted(request.key, { status: 'delivered', jobId });
    this.#delivered += 1;
    this.#emit({ type: 'delivered', key: request.key, jobId, attempts: attempts.length });
    return { status: 'delivered', key: request.key, jobId, attempts: attempts.length };
  }

  async #finishDeadLettered(
    request: NotificationRequest,
    reason: string,
    attempts: AttemptRecord[],
  ): Promise<DeliveryResult> {
    const last = attempts[attempts.length - 1];
    const lastStatus = last?.status;
    const lastBody = last?.body;
    const letter: DeadLetter = {
      key: request.key,
      reason,
      request,
      attempts,
      ...(lastStatus !== undefined ? { lastStatus } : {}),
      ...(lastBody !== undefined ? { lastBody } : {}),
      deadLetteredAt: new Date(this.#now()).toISOString(),
    };
    // Durable in the sink before the outbox forgets it: a crash in between only duplicates the letter.
    await this.#hooks.deadLetters?.write(letter);
    await this.#hooks.outbox?.markCompleted(request.key, { status: 'dead-lettered' });
    this.#deadLettered += 1;
    this.#emit({
      type: 'dead-lettered',
      key: request.key,
      reason,
      attempts: attempts.length,
      ...(lastStatus !== undefined ? { lastStatus } : {}),
    });
    return {
      status: 'dead-lettered',
      key: request.key,
      reason,
      attempts: attempts.length,
      ...(lastStatus !== undefined ? { lastStatus } : {}),
      ...(lastBody !== undefined ? { lastBody } : {}),
    };
  }

  #emitAttempt(key: string, record: AttemptRecord): void {
    this.#emit({
      type: 'attempt',
      key,
      attempt: record.attempt,
      ...(record.status !== undefined ? { status: record.status } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.delayMs !== undefined ? { delayMs: record.delayMs } : {}),
    });
  }

  #emit(event: DeliveryEvent): void {
    try {
      this.#hooks.onEvent?.(event);
    } catch {
      // A failing logger must not stop deliveries.
    }
  }
}

const REDACTED = '[REDACTED]';

/**
 * Any `Authorization` value (`"authorization": "Bearer …"`, `Authorization: Basic …`) and any
 * `Bearer …` credential in a header-like or JSON shape, in one linear pass.
 */
const AUTHORIZATION_VALUE =
  /(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]*|(\bbearer\s+)[A-Za-z0-9\-._~+/]+=*/gi;

/**
 * `text` with every occurrence of the given secrets (the current bearer token, the client
 * secret) and every `Authorization` / `Bearer` value replaced by `[REDACTED]`: bodies are kept in
 * dead letters and results, which are stored and logged.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) {
    // Short values could be ordinary words; real tokens and secrets are long.
    if (secret.length >= 8) redacted = redacted.split(secret).join(REDACTED);
  }
  return redacted.replace(AUTHORIZATION_VALUE, (_match, header?: string, bearer?: string) =>
    header !== undefined ? `${header}${REDACTED}` : `${bearer ?? ''}${REDACTED}`,
  );
}

/** Library errors pass through; anything a user-supplied outbox or sink throws is wrapped. */
function asStoreError(error: unknown, message: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const what = error instanceof Error ? error.name : 'unknown error';
  return new DeliveryError('EXR_DELIVERY_STORE_FAILED', message, [
    deliveryDiagnostic(
      'EXR_DELIVERY_STORE_FAILED',
      `${message} (${what}); check the outbox / dead-letter storage, then restart to replay`,
    ),
  ]);
}

function closedError(): DeliveryError {
  return new DeliveryError('EXR_DELIVERY_CLOSED', 'the notifications client is closed', [
    deliveryDiagnostic(
      'EXR_DELIVERY_CLOSED',
      'the client was closed; create a new client to send again',
    ),
  ]);
}

const KNOWN_PATHS = new Set(Object.values(OUTBOUND_PATHS));
const HEADER_SAFE = /^[\x21-\x7e]+$/;

function checkRequests(requests: readonly NotificationRequest[]): Diagnostic[] {
  const problems: Diagnostic[] = [];
  requests.forEach((request: unknown, i) => {
    if (typeof request !== 'object' || request === null) {
      problems.push(
        deliveryDiagnostic('EXR_DELIVERY_REQUEST_INVALID', 'request is not an object', `/${i}`),
      );
      return;
    }
    const r = request as Record<string, unknown>;
    const key = r['key'];
    if (typeof key !== 'string' || key.length > MAX_MESSAGE_ID_LENGTH || !HEADER_SAFE.test(key)) {
      problems.push(
        deliveryDiagnostic(
          'EXR_DELIVERY_REQUEST_INVALID',
          `key must be 1-${MAX_MESSAGE_ID_LENGTH} printable ASCII characters without spaces`,
          `/${i}/key`,
        ),
      );
    }
    if (typeof r['path'] !== 'string' || !KNOWN_PATHS.has(r['path'])) {
      problems.push(
        deliveryDiagnostic(
          'EXR_DELIVERY_REQUEST_INVALID',
          `path must be one of ${[...KNOWN_PATHS].join(', ')}`,
          `/${i}/path`,
        ),
      );
    }
    if (typeof r['body'] !== 'object' || r['body'] === null) {
      problems.push(
        deliveryDiagnostic('EXR_DELIVERY_REQUEST_INVALID', 'body must be an object', `/${i}/body`),
      );
    }
  });
  return problems;
}

function parseJobId(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null) return undefined;
    const jobId = (json as Record<string, unknown>)['job_id'];
    return typeof jobId === 'string' && jobId !== '' ? jobId : undefined;
  } catch {
    return undefined;
  }
}
