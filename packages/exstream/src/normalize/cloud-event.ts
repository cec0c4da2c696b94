import { KNOWN_EVENT_TYPES } from '@exroute/core';
import type { NormalizedEvent, Priority } from '@exroute/core';
import { DEFAULT_MAPPING } from '../mapping/default-mapping.js';
import { isPriority, resolveMappedFields } from '../mapping/resolve-fields.js';
import type { MappedFields } from '../mapping/model.js';
import { FieldReader, clip, describe } from '../raw/field-reader.js';
import { childPointer } from '../raw/json-pointer.js';
import { isPlainRecord } from '../raw/raw-structure.js';
import { buildEvent, compact } from './build-event.js';
import type { NormalizeOptions } from './options.js';
import { requireRawRecord } from './require-raw-record.js';

/** A CloudEvents 1.0 event in structured JSON mode; extension attributes sit beside the context ones. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time?: string;
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  data_base64?: string;
  /** Extension attributes: lower-case a-z0-9 names, scalar values. */
  [extension: string]: unknown;
}

/**
 * The `type` prefix of events exroute itself emits (`exroute.delivery.failed`). CloudEvents
 * recommends a reverse-DNS prefix; exroute owns no domain name, so it uses its own name.
 */
export const EXROUTE_CLOUDEVENT_PREFIX = 'exroute.';

/** Prefix OpenText services may use for the same event types (`com.opentext.exstream.batch.failed`). */
const OPENTEXT_EXSTREAM_PREFIX = 'com.opentext.exstream.';

/**
 * exroute fields carried as CloudEvents extension attributes. Names follow the CloudEvents naming
 * rule (lower-case a-z and 0-9 only, at most 20 characters); `correlationid` is the one defined
 * by the CloudEvents correlation extension.
 */
export const CLOUDEVENT_EXTENSIONS = {
  priority: 'exroutepriority',
  documentType: 'exroutedoctype',
  region: 'exrouteregion',
  channel: 'exroutechannel',
  tenant: 'exroutetenant',
  correlationId: 'correlationid',
} as const;

const CONTEXT_ATTRIBUTES = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'datacontenttype',
  'dataschema',
  'data',
  'data_base64',
]);
const EXROUTE_ATTRIBUTES = new Set<string>(Object.values(CLOUDEVENT_EXTENSIONS));
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const KNOWN_TYPES = new Set<string>(KNOWN_EVENT_TYPES);

/**
 * Normalizes a CloudEvents 1.0 structured-JSON event from Exstream or any other service: events of
 * a known exroute type keep it (bare, `exroute.`- or `com.opentext.exstream.`-prefixed); every other
 * type becomes `service.alert` with the original type, source, id, severity and payload in `data`.
 */
export function normalizeCloudEvent(raw: unknown, options: NormalizeOptions = {}): NormalizedEvent {
  return normalizeCloudEventRecord(
    requireRawRecord(raw, 'a CloudEvent in structured JSON mode'),
    options,
  );
}

/** The CloudEvents normalizer after the structural checks (shared with `normalize`). */
export function normalizeCloudEventRecord(
  raw: Record<string, unknown>,
  options: NormalizeOptions,
): NormalizedEvent {
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const reader = new FieldReader();
  if (raw.specversion !== '1.0') {
    reader.report(
      'EXR_UNSUPPORTED_SPECVERSION',
      '/specversion',
      `only CloudEvents specversion "1.0" is supported, got ${describe(raw.specversion)}`,
    );
  }
  const id = reader.requiredString(raw, 'id', '');
  const source = reader.requiredString(raw, 'source', '');
  const ceType = reader.requiredString(raw, 'type', '');
  const time = reader.optionalTime(raw, 'time', '');
  if (time === undefined && !reader.reported('/time')) {
    reader.missing(
      '/time',
      "attribute 'time'",
      'exroute needs the occurrence time: set the CloudEvents time attribute',
    );
  }
  const subject = reader.optionalString(raw, 'subject', '');
  const contentType = reader.optionalString(raw, 'datacontenttype', '');
  reader.optionalString(raw, 'dataschema', '');
  const dataBase64 = reader.optionalString(raw, 'data_base64', '');
  if (raw.data !== undefined && dataBase64 !== undefined) {
    reader.invalid('/data_base64', 'a CloudEvent carries either data or data_base64, not both');
  }
  const extensions: Record<string, string | number | boolean> = {};
  for (const name of Object.keys(raw)) {
    if (CONTEXT_ATTRIBUTES.has(name)) continue;
    const value = raw[name];
    if (!ATTRIBUTE_NAME.test(name)) {
      reader.invalid(
        childPointer('', name),
        `CloudEvents attribute name '${clip(name)}' must use only lower-case letters a-z and digits 0-9`,
      );
    } else if (
      typeof value !== 'string' &&
      typeof value !== 'number' &&
      typeof value !== 'boolean'
    ) {
      reader.invalid(
        childPointer('', name),
        `extension attribute '${name}' must be a string, number or boolean, got ${describe(value)}`,
      );
    } else if (!EXROUTE_ATTRIBUTES.has(name)) {
      extensions[name] = value;
    }
  }
  const explicit = readExrouteExtensions(reader, raw);
  const resolvedType = ceType === undefined ? undefined : resolveType(ceType);
  const isJson =
    contentType === undefined || /^application\/([\w.+-]*\+)?json(\s*;.*)?$/i.test(contentType);
  if (
    resolvedType !== undefined &&
    resolvedType.kind !== 'alert' &&
    raw.data !== undefined &&
    !(isJson && isPlainRecord(raw.data))
  ) {
    reader.invalid('/data', `data of a '${resolvedType.type}' event must be a JSON object`);
  }
  reader.throwIfFailed();
  if (
    id === undefined ||
    source === undefined ||
    ceType === undefined ||
    time === undefined ||
    resolvedType === undefined
  ) {
    return reader.fail();
  }

  const correlationId =
    typeof raw.correlationid === 'string' && raw.correlationid !== ''
      ? raw.correlationid
      : undefined;
  const channel =
    typeof raw.exroutechannel === 'string' && raw.exroutechannel !== ''
      ? raw.exroutechannel
      : undefined;
  let type: string;
  let data: Record<string, unknown>;
  let fields: MappedFields;
  if (resolvedType.kind === 'alert') {
    type = 'service.alert';
    const severity = severityOf(raw);
    if (explicit.priority === undefined && severity?.priority !== undefined)
      explicit.priority = severity.priority;
    data = compact({
      originType: ceType,
      originSource: source,
      originId: id,
      severity: severity?.label,
      payload: raw.data === undefined ? (dataBase64 === undefined ? null : undefined) : raw.data,
      payloadBase64: dataBase64,
      datacontenttype: contentType,
      extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
    });
  } else {
    type = resolvedType.type;
    data = isPlainRecord(raw.data) ? { ...raw.data } : {};
  }
  if (resolvedType.kind === 'exroute') {
    // Already normalized by exroute (toCloudEvent): its fields are final, a mapping must not re-derive them.
    fields = explicit;
  } else {
    fields = resolveMappedFields(
      mapping,
      { eventType: type, source, channel, tenant: explicit.tenant },
      { explicit, reader, manifestPointer: '' },
    );
  }
  reader.throwIfFailed();
  return buildEvent({ id, source, type, time, fields, channel, subject, correlationId, data });
}

/**
 * The CloudEvents 1.0 structured-JSON form of a NormalizedEvent: `type` becomes
 * `exroute.<type>`, exroute fields travel as the extension attributes in `CLOUDEVENT_EXTENSIONS`,
 * and `normalizeCloudEvent` turns the result back into an equal event.
 */
export function toCloudEvent(event: NormalizedEvent): CloudEvent {
  const cloudEvent: CloudEvent = {
    specversion: '1.0',
    id: event.id,
    source: event.source,
    type: `${EXROUTE_CLOUDEVENT_PREFIX}${event.type}`,
    time: event.time,
    datacontenttype: 'application/json',
  };
  if (event.subject !== undefined) cloudEvent.subject = event.subject;
  if (event.priority !== undefined) cloudEvent[CLOUDEVENT_EXTENSIONS.priority] = event.priority;
  if (event.documentType !== undefined)
    cloudEvent[CLOUDEVENT_EXTENSIONS.documentType] = event.documentType;
  if (event.region !== undefined) cloudEvent[CLOUDEVENT_EXTENSIONS.region] = event.region;
  if (event.channel !== undefined) cloudEvent[CLOUDEVENT_EXTENSIONS.channel] = event.channel;
  if (event.tenant !== undefined) cloudEvent[CLOUDEVENT_EXTENSIONS.tenant] = event.tenant;
  if (event.correlationId !== undefined)
    cloudEvent[CLOUDEVENT_EXTENSIONS.correlationId] = event.correlationId;
  cloudEvent.data = event.data;
  return cloudEvent;
}

type ResolvedType = { kind: 'exroute' | 'known'; type: string } | { kind: 'alert' };

function resolveType(ceType: string): ResolvedType {
  if (ceType.startsWith(EXROUTE_CLOUDEVENT_PREFIX)) {
    const rest = ceType.slice(EXROUTE_CLOUDEVENT_PREFIX.length);
    if (EVENT_TYPE.test(rest)) return { kind: 'exroute', type: rest };
  }
  if (KNOWN_TYPES.has(ceType)) return { kind: 'known', type: ceType };
  if (ceType.startsWith(OPENTEXT_EXSTREAM_PREFIX)) {
    const rest = ceType.slice(OPENTEXT_EXSTREAM_PREFIX.length);
    if (KNOWN_TYPES.has(rest)) return { kind: 'known', type: rest };
  }
  return { kind: 'alert' };
}

function readExrouteExtensions(reader: FieldReader, raw: Record<string, unknown>): MappedFields {
  const fields: MappedFields = {};
  const priority = raw[CLOUDEVENT_EXTENSIONS.priority];
  if (priority !== undefined) {
    if (isPriority(priority)) fields.priority = priority;
    else {
      reader.invalid(
        `/${CLOUDEVENT_EXTENSIONS.priority}`,
        `'${CLOUDEVENT_EXTENSIONS.priority}' must be low, normal, high or critical, got ${describe(priority)}`,
      );
    }
  }
  for (const field of ['documentType', 'region', 'tenant'] as const) {
    const value = raw[CLOUDEVENT_EXTENSIONS[field]];
    if (typeof value === 'string' && value !== '') fields[field] = value;
  }
  return fields;
}

/**
 * Priority from the CloudEvents severity extension (OpenTelemetry levels): `severitynumber`
 * 21-24 (FATAL) → critical, 17-20 (ERROR) → high, 13-16 (WARN) → normal, 1-12 (INFO and below)
 * → low; `severitytext` by name when no number is given.
 */
function severityOf(
  raw: Record<string, unknown>,
): { label: string; priority?: Priority } | undefined {
  const text = typeof raw.severitytext === 'string' ? raw.severitytext : undefined;
  const number = typeof raw.severitynumber === 'number' ? raw.severitynumber : undefined;
  if (number !== undefined && Number.isInteger(number) && number >= 1 && number <= 24) {
    const priority: Priority =
      number >= 21 ? 'critical' : number >= 17 ? 'high' : number >= 13 ? 'normal' : 'low';
    return { label: text ?? priority, priority };
  }
  if (text === undefined) return undefined;
  const name = text.toUpperCase();
  const byName: Readonly<Record<string, Priority>> = {
    FATAL: 'critical',
    CRITICAL: 'critical',
    ERROR: 'high',
    WARN: 'normal',
    WARNING: 'normal',
    INFO: 'low',
    DEBUG: 'low',
    TRACE: 'low',
  };
  const priority = Object.prototype.hasOwnProperty.call(byName, name) ? byName[name] : undefined;
  return priority === undefined ? { label: text } : { label: text, priority };
}
