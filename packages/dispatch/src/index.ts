// The public API of @exroute/dispatch: a hand-written list of named exports (types via `export type`).

export { createDispatcher } from './dispatcher.js';
export type { DispatcherOptions } from './dispatcher.js';
export { DispatchError } from './errors.js';
export { MAX_SILENCE_MS, compileSilenceMatcher } from './silence/silence-book.js';
export type { DispatchErrorCode } from './errors.js';
export type {
  Dispatcher,
  Outgoing,
  OutgoingReason,
  PersistOutgoing,
  OutgoingDigest,
  Verdict,
  VerdictBase,
  VerdictKind,
  Silence,
  SilenceRequest,
} from './types.js';
export { createMemoryStore } from './store/memory-store.js';
export { createRedisStore } from './store/redis-store.js';
export type { RedisStoreOptions } from './store/redis-store.js';
export { MIN_TTL_MS, GROUP_EXPIRY_GRACE_MS } from './store/state-store.js';
export type {
  StateStore,
  GroupTiming,
  GroupItem,
  AddGroupItemInput,
  AddGroupItemResult,
  FlushGroupResult,
  DueEntry,
  StartEscalationInput,
  EscalationState,
  AdvanceEscalationResult,
  SilenceRecord,
  ClaimRef,
  TakeDeferredResult,
} from './store/state-store.js';
