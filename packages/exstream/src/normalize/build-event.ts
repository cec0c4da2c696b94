import type { NormalizedEvent } from '@exroute/core';
import type { MappedFields } from '../mapping/model.js';

/** The parts of a NormalizedEvent a normalizer computes; optional ones may be undefined. */
export interface EventParts {
  id: string;
  source: string;
  type: string;
  time: string;
  fields: MappedFields;
  channel?: string | undefined;
  subject?: string | undefined;
  correlationId?: string | undefined;
  data: Record<string, unknown>;
}

/** Assembles a NormalizedEvent, leaving out absent optional fields (the schema is closed and exact). */
export function buildEvent(parts: EventParts): NormalizedEvent {
  const { documentType, priority, region, tenant } = parts.fields;
  // Built in reading order (data last) so printed events and docs are easy to scan; assigned
  // one by one because conditional spreads allocated a throwaway object per field per event.
  const event: NormalizedEvent = {
    id: parts.id,
    source: parts.source,
    type: parts.type,
    time: parts.time,
  } as NormalizedEvent;
  if (priority !== undefined) event.priority = priority;
  if (documentType !== undefined) event.documentType = documentType;
  if (region !== undefined) event.region = region;
  if (parts.channel !== undefined) event.channel = parts.channel;
  if (tenant !== undefined) event.tenant = tenant;
  if (parts.subject !== undefined) event.subject = parts.subject;
  if (parts.correlationId !== undefined) event.correlationId = parts.correlationId;
  event.data = parts.data;
  return event;
}

/** A copy of `record` without undefined values, so `data` stays plain JSON. */
export function compact(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in record) {
    const value = record[key];
    if (value !== undefined && Object.prototype.hasOwnProperty.call(record, key)) out[key] = value;
  }
  return out;
}
