import type { NormalizedEvent, RoutingDecision, RuleSet } from '@exroute/core';
import type { Outgoing, Verdict } from '@exroute/dispatch';
import { buildDecisionRecord, buildDeliveryRecord } from '@exroute/dispatch/audit';
import type { AuditRecord, DeliveryOutcome } from '@exroute/dispatch/audit';
import type { Logger } from 'pino';
import type { AuditConfig } from '../config/service-config.js';
import { RotatingFile } from './file-sink.js';
import type { AuditRedis } from './redis-connection.js';
import { auditKeys, openAuditRedis } from './redis-connection.js';
import { archiveRuleFiles, refreshRuleArchive, storeRuleArchive } from './rule-archive.js';

/** The Redis stream field that holds one audit line. */
export const AUDIT_STREAM_FIELD = 'r';

/** How often the stream is trimmed to its retention, and archived versions' TTLs refreshed. */
const HOUSEKEEPING_MS = 60_000;

/**
 * The service's audit trail: builds decision and delivery records and writes each batch to the
 * configured sinks (a rotated file, a capped Redis stream). `write` resolves only when every sink
 * has the batch, and the pipeline calls it before acknowledging the entries the batch came from:
 * a crash can write a record twice (same id), never lose it.
 */
export class AuditTrail {
  readonly #config: AuditConfig;
  readonly #instance: string;
  readonly #logger: Logger;
  readonly #file: RotatingFile | undefined;
  readonly #redis: AuditRedis | undefined;
  readonly #prefix: string | undefined;
  readonly #versions = new Set<string>();
  readonly #timer: NodeJS.Timeout;

  private constructor(
    config: AuditConfig,
    instance: string,
    logger: Logger,
    file: RotatingFile | undefined,
    redis: AuditRedis | undefined,
    prefix: string | undefined,
  ) {
    this.#config = config;
    this.#instance = instance;
    this.#logger = logger;
    this.#file = file;
    this.#redis = redis;
    this.#prefix = prefix;
    this.#timer = setInterval(() => void this.#housekeeping(), HOUSEKEEPING_MS);
    this.#timer.unref();
  }

  /** Opens the sinks of `config` (the Redis one on the service's Redis). */
  static async open(
    config: AuditConfig,
    redis: { url: string; password?: string; prefix: string } | undefined,
    instance: string,
    logger: Logger,
  ): Promise<AuditTrail> {
    const file =
      config.file !== undefined
        ? await RotatingFile.open(config.file.path, config.file.maxBytes, config.file.maxFiles)
        : undefined;
    const connection =
      config.redis !== undefined && redis !== undefined
        ? await openAuditRedis(redis.url, redis.password, (error) =>
            logger.warn({ err: error.message }, 'audit redis connection problem'),
          )
        : undefined;
    return new AuditTrail(config, instance, logger, file, connection, redis?.prefix);
  }

  /** The decision record of one routed and dispatched event. */
  decision(
    event: NormalizedEvent,
    decision: RoutingDecision,
    dispatched: { outgoing: readonly Outgoing[]; verdicts: readonly Verdict[] },
    ruleSet: RuleSet,
    at: Date,
  ): AuditRecord {
    return buildDecisionRecord({
      event,
      decision,
      verdicts: dispatched.verdicts,
      outgoing: dispatched.outgoing,
      at,
      ruleSet,
      eventData: this.#config.eventData,
      instance: this.#instance,
    });
  }

  /** The delivery record of one outgoing message. */
  delivery(
    outgoing: Outgoing,
    result: DeliveryOutcome,
    origin: { ruleSetVersion?: string; correlationId?: string },
  ): AuditRecord {
    return buildDeliveryRecord({
      outgoing,
      result,
      at: new Date(),
      instance: this.#instance,
      ...(origin.ruleSetVersion !== undefined ? { ruleSetVersion: origin.ruleSetVersion } : {}),
      ...(origin.correlationId !== undefined ? { correlationId: origin.correlationId } : {}),
    });
  }

  /** Writes a batch to every sink; rejects when any sink failed (the caller leaves its entries pending). */
  async write(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const lines = records.map((r) => JSON.stringify(r));
    const writes: Promise<unknown>[] = [];
    if (this.#file !== undefined) writes.push(this.#file.append(`${lines.join('\n')}\n`));
    if (
      this.#redis !== undefined &&
      this.#prefix !== undefined &&
      this.#config.redis !== undefined
    ) {
      const key = auditKeys(this.#prefix).stream;
      const cap = String(this.#config.redis.maxLength);
      const multi = this.#redis.multi();
      for (const line of lines)
        multi.addCommand(['XADD', key, 'MAXLEN', '~', cap, '*', AUDIT_STREAM_FIELD, line]);
      writes.push(multi.exec());
    }
    await Promise.all(writes);
  }

  /**
   * Keeps a copy of the rule files of `ruleSet` (read again from `paths`, kept only when they
   * still hash to its version); failures are logged, never thrown: routing goes on.
   */
  async archive(ruleSet: RuleSet, paths: readonly string[]): Promise<void> {
    const { directory, retentionMs } = this.#config.rules;
    if (directory === undefined && this.#redis === undefined) return;
    try {
      const archive = await archiveRuleFiles(paths, ruleSet.version);
      if (archive === undefined) {
        this.#logger.warn(
          { version: ruleSet.version },
          'rule files changed since they were loaded; the reload archives the new version',
        );
        return;
      }
      await storeRuleArchive(archive, {
        ...(directory !== undefined ? { directory } : {}),
        ...(this.#redis !== undefined && this.#prefix !== undefined
          ? { redis: this.#redis, prefix: this.#prefix }
          : {}),
        retentionMs,
      });
      this.#versions.add(ruleSet.version);
    } catch (error) {
      this.#logger.warn(
        { err: error instanceof Error ? error.message : String(error), version: ruleSet.version },
        'could not archive the rule files for the audit trail',
      );
    }
  }

  async #housekeeping(): Promise<void> {
    const redis = this.#redis;
    const prefix = this.#prefix;
    if (redis === undefined || prefix === undefined || this.#config.redis === undefined) return;
    try {
      const oldest = Date.now() - this.#config.redis.retentionMs;
      await redis.sendCommand(['XTRIM', auditKeys(prefix).stream, 'MINID', '~', String(oldest)]);
      for (const version of this.#versions)
        await refreshRuleArchive(redis, prefix, version, this.#config.rules.retentionMs);
    } catch (error) {
      this.#logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'audit housekeeping failed; it runs again',
      );
    }
  }

  /** Flushes and closes the sinks. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#file?.close();
    this.#redis?.destroy();
  }
}
