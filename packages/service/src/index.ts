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
