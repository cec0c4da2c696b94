import type { NormalizedEvent } from '@exroute/core';
import { DEFAULT_MAPPING } from '../mapping/default-mapping.js';
import { channelFromName } from '../mapping/channel-name.js';
import { readManifestField, resolveMappedFields } from '../mapping/resolve-fields.js';
import { FieldReader, clip } from '../raw/field-reader.js';
import { remembered } from '../raw/remembered.js';
import { contentHashId } from '../raw/stable-id.js';
import { buildEvent } from './build-event.js';
import type { NormalizeOptions } from './options.js';
import { requireRawRecord } from './require-raw-record.js';

const SCHEMA_TYPE_PREFIX = 'Exstream-';

// Output-manifest field names read for every tracking event (constants: no array per call).
const DELIVERY_PREFERENCE = ['DeliveryPreference'] as const;
const QUEUE_FILENAME = ['QueueFilename'] as const;
const CUSTOMER_EMAIL = ['CustomerEmail'] as const;

/**
 * OpenText Notifications feedback codes that arrive as `Exstream-Email-<status>`. `POST` and `OPEN`
 * are documented as posted / opened; `NDLV` as not delivered. Any other code is refused rather
 * than guessed, because its meaning (delivered or not) is unknown.
 */
const NOTIFICATIONS_FEEDBACK: Readonly<Record<string, { delivered: boolean; meaning: string }>> = {
  POST: { delivered: true, meaning: 'posted' },
  OPEN: { delivered: true, meaning: 'opened' },
  NDLV: { delivered: false, meaning: 'not delivered' },
};

/** What a `schemaType` says happened. */
export type SchemaTypeMeaning =
  | { kind: 'generated' }
  | {
      kind: 'delivered';
      channelName: string;
      stage: 'submitted' | 'delivered' | 'posted' | 'opened';
    }
  | { kind: 'failed'; channelName: string; notificationsStatus?: string; reason: string };

/**
 * Classifies an Experience Insights `schemaType`: `Exstream-Generated`, `Exstream-Email-Submit`,
 * `Exstream-Email-<POST|OPEN|NDLV>`, `Exstream-<channel>-Failed` and `Exstream-<channel>`;
 * `undefined` for anything else. The result is frozen and may be shared between calls.
 */
export function classifySchemaType(schemaType: string): SchemaTypeMeaning | undefined {
  return knownSchemaType(schemaType);
}

const knownSchemaType = remembered((schemaType) => {
  const meaning = classifyUncached(schemaType);
  return meaning === undefined ? undefined : Object.freeze(meaning);
});

function classifyUncached(schemaType: string): SchemaTypeMeaning | undefined {
  if (!schemaType.startsWith(SCHEMA_TYPE_PREFIX)) return undefined;
  const rest = schemaType.slice(SCHEMA_TYPE_PREFIX.length);
  if (rest === '' || /\s/.test(rest)) return undefined;
  if (rest === 'Generated') return { kind: 'generated' };
  if (rest.endsWith('-Failed')) {
    const channelName = rest.slice(0, -'-Failed'.length);
    if (channelName === '') return undefined;
    return {
      kind: 'failed',
      channelName,
      reason: `delivery through output channel '${channelName}' failed`,
    };
  }
  if (rest === 'Email-Submit')
    return { kind: 'delivered', channelName: 'Email', stage: 'submitted' };
  const feedback = /^Email-([A-Z]{2,12})$/.exec(rest);
  if (feedback) {
    const status = feedback[1]!;
    const known = Object.prototype.hasOwnProperty.call(NOTIFICATIONS_FEEDBACK, status)
      ? NOTIFICATIONS_FEEDBACK[status]
      : undefined;
    if (known === undefined) return undefined;
    if (known.delivered) {
      return {
        kind: 'delivered',
        channelName: 'Email',
        stage: status === 'POST' ? 'posted' : 'opened',
      };
    }
    return {
      kind: 'failed',
      channelName: 'Email',
      notificationsStatus: status,
      reason: `${known.meaning} (OpenText Notifications status ${status})`,
    };
  }
  return { kind: 'delivered', channelName: rest, stage: 'delivered' };
}

/**
 * Normalizes an Exstream tracking event (the JSON Orchestration sends to Core Experience Insights:
 * `expctr` envelope + `exstreamJob` or `exstreamEmailStatistics` + `user` output-manifest fields)
 * into `communication.generated`, `delivery.completed` or `delivery.failed`; throws
 * NormalizationError for anything else.
 */
export function normalizeTrackingEvent(
  raw: unknown,
  options: NormalizeOptions = {},
): NormalizedEvent {
  return normalizeTrackingRecord(requireRawRecord(raw, 'a tracking event'), options);
}

/** The tracking normalizer after the structural checks (shared with `normalize`). */
export function normalizeTrackingRecord(
  raw: Record<string, unknown>,
  options: NormalizeOptions,
): NormalizedEvent {
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const reader = new FieldReader();
  const expctr = reader.requiredObject(raw, 'expctr', '');
  const job = reader.optionalObject(raw, 'exstreamJob', '');
  const email = reader.optionalObject(raw, 'exstreamEmailStatistics', '');
  const user = reader.optionalObject(raw, 'user', '');
  if (job !== undefined && email !== undefined) {
    reader.report(
      'EXR_AMBIGUOUS_SHAPE',
      '',
      'a tracking event carries either exstreamJob or exstreamEmailStatistics, not both',
    );
  } else if (
    job === undefined &&
    email === undefined &&
    !reader.reported('/exstreamJob') &&
    !reader.reported('/exstreamEmailStatistics')
  ) {
    reader.missing('/exstreamJob', "object 'exstreamJob' or 'exstreamEmailStatistics'");
  }
  reader.throwIfFailed();
  if (expctr === undefined) return reader.fail();

  const schemaType = reader.requiredString(expctr, 'schemaType', '/expctr');
  const rawTenant = reader.requiredString(expctr, 'tenant', '/expctr');
  const eventId = reader.optionalString(expctr, 'eventId', '/expctr');
  const eventDate = reader.optionalTime(expctr, 'eventDate', '/expctr');
  const schemaVersion = reader.optionalString(expctr, 'schemaVersion', '/expctr');
  const schemaSource = reader.optionalString(expctr, 'schemaSource', '/expctr');

  const body = job ?? email ?? {};
  const bodyPointer = job !== undefined ? '/exstreamJob' : '/exstreamEmailStatistics';
  const communicationId = reader.optionalString(body, 'communicationId', bodyPointer);
  const campaignId = reader.optionalString(body, 'campaignId', bodyPointer);
  const domain = reader.optionalString(body, 'domain', bodyPointer);
  const creationTime = reader.optionalTime(body, 'creationTime', bodyPointer);
  const contentType = job ? reader.optionalString(job, 'contentType', '/exstreamJob') : undefined;
  const jobStatus = job ? reader.optionalString(job, 'status', '/exstreamJob') : undefined;
  const emailProvider = email
    ? reader.optionalString(email, 'emailProvider', '/exstreamEmailStatistics')
    : undefined;
  const customerEmailId = email
    ? reader.optionalString(email, 'customerEmailId', '/exstreamEmailStatistics')
    : undefined;
  const emailEventType = email
    ? reader.optionalString(email, 'eventType', '/exstreamEmailStatistics')
    : undefined;

  const meaning = schemaType === undefined ? undefined : classifySchemaType(schemaType);
  if (schemaType !== undefined && meaning === undefined) {
    reader.report(
      'EXR_UNKNOWN_SCHEMA_TYPE',
      '/expctr/schemaType',
      `schemaType '${clip(schemaType)}' is not one Exstream documents for tracking events`,
      'expected Exstream-Generated, Exstream-Email-Submit, Exstream-Email-POST|OPEN|NDLV, Exstream-<channel> or Exstream-<channel>-Failed',
    );
  }
  const time = eventDate ?? creationTime;
  if (time === undefined && !reader.diagnostics.some((d) => d.code === 'EXR_INVALID_TIME')) {
    reader.missing(
      '/expctr/eventDate',
      "timestamp 'expctr.eventDate' (or the body's 'creationTime')",
    );
  }
  reader.throwIfFailed();
  if (meaning === undefined || rawTenant === undefined || time === undefined) return reader.fail();

  const type =
    meaning.kind === 'generated'
      ? 'communication.generated'
      : meaning.kind === 'delivered'
        ? 'delivery.completed'
        : 'delivery.failed';
  const source = `exstream/${rawTenant}`;
  const manifest = user ?? {};
  const channelName =
    meaning.kind === 'generated'
      ? readManifestField(manifest, DELIVERY_PREFERENCE)
      : meaning.channelName;
  const channel = channelName === undefined ? undefined : channelFromName(channelName, mapping);
  const fields = resolveMappedFields(
    mapping,
    {
      eventType: type,
      source,
      schemaType,
      communicationId,
      campaignId,
      domain,
      tenant: rawTenant,
      channel,
      channelName,
      manifest,
    },
    { fallback: { tenant: rawTenant }, reader, manifestPointer: '/user' },
  );
  reader.throwIfFailed();

  const customerReference = readManifestField(manifest, mapping.fromManifest.customerReference);
  const queueFilename = readManifestField(manifest, QUEUE_FILENAME);
  const jobId = queueFilename === undefined ? undefined : jobIdFromQueueFilename(queueFilename);
  const recipient = customerEmailId ?? readManifestField(manifest, CUSTOMER_EMAIL);

  // Assigned field by field with named stores (absent ones left out, so `data` stays plain JSON)
  // rather than spread from a shared literal and compacted: this runs for nearly every event.
  const data: Record<string, unknown> = {};
  if (meaning.kind === 'failed') {
    data.customerReference = customerReference ?? null;
    data.communicationType = fields.documentType ?? communicationId ?? null;
    data.failureReason = meaning.reason;
    data.nextAction = nextActionFor(channel);
    const notificationsStatus = meaning.notificationsStatus ?? emailEventType;
    if (notificationsStatus !== undefined) data.notificationsStatus = notificationsStatus;
  } else if (meaning.kind === 'delivered') {
    data.deliveryStage = meaning.stage;
    if (customerReference !== undefined) data.customerReference = customerReference;
    if (emailEventType !== undefined) data.notificationsStatus = emailEventType;
  } else if (customerReference !== undefined) {
    data.customerReference = customerReference;
  }
  if (schemaType !== undefined) data.schemaType = schemaType;
  if (schemaSource !== undefined) data.schemaSource = schemaSource;
  if (schemaVersion !== undefined) data.schemaVersion = schemaVersion;
  if (communicationId !== undefined) data.communicationId = communicationId;
  if (campaignId !== undefined) data.campaignId = campaignId;
  if (domain !== undefined) data.domain = domain;
  if (channelName !== undefined) data.channelName = channelName;
  if (contentType !== undefined) data.contentType = contentType;
  if (creationTime !== undefined) data.creationTime = creationTime;
  if (jobStatus !== undefined) data.jobStatus = jobStatus;
  if (emailProvider !== undefined) data.emailProvider = emailProvider;
  if (recipient !== undefined) data.recipient = maskAddress(recipient);
  if (queueFilename !== undefined) data.queueFilename = queueFilename;
  if (jobId !== undefined) data.jobId = jobId;
  data.manifest = { ...manifest };
  return buildEvent({
    id: eventId ?? contentHashId(raw),
    source,
    type,
    time,
    fields,
    channel,
    subject: communicationId,
    correlationId: jobId,
    data,
  });
}

/**
 * The orchestration job id inside an output-queue path such as
 * `/mnt/nfs/<env>/<domain>/jobs/<jobId>/<flowInstance>/docgen/…` (layout seen in the Exstream
 * sample; inferred, not documented as stable).
 */
export function jobIdFromQueueFilename(path: string): string | undefined {
  // indexOf, not a regular expression (/\/jobs\/([^/]+)\//, which a property test compares it
  // with): this runs for nearly every tracking event.
  for (let at = path.indexOf('/jobs/'); at >= 0; at = path.indexOf('/jobs/', at + 1)) {
    const start = at + '/jobs/'.length;
    const end = path.indexOf('/', start);
    if (end < 0) return undefined;
    if (end > start) return path.slice(start, end);
  }
  return undefined;
}

/**
 * The recommended next step after a failed delivery: electronic channels fall back to another
 * channel (the customer may not have received a regulated notice), output channels are retried.
 */
export function nextActionFor(channel: string | undefined): string {
  switch (channel) {
    case 'email':
    case 'sms':
    case 'whatsapp':
    case 'fax':
    case 'mobile':
      return 'resend-via-alternate-channel';
    case undefined:
    default:
      return 'retry-delivery';
  }
}

/** `jo***@example.com`: enough to recognise an address in an alert without spreading it. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return `${address.slice(0, 2)}***`;
  return `${address.slice(0, Math.min(2, at))}***${address.slice(at)}`;
}
