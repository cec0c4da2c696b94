// @exroute/dispatch/testing: a private redis-server per test or benchmark (loopback, temp dir).

export {
  startRedis,
  hasRedis,
  redisSkipReason,
  redisServerBinary,
  freeLoopbackPort,
  RedisServerStartError,
} from './redis-server.js';
export type { RedisServer, RedisServerOptions } from './redis-server.js';
