import { createHash } from 'node:crypto';
import type { NormalizedEvent, RoutingDecision } from '@exroute/core';
import { MAX_MESSAGE_ID_LENGTH, toNotificationRequests } from '@exroute/notifications';
import type { NotificationRequest } from '@exroute/notifications';
import type { Outgoing } from '@exroute/dispatch';

/** The event fields an outgoing entry keeps, so delivery never needs the events stream. */
export interface OutgoingOrigin {
  source: string;
  id: string;
  correlationId?: string;
  ruleSetVersion: string;
}

/**
 * The key sent to Notifications (`X-MRA-SubmitId`, `options.message_id`): the outgoing key
 * itself, or `exr2-` + its SHA-256 when it is longer than the API allows. Either way the same
 * outgoing key always gives the same wire key.
 */
export function wireKey(key: string): string {
  if (key.length <= MAX_MESSAGE_ID_LENGTH) return key;
  return `exr2-${createHash('sha256').update(key).digest('hex').slice(0, 48)}`;
}

/**
 * Builds the Notifications request of one outgoing notification with the notifications
 * package's mapping; undefined (with the reason) when it cannot be delivered at all.
 */
export function toOutgoingRequest(
  outgoing: Outgoing,
  origin: OutgoingOrigin,
): { request: NotificationRequest } | { problem: string; code: string } {
  const { key, eventIds, reason, digest, escalation, ...notification } = outgoing;
  void eventIds;
  void reason;
  void digest;
  void escalation;
  const decision: RoutingDecision = {
    eventId: origin.id,
    ruleSetVersion: origin.ruleSetVersion,
    matched: [],
    notifications: [notification],
  };
  // Only source, id and correlationId are read by the mapping.
  const event = {
    id: origin.id,
    source: origin.source,
    type: 'exroute.outgoing',
    time: new Date(0).toISOString(),
    data: {},
    ...(origin.correlationId !== undefined ? { correlationId: origin.correlationId } : {}),
  } as NormalizedEvent;
  const mapped = toNotificationRequests(decision, event);
  const request = mapped.requests[0];
  if (request === undefined) {
    const first = mapped.diagnostics[0];
    return {
      code: first?.code ?? 'EXR_DELIVERY_NO_DESTINATIONS',
      problem: first?.message ?? 'nothing to send',
    };
  }
  const sendKey = wireKey(key);
  const body = request.body as { options?: { message_id?: string } };
  if (body.options !== undefined) body.options.message_id = sendKey;
  return { request: { ...request, key: sendKey } };
}
