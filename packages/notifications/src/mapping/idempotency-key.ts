import { createHash } from 'node:crypto';

/** Upper bound the API documents for `options.message_id`; keys are always shorter. */
export const MAX_MESSAGE_ID_LENGTH = 80;

/**
 * The idempotency key of one (event, template, channel): `exr1-` + 48 hex chars of SHA-256
 * over the JSON array `[source, id, template, channel]`. Routing the same event again —
 * even with a newer rule set — yields the same key, so the receiver can drop the duplicate.
 */
export function idempotencyKey(
  eventSource: string,
  eventId: string,
  template: string,
  channel: string,
): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([eventSource, eventId, template, channel]))
    .digest('hex');
  return `exr1-${digest.slice(0, 48)}`;
}
