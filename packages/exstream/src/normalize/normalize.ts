import type { NormalizedEvent } from '@exroute/core';
import { NormalizationError } from '../errors.js';
import { checkRawStructure, isPlainRecord } from '../raw/raw-structure.js';
import { normalizeCloudEventRecord } from './cloud-event.js';
import { normalizeDesignAssetRecord } from './design-asset.js';
import { normalizeOrchestrationRecord } from './orchestration-job.js';
import type { NormalizeOptions } from './options.js';
import { normalizeTrackingRecord } from './tracking-event.js';

/** The raw shapes `normalize` recognises. */
export type RawShape = 'tracking' | 'design-asset' | 'orchestration-job' | 'cloudevent';

/**
 * Which raw shape a payload is, by its distinguishing keys: `expctr` (tracking event),
 * `specversion` (CloudEvent), `jobId` (orchestration job record), or `state` + `type` + `version`
 * (design-asset change); `undefined` when none applies.
 */
export function detectShape(raw: unknown): RawShape | undefined {
  if (!isPlainRecord(raw)) return undefined;
  if ('expctr' in raw) return 'tracking';
  if ('specversion' in raw) return 'cloudevent';
  if ('jobId' in raw) return 'orchestration-job';
  if ('state' in raw && 'type' in raw && 'version' in raw) return 'design-asset';
  return undefined;
}

/**
 * Normalizes any supported raw payload (already parsed JSON) into a NormalizedEvent, choosing the
 * normalizer with `detectShape`; throws NormalizationError — EXR_UNKNOWN_SHAPE when no shape fits,
 * never a guess.
 */
export function normalize(raw: unknown, options: NormalizeOptions = {}): NormalizedEvent {
  const structure = checkRawStructure(raw);
  if (structure.length > 0) throw new NormalizationError([...structure]);
  const shape = detectShape(raw);
  if (shape === undefined || !isPlainRecord(raw)) {
    throw new NormalizationError([
      {
        code: 'EXR_UNKNOWN_SHAPE',
        severity: 'error',
        message: isPlainRecord(raw)
          ? 'not a payload exroute recognises: no expctr, specversion or jobId key, and not a design asset (state + type + version)'
          : 'a raw event must be a JSON object',
        pointer: '',
        hint: 'supported: Exstream tracking events, design-asset changes, orchestration job records, CloudEvents 1.0 (structured JSON)',
      },
    ]);
  }
  switch (shape) {
    case 'tracking':
      return normalizeTrackingRecord(raw, options);
    case 'cloudevent':
      return normalizeCloudEventRecord(raw, options);
    case 'orchestration-job':
      return normalizeOrchestrationRecord(raw, options);
    case 'design-asset':
      return normalizeDesignAssetRecord(raw, options);
  }
}
