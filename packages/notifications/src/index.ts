// The public API of @exroute/notifications: a hand-written list of named exports.
// The emulator is a separate entry point: @exroute/notifications/emulator.

export { DeliveryError } from './errors.js';
export type { DeliveryErrorCode } from './errors.js';
export { toNotificationRequests } from './mapping/to-notification-requests.js';
export type {
  NotificationRequest,
  RequestOrigin,
  ToNotificationRequestsOptions,
  NotificationMapping,
} from './mapping/to-notification-requests.js';
export { idempotencyKey, MAX_MESSAGE_ID_LENGTH } from './mapping/idempotency-key.js';
export { SUPPORTED_CHANNELS, OUTBOUND_PATHS } from './mapping/wire-types.js';
export type {
  SupportedChannel,
  OutboundBody,
  EmailSubmitBody,
  SmsSubmitBody,
  FaxSubmitBody,
  WhatsAppTemplateSubmitBody,
  OutboundDocument,
  Insert,
  JobOptions,
  SubmitResponse,
} from './mapping/wire-types.js';
export { createNotificationsClient, redactSecrets } from './delivery/client.js';
export { BatchDelivery } from './delivery/batch-delivery.js';
export type { BatchDeliveryOptions } from './delivery/batch-delivery.js';
export type { NotificationsClient, DeliveryStats } from './delivery/client.js';
export type { NotificationsClientConfig, DeliveryEvent } from './delivery/client-config.js';
export type {
  DeliveryResult,
  DeliveredResult,
  DeadLetteredResult,
  AttemptRecord,
} from './delivery/results.js';
export { fullJitterDelay, parseRetryAfter } from './delivery/retry-policy.js';
export type { BackoffPolicy } from './delivery/retry-policy.js';
export { openFileOutbox } from './durability/outbox.js';
export type {
  Outbox,
  OutboxCompletion,
  OutboxLine,
  FileOutbox,
  FileOutboxOptions,
} from './durability/outbox.js';
export { openFileDeadLetterSink, readDeadLetters } from './durability/dead-letter.js';
export type { DeadLetter, DeadLetterSink, FileDeadLetterSink } from './durability/dead-letter.js';
