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
  // Built in reading order (data last) so printed events and docs are easy to scan.
  return {
    id: parts.id,
    source: parts.source,
    type: parts.type,
    time: parts.time,
    ...(priority !== undefined ? { priority } : {}),
    ...(documentType !== undefined ? { documentType } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(parts.channel !== undefined ? { channel: parts.channel } : {}),
    ...(tenant !== undefined ? { tenant } : {}),
    ...(parts.subject !== undefined ? { subject: parts.subject } : {}),
    ...(parts.correlationId !== undefined ? { correlationId: parts.correlationId } : {}),
    data: parts.data,
  };
}

/** A copy of `record` without undefined values, so `data` stays plain JSON. */
export function compact(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (record[key] !== undefined) out[key] = record[key];
  }
  return out;
}
