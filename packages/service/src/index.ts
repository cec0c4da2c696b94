// The public API of @exroute/service: a hand-written list of named exports (types via `export type`).

export { createService } from './create-service.js';
export type { Service, ServiceOptions, Readiness } from './create-service.js';
export {
  loadServiceConfig,
  parseServiceConfig,
  resolveServiceConfig,
  serviceConfigSchema,
} from './config/service-config.js';
export type {
  ServiceConfig,
  ServiceConfigFile,
  SecretSource,
  LogLevel,
  NotificationsEndpoint,
  ResolveOptions,
} from './config/service-config.js';
export { parseDurationMs } from './config/duration.js';
export { ServiceConfigError, ServiceError } from './errors.js';
export type { DispatchFactory } from './dispatch/dispatch-port.js';
export {
  openRedisQueue,
  partitionOf,
  redisQueueOptions,
  CONSUMER_GROUP,
} from './queue/redis-queue.js';
export type { RedisQueueOptions } from './queue/redis-queue.js';
export { createMemoryQueue } from './queue/memory-queue.js';
export { PARTITION_FIELD } from './queue/stream-queue.js';
export type {
  EntryRef,
  StreamQueue,
  StreamName,
  QueueEntry,
  StreamReader,
  StreamStatus,
} from './queue/stream-queue.js';
export { listDeadLetters, showDeadLetter, replayDeadLetter } from './dead-letters.js';
export type { DeadLetterRecord } from './dead-letters.js';
export { wireKey } from './workers/outgoing-request.js';
export type { ReloadOutcome } from './rules/rule-holder.js';
export { AUDIT_STREAM_FIELD, AuditTrail } from './audit/audit-trail.js';
export { RotatingFile, rotatedFiles } from './audit/file-sink.js';
export { auditKeys, openAuditRedis } from './audit/redis-connection.js';
export type { AuditRedis } from './audit/redis-connection.js';
export {
  RULE_ARCHIVE_SCHEMA,
  archiveFileName,
  archiveRuleFiles,
  findRuleArchive,
  ruleSetOfArchive,
  storeRuleArchive,
} from './audit/rule-archive.js';
export type { ArchivedRuleSet, RuleArchiveSources } from './audit/rule-archive.js';
export { explainAudited, queryAuditTrail, readAuditTrail } from './audit/query.js';
export type { AuditSources, AuditedExplanation, RuleVersionSources } from './audit/query.js';
export { findRevisionForVersion } from './audit/git-revisions.js';
export type { AuditConfig } from './config/service-config.js';
export type {
  AuditFilter,
  AuditRecord,
  AuditLineResult,
  DecisionAuditRecord,
  DeliveryAuditRecord,
} from '@exroute/dispatch/audit';
