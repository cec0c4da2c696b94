import type { NormalizedEvent } from '@exroute/core';
import { DEFAULT_MAPPING } from '../mapping/default-mapping.js';
import { channelFromName } from '../mapping/channel-name.js';
import { isPriority, resolveMappedFields } from '../mapping/resolve-fields.js';
import type { MappedFields } from '../mapping/model.js';
import { FieldReader, clip } from '../raw/field-reader.js';
import { remembered } from '../raw/remembered.js';
import { contentHashId } from '../raw/stable-id.js';
import { buildEvent } from './build-event.js';
import type { NormalizeOptions } from './options.js';
import { requireRawRecord } from './require-raw-record.js';

/** What a job status means: a finished batch, or a stage on the way. */
export type JobStatusMeaning =
  | {
      kind: 'finished';
      succeeded: boolean;
      completionStatus: 'completed' | 'completed-with-errors' | 'failed' | 'canceled';
    }
  | { kind: 'stage'; stage: string };

// Keys are the status lower-cased without spaces, dashes and underscores ("Output generated" → outputgenerated).
const JOB_STATUSES: Readonly<Record<string, JobStatusMeaning>> = freezeAll({
  completed: { kind: 'finished', succeeded: true, completionStatus: 'completed' },
  complete: { kind: 'finished', succeeded: true, completionStatus: 'completed' },
  succeeded: { kind: 'finished', succeeded: true, completionStatus: 'completed' },
  success: { kind: 'finished', succeeded: true, completionStatus: 'completed' },
  finished: { kind: 'finished', succeeded: true, completionStatus: 'completed' },
  completedwitherrors: {
    kind: 'finished',
    succeeded: true,
    completionStatus: 'completed-with-errors',
  },
  failed: { kind: 'finished', succeeded: false, completionStatus: 'failed' },
  error: { kind: 'finished', succeeded: false, completionStatus: 'failed' },
  canceled: { kind: 'finished', succeeded: false, completionStatus: 'canceled' },
  cancelled: { kind: 'finished', succeeded: false, completionStatus: 'canceled' },
  queued: { kind: 'stage', stage: 'job.queued' },
  running: { kind: 'stage', stage: 'job.running' },
  processing: { kind: 'stage', stage: 'job.running' },
  outputgenerated: { kind: 'stage', stage: 'job.output_generated' },
  printfilereleased: { kind: 'stage', stage: 'job.print_file_released' },
});

// The answers are handed out and remembered: frozen, so no caller can change them for the next.
function freezeAll<T extends object>(table: Record<string, T>): Readonly<Record<string, T>> {
  for (const entry of Object.values(table)) Object.freeze(entry);
  return Object.freeze(table);
}

/** The meaning of an Orchestration job status (frozen, shared), or `undefined` for a status exroute does not know. */
export function classifyJobStatus(status: string): JobStatusMeaning | undefined {
  return knownJobStatus(status);
}

const knownJobStatus = remembered((status) => {
  const key = status.toLowerCase().replace(/[\s_-]/g, '');
  return Object.prototype.hasOwnProperty.call(JOB_STATUSES, key) ? JOB_STATUSES[key] : undefined;
});

/**
 * Normalizes an Orchestration job record (job id, channel, start, finish, status, triggered by,
 * documents processed / failed, output queue) into `batch.completed` / `batch.failed` when the
 * job finished, or `lifecycle.changed` with the stage (queued, running, output generated, print
 * file released) otherwise.
 */
export function normalizeOrchestrationJob(
  raw: unknown,
  options: NormalizeOptions = {},
): NormalizedEvent {
  return normalizeOrchestrationRecord(
    requireRawRecord(raw, 'an orchestration job record'),
    options,
  );
}

/** The orchestration normalizer after the structural checks (shared with `normalize`). */
export function normalizeOrchestrationRecord(
  raw: Record<string, unknown>,
  options: NormalizeOptions,
): NormalizedEvent {
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const reader = new FieldReader();
  const jobId = reader.requiredString(raw, 'jobId', '');
  const status = reader.requiredString(raw, 'status', '');
  const inputChannel = reader.optionalString(raw, 'channel', '');
  const start = reader.optionalTime(raw, 'start', '');
  const finish = reader.optionalTime(raw, 'finish', '');
  const updatedAt = reader.optionalTime(raw, 'updatedAt', '');
  const queuedAt = reader.optionalTime(raw, 'queuedAt', '');
  const triggeredBy = reader.optionalString(raw, 'triggeredBy', '');
  const processed = reader.optionalCount(raw, 'documentsProcessed', '');
  const failed = reader.optionalCount(raw, 'documentsFailed', '');
  const outputQueue = reader.optionalString(raw, 'outputQueue', '');
  const flowModel = reader.optionalString(raw, 'flowModel', '');
  const domain = reader.optionalString(raw, 'domain', '');
  const tenant = reader.optionalString(raw, 'tenant', '');
  const documentType = reader.optionalString(raw, 'documentType', '');
  const communicationId = reader.optionalString(raw, 'communicationId', '');
  const priorityText = reader.optionalString(raw, 'priority', '');
  const eventId = reader.optionalString(raw, 'eventId', '');
  if (priorityText !== undefined && !isPriority(priorityText)) {
    reader.invalid(
      '/priority',
      `'priority' must be low, normal, high or critical, got '${clip(priorityText)}'`,
    );
  }
  const meaning = status === undefined ? undefined : classifyJobStatus(status);
  if (status !== undefined && meaning === undefined) {
    reader.report(
      'EXR_UNKNOWN_JOB_STATUS',
      '/status',
      `job status '${clip(status)}' is not one exroute knows`,
      'expected Completed, CompletedWithErrors, Failed, Canceled, Queued, Running, OutputGenerated or PrintFileReleased',
    );
  }
  const time =
    meaning?.kind === 'finished'
      ? (updatedAt ?? finish ?? start)
      : (updatedAt ?? start ?? queuedAt);
  if (
    meaning !== undefined &&
    time === undefined &&
    !reader.diagnostics.some((d) => d.code === 'EXR_INVALID_TIME')
  ) {
    reader.missing(
      meaning.kind === 'finished' ? '/finish' : '/start',
      meaning.kind === 'finished'
        ? "timestamp 'finish' (or 'updatedAt')"
        : "timestamp 'start' (or 'updatedAt' / 'queuedAt')",
    );
  }
  reader.throwIfFailed();
  if (jobId === undefined || status === undefined || meaning === undefined || time === undefined) {
    return reader.fail();
  }

  const type =
    meaning.kind === 'stage'
      ? 'lifecycle.changed'
      : meaning.succeeded
        ? 'batch.completed'
        : 'batch.failed';
  const source =
    tenant !== undefined
      ? `exstream/${tenant}`
      : domain !== undefined
        ? `exstream/orchestration/${domain}`
        : 'exstream/orchestration';
  const channel = outputQueue === undefined ? undefined : channelFromName(outputQueue, mapping);
  const explicit: MappedFields = {};
  if (documentType !== undefined) explicit.documentType = documentType;
  if (priorityText !== undefined && isPriority(priorityText)) explicit.priority = priorityText;
  const fields = resolveMappedFields(
    mapping,
    {
      eventType: type,
      source,
      communicationId,
      domain,
      tenant,
      channel,
      channelName: outputQueue,
      flowModel,
    },
    {
      explicit,
      ...(tenant !== undefined ? { fallback: { tenant } } : {}),
      reader,
      manifestPointer: '',
    },
  );
  reader.throwIfFailed();

  const completionStatus =
    meaning.kind === 'finished' &&
    meaning.completionStatus === 'completed' &&
    failed !== undefined &&
    failed > 0
      ? 'completed-with-errors'
      : meaning.kind === 'finished'
        ? meaning.completionStatus
        : undefined;
  // Named stores, absent values left out (data stays plain JSON), instead of a literal compacted.
  const data: Record<string, unknown> = {
    batchId: jobId,
    documentType: fields.documentType ?? null,
    volumeProcessed: processed ?? null,
    volumeFailed: failed ?? null,
    channel: inputChannel ?? null,
  };
  if (completionStatus !== undefined) data.completionStatus = completionStatus;
  if (meaning.kind === 'stage') data.stage = meaning.stage;
  data.status = status;
  if (outputQueue !== undefined) data.outputQueue = outputQueue;
  if (triggeredBy !== undefined) data.triggeredBy = triggeredBy;
  if (flowModel !== undefined) data.flowModel = flowModel;
  if (communicationId !== undefined) data.communicationId = communicationId;
  if (domain !== undefined) data.domain = domain;
  if (start !== undefined) data.start = start;
  if (finish !== undefined) data.finish = finish;
  return buildEvent({
    id: eventId ?? contentHashId(raw),
    source,
    type,
    time,
    fields,
    channel,
    subject: jobId,
    correlationId: jobId,
    data,
  });
}
