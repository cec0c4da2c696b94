import type {
  Diagnostic,
  NormalizedEvent,
  RoutedNotification,
  RoutingDecision,
} from '@exroute/core';
import { idempotencyKey } from './idempotency-key.js';
import { OUTBOUND_PATHS, SUPPORTED_CHANNELS } from './wire-types.js';
import type {
  Insert,
  JobOptions,
  OutboundBody,
  OutboundDocument,
  SupportedChannel,
} from './wire-types.js';

/** One HTTP submission to OpenText Notifications: a job on one channel for every destination. */
export interface NotificationRequest {
  /** Idempotency key, sent as `X-MRA-SubmitId` and `options.message_id`; stable per (event, template, channel). */
  key: string;
  channel: SupportedChannel;
  /** Endpoint path below the API host, e.g. `/mra/v1/outbound/emails`. */
  path: string;
  body: OutboundBody;
  /** Where the request came from, kept in dead letters and the outbox for audits. */
  origin: RequestOrigin;
  /** Copied from the decision; the client does not wait for it — schedule `send` yourself. */
  sendAt?: string;
  dueAt?: string;
  severity?: string;
}

/** The event, template and rules that produced a request. */
export interface RequestOrigin {
  eventSource: string;
  eventId: string;
  template: string;
  templateId: string;
  ruleIds: string[];
  ruleSetVersion: string;
}

/** Tunables of {@link toNotificationRequests}; all optional. */
export interface ToNotificationRequestsOptions {
  /** `options.billing_code` on every job. */
  billingCode?: string;
  /** `email_options.from_display_name` on email jobs. */
  fromDisplayName?: string;
  /**
   * How `inserts[].id` is written: `position` (1, 2, … in the template's param order, like the API
   * reference example) or `name` (the param name). Default `position`.
   */
  insertIds?: 'position' | 'name';
  /** WhatsApp template language; default `en`. */
  whatsappLanguage?: string;
}

/** What {@link toNotificationRequests} produced, plus warnings for notifications it could not map. */
export interface NotificationMapping {
  requests: NotificationRequest[];
  /** `EXR_DELIVERY_UNSUPPORTED_CHANNEL`, `EXR_DELIVERY_NO_DESTINATIONS`, `EXR_DELIVERY_INVALID_ADDRESS`. */
  diagnostics: Diagnostic[];
}

const EMAIL_ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const PHONE_NUMBER = /^\+?[0-9][0-9 ()./-]{3,30}$/;

/**
 * Turns a routing decision into Notifications requests without any I/O: one request per
 * (template, channel) carrying every destination, in decision order. Notifications that cannot be
 * sent (unsupported channel, no valid address) produce a warning diagnostic instead of a request,
 * so nothing disappears silently.
 */
export function toNotificationRequests(
  decision: RoutingDecision,
  event: NormalizedEvent,
  options: ToNotificationRequestsOptions = {},
): NotificationMapping {
  const requests: NotificationRequest[] = [];
  const diagnostics: Diagnostic[] = [];
  decision.notifications.forEach((notification, index) => {
    const pointer = `/notifications/${index}`;
    if (!isSupportedChannel(notification.channel)) {
      diagnostics.push({
        code: 'EXR_DELIVERY_UNSUPPORTED_CHANNEL',
        severity: 'warning',
        message: `channel '${notification.channel}' of template '${notification.template}' has no OpenText Notifications endpoint; use one of ${SUPPORTED_CHANNELS.join(', ')}`,
        pointer: `${pointer}/channel`,
      });
      return;
    }
    const channel = notification.channel;
    const destinations = collectDestinations(notification, channel, pointer, diagnostics);
    if (destinations.length === 0) {
      diagnostics.push({
        code: 'EXR_DELIVERY_NO_DESTINATIONS',
        severity: 'warning',
        message: `template '${notification.template}' on ${channel} has no deliverable address; add a ${channel} address to the recipients`,
        pointer: `${pointer}/recipients`,
      });
      return;
    }
    const key = idempotencyKey(event.source, event.id, notification.template, channel);
    const jobOptions: JobOptions = {
      message_id: key,
      ...(options.billingCode !== undefined ? { billing_code: options.billingCode } : {}),
      ...(event.correlationId !== undefined ? { customer_reference: event.correlationId } : {}),
    };
    requests.push({
      key,
      channel,
      path: OUTBOUND_PATHS[channel],
      body: buildBody(channel, notification, destinations, jobOptions, options),
      origin: {
        eventSource: event.source,
        eventId: event.id,
        template: notification.template,
        templateId: notification.templateId,
        ruleIds: [...notification.ruleIds],
        ruleSetVersion: decision.ruleSetVersion,
      },
      ...(notification.sendAt !== undefined ? { sendAt: notification.sendAt } : {}),
      ...(notification.dueAt !== undefined ? { dueAt: notification.dueAt } : {}),
      ...(notification.severity !== undefined ? { severity: notification.severity } : {}),
    });
  });
  return { requests, diagnostics };
}

function isSupportedChannel(channel: string): channel is SupportedChannel {
  return (SUPPORTED_CHANNELS as readonly string[]).includes(channel);
}

interface Destination {
  ref: string;
  address: string;
}

function collectDestinations(
  notification: RoutedNotification,
  channel: SupportedChannel,
  pointer: string,
  diagnostics: Diagnostic[],
): Destination[] {
  const valid = channel === 'email' ? EMAIL_ADDRESS : PHONE_NUMBER;
  const refsSeen = new Map<string, number>();
  const destinations: Destination[] = [];
  notification.recipients.forEach((recipient, i) => {
    if (!valid.test(recipient.address)) {
      diagnostics.push({
        code: 'EXR_DELIVERY_INVALID_ADDRESS',
        severity: 'warning',
        message: `recipient '${recipient.key}' has an address that is not a valid ${channel} address; it was left out — fix it in the recipient directory`,
        pointer: `${pointer}/recipients/${i}/address`,
      });
      return;
    }
    // `ref` identifies the destination in status reports; a key with several addresses gets #2, #3 …
    const seen = (refsSeen.get(recipient.key) ?? 0) + 1;
    refsSeen.set(recipient.key, seen);
    destinations.push({
      ref: seen === 1 ? recipient.key : `${recipient.key}#${seen}`,
      address: recipient.address,
    });
  });
  return destinations;
}

function buildBody(
  channel: SupportedChannel,
  notification: RoutedNotification,
  destinations: Destination[],
  jobOptions: JobOptions,
  options: ToNotificationRequestsOptions,
): OutboundBody {
  switch (channel) {
    case 'email': {
      const inserts = toInserts(notification.params, options.insertIds ?? 'position');
      return {
        destinations: destinations.map((d) => ({ ref: d.ref, email: d.address, inserts })),
        body: [textDocument(notification, 'UTF-8')],
        options: {
          ...jobOptions,
          email_options: {
            ...(notification.subject !== undefined ? { subject: notification.subject } : {}),
            ...(options.fromDisplayName !== undefined
              ? { from_display_name: options.fromDisplayName }
              : {}),
          },
        },
      };
    }
    case 'sms':
      return {
        destinations: destinations.map((d) => ({ ref: d.ref, sms: d.address })),
        sms_text: renderText(notification),
        options: jobOptions,
      };
    case 'fax':
      return {
        destinations: destinations.map((d) => ({ ref: d.ref, fax: d.address })),
        documents: [textDocument(notification)],
        options: jobOptions,
      };
    case 'whatsapp': {
      const parameters: Record<string, string> = {};
      Object.values(notification.params).forEach((value, i) => {
        parameters[`body[${i + 1}]text`] = value;
      });
      return {
        destinations: destinations.map((d) => ({ ref: d.ref, whatsapp: d.address })),
        whatsapp_template_message: {
          template_message: {
            channel_template: {
              WHATSAPP: {
                template_id: notification.templateId,
                language_code: options.whatsappLanguage ?? 'en',
                parameters,
              },
            },
          },
        },
        options: jobOptions,
      };
    }
  }
}

function toInserts(params: Record<string, string>, style: 'position' | 'name'): Insert[] {
  return Object.entries(params).map(([name, value], i) => ({
    id: style === 'position' ? i + 1 : name,
    value,
  }));
}

/** Subject line, then one `name: value` line per param: readable even without a server template. */
function renderText(notification: RoutedNotification): string {
  // Never empty: the API rejects an empty document or SMS text.
  const heading = [notification.subject, notification.templateId, notification.template].find(
    (candidate) => candidate !== undefined && candidate.trim() !== '',
  );
  const lines = [heading ?? 'notification'];
  for (const [name, value] of Object.entries(notification.params)) lines.push(`${name}: ${value}`);
  return lines.join('\n');
}

function textDocument(notification: RoutedNotification, charset?: string): OutboundDocument {
  return {
    name: `${notification.templateId}.txt`,
    type: 'text',
    ...(charset !== undefined ? { charset } : {}),
    data: Buffer.from(renderText(notification), 'utf8').toString('base64'),
  };
}
