import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { formatDiagnostic } from '@exroute/core';
import { loadMapping } from '@exroute/exstream';
import type { Mapping } from '@exroute/exstream';
import { createNotificationsClient } from '@exroute/notifications';
import type { NotificationsClient } from '@exroute/notifications';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';
import type { DestinationStream, Logger } from 'pino';
import type { ServiceConfig } from './config/service-config.js';
import { createDispatcher, createMemoryStore, createRedisStore } from '@exroute/dispatch';
import type { StateStore } from '@exroute/dispatch';
import type { DispatchFactory } from './dispatch/dispatch-port.js';
import { createHttpServer } from './http/server.js';
import { createServiceLogger } from './observe/logger.js';
import { createServiceMetrics } from './observe/metrics.js';
import type { ServiceMetrics } from './observe/metrics.js';
import { createMemoryQueue } from './queue/memory-queue.js';
import { openRedisQueue, redisQueueOptions } from './queue/redis-queue.js';
import type { StreamQueue } from './queue/stream-queue.js';
import { RuleHolder } from './rules/rule-holder.js';
import type { ReloadOutcome } from './rules/rule-holder.js';
import { Pipeline } from './workers/pipeline.js';
import { AuditTrail } from './audit/audit-trail.js';

/** Extras of {@link createService} for embedding and tests; none is needed in production. */
export interface ServiceOptions {
  /** Where JSON log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Builds the dispatcher for each rule set (default: `createDispatcher` on the service's store). */
  dispatcherFor?: DispatchFactory;
  /** This instance's consumer name (default host-pid-random). */
  instance?: string;
  /** False: an ingest-only instance (HTTP and health, no stream workers); default true. */
  startWorkers?: boolean;
}

/** The readiness report of `/readyz`. */
export interface Readiness {
  ready: boolean;
  redis: boolean;
  rulesLoaded: boolean;
  consumerGroup: boolean;
  ruleSetVersion: string;
  instance: string;
  lastReloadRejected?: { at: string; diagnostics: unknown[] };
}

/** A running service instance. */
export interface Service {
  /** `http://host:port` of the HTTP listener. */
  readonly url: string;
  readonly instance: string;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly queue: StreamQueue;
  /** The embedded Notifications emulator, when the configuration asks for one. */
  readonly emulator: NotificationsEmulator | undefined;
  /** The rule-set version in force. */
  ruleSetVersion(): string;
  readiness(): Promise<Readiness>;
  /** Loads and checks the rules again; a rejected set leaves the old one in force (SIGHUP does this). */
  reload(): Promise<ReloadOutcome>;
  /** Stops reading, finishes (or leaves for others to claim) what is in flight, closes everything. */
  stop(): Promise<void>;
}

/**
 * Starts one service instance: loads rules and mapping (throws RuleSetError / MappingError with
 * every diagnostic), opens the queue (Redis when configured, else in-process), starts the worker
 * loops and the HTTP listener, and watches the rule files.
 */
export async function createService(
  config: ServiceConfig,
  options: ServiceOptions = {},
): Promise<Service> {
  const instance =
    options.instance ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const current: { rules?: RuleHolder } = {};
  const logger = createServiceLogger({
    level: config.logLevel,
    instance,
    ruleSetVersion: () => current.rules?.active.ruleSet.version,
    ...(options.logDestination !== undefined ? { destination: options.logDestination } : {}),
  });
  const metrics = createServiceMetrics();
  // The dispatcher's state (groups, dedup, throttles, silences, escalations) lives in one store
  // shared by every instance and every rule-set version: Redis, or memory when embedded.
  const store: StateStore =
    config.redis !== undefined
      ? await createRedisStore({
          url: withPassword(config.redis.url, config.redis.password),
          prefix: `${config.redis.prefix}:dispatch`,
        })
      : createMemoryStore();
  // The dispatcher's lease is the claim idle time: a flush claimed by an instance that dies
  // before its outgoing entries are written is handed out again (same key) by another after it.
  const dispatcherFor: DispatchFactory =
    options.dispatcherFor ??
    ((ruleSet) =>
      createDispatcher({ ruleSet, store, leaseMs: Math.max(1_000, config.workers.claimIdleMs) }));
  let holder: RuleHolder;
  try {
    holder = await RuleHolder.load(config.rules, dispatcherFor);
  } catch (error) {
    await store.close();
    throw error;
  }
  current.rules = holder;
  const mapping: Mapping | undefined =
    config.mapping !== undefined ? await loadMapping(config.mapping) : undefined;
  metrics.ruleSetInfo.set({ version: holder.active.ruleSet.version }, 1);

  const queue =
    config.redis !== undefined
      ? await openRedisQueue({
          ...redisQueueOptions(config.redis, config.streams),
          onError: (error) => logger.warn({ err: error.message }, 'redis connection problem'),
        })
      : createMemoryQueue();
  let emulator: NotificationsEmulator | undefined;
  let client: NotificationsClient | undefined;
  let pipeline: Pipeline | undefined;
  let audit: AuditTrail | undefined;
  try {
    await queue.ensureGroups();
    if (config.audit !== undefined) {
      audit = await AuditTrail.open(config.audit, config.redis, instance, logger);
      await audit.archive(holder.active.ruleSet, config.rules);
    }
    emulator = config.notifications.emulator ? await startEmulator() : undefined;
    const endpoint =
      emulator !== undefined
        ? emulator.clientConfig
        : (config.notifications as Exclude<ServiceConfig['notifications'], { emulator: true }>);
    client = createNotificationsClient({
      baseUrl: endpoint.baseUrl,
      authUrl: endpoint.authUrl,
      tenant: endpoint.tenant,
      clientId: endpoint.clientId,
      clientSecret: endpoint.clientSecret,
      maxInFlight: config.delivery.maxInFlight,
      maxAttempts: config.delivery.attemptsPerDelivery,
      // A delivery round must end well before another instance may claim the entry.
      maxRetryAfterMs: Math.max(1000, Math.floor(config.workers.claimIdleMs / 2)),
      backoff: { baseMs: 100, capMs: Math.max(500, Math.floor(config.workers.claimIdleMs / 4)) },
      onEvent: (event) => {
        if (event.type === 'attempt' && event.status !== undefined && event.status >= 400) {
          logger.debug(
            { key: event.key, status: event.status, attempt: event.attempt },
            'delivery attempt failed',
          );
        }
      },
    });
    pipeline = new Pipeline({
      queue,
      rules: holder,
      mapping,
      metrics,
      logger,
      client,
      consumer: instance,
      workers: config.workers,
      audit,
    });
  } catch (error) {
    await audit?.close();
    await queue.close();
    await store.close();
    await emulator?.close();
    throw error;
  }
  let accepting = true;

  const refreshStreamGauges = async (): Promise<boolean> => {
    let groups = true;
    for (const stream of ['events', 'outgoing', 'dead-letters'] as const) {
      const status = await queue.status(stream);
      metrics.streamLength.set({ stream }, status.length);
      metrics.streamPending.set({ stream }, status.pending);
      if (status.lag !== undefined) metrics.streamLag.set({ stream }, status.lag);
      groups &&= status.groupPresent;
    }
    return groups;
  };
  const gaugeTimer = setInterval(() => void refreshStreamGauges().catch(() => undefined), 5000);
  gaugeTimer.unref();

  const readiness = async (): Promise<Readiness> => {
    const redis = await queue.ping();
    const consumerGroup = redis ? await refreshStreamGauges().catch(() => false) : false;
    const rejection = holder.lastRejection;
    return {
      ready: redis && consumerGroup && accepting,
      redis,
      rulesLoaded: true,
      consumerGroup,
      ruleSetVersion: holder.active.ruleSet.version,
      instance,
      ...(rejection !== undefined
        ? { lastReloadRejected: { at: rejection.at, diagnostics: rejection.diagnostics } }
        : {}),
    };
  };

  const reload = async (): Promise<ReloadOutcome> => {
    const result = await holder.reload();
    metrics.reloads.inc({ outcome: result.outcome });
    if (result.outcome === 'applied') {
      metrics.ruleSetInfo.reset();
      metrics.ruleSetInfo.set({ version: result.version }, 1);
      metrics.reloadErrors.set(0);
      await audit?.archive(holder.active.ruleSet, config.rules);
      logger.info({ previous: result.previous }, 'rules reloaded');
    } else if (result.outcome === 'rejected') {
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      metrics.reloadErrors.set(errors.length);
      logger.error(
        { diagnostics: result.diagnostics.map(formatDiagnostic) },
        `rule reload rejected (${errors.length} error(s)); still serving the previous version`,
      );
    }
    return result;
  };

  const server = createHttpServer({
    config: config.http,
    mapping,
    queue,
    rules: holder,
    metrics,
    logger,
    readiness,
    accepting: () => accepting,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  if (options.startWorkers !== false) pipeline.start();
  if (config.reload.watch) {
    await holder.watch(config.reload.debounceMs, () => void reload());
  }
  logger.info(
    {
      url,
      redis: config.redis !== undefined,
      emulator: emulator !== undefined,
      ingestAuth: config.http.ingestToken !== undefined,
    },
    'service started',
  );

  const running = pipeline;
  const activeClient = client;
  let stopping: Promise<void> | undefined;
  return {
    url,
    instance,
    metrics,
    logger,
    queue,
    emulator,
    ruleSetVersion: () => holder.active.ruleSet.version,
    readiness,
    reload,
    stop() {
      stopping ??= (async () => {
        accepting = false;
        clearInterval(gaugeTimer);
        holder.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await running.stop(config.shutdownGraceMs);
        await activeClient.close();
        await audit?.close();
        server.closeAllConnections();
        await closed;
        await queue.close();
        await store.close();
        await emulator?.close();
        logger.info('service stopped');
      })();
      return stopping;
    },
  };
}

/** The Redis URL with the password from its secret (the configuration refuses one in the URL). */
function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}
