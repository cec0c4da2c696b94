// The public API of @exroute/exstream: a hand-written list of named exports (types via `export type`).

export { normalize, detectShape } from './normalize/normalize.js';
export type { RawShape } from './normalize/normalize.js';
export type { NormalizeOptions } from './normalize/options.js';
export {
  normalizeTrackingEvent,
  classifySchemaType,
  jobIdFromQueueFilename,
} from './normalize/tracking-event.js';
export type { SchemaTypeMeaning } from './normalize/tracking-event.js';
export {
  normalizeDesignAssetChange,
  assetKind,
  WORKFLOW_STATES,
} from './normalize/design-asset.js';
export type { WorkflowState } from './normalize/design-asset.js';
export { normalizeOrchestrationJob, classifyJobStatus } from './normalize/orchestration-job.js';
export type { JobStatusMeaning } from './normalize/orchestration-job.js';
export {
  normalizeCloudEvent,
  toCloudEvent,
  CLOUDEVENT_EXTENSIONS,
  EXROUTE_CLOUDEVENT_PREFIX,
} from './normalize/cloud-event.js';
export type { CloudEvent } from './normalize/cloud-event.js';
export { DEFAULT_MAPPING } from './mapping/default-mapping.js';
export { parseMapping, loadMapping, MAX_MAPPING_BYTES } from './mapping/parse-mapping.js';
export { MATCH_KEYS } from './mapping/model.js';
export type {
  Mapping,
  MappingRule,
  MappedFields,
  MatchKey,
  ManifestFieldNames,
  MappingLocation,
  MatchContext,
} from './mapping/model.js';
export { channelFromName } from './mapping/channel-name.js';
export { NormalizationError, MappingError } from './errors.js';
export type { NormalizationCode, MappingCode } from './errors.js';
export { contentHashId } from './raw/stable-id.js';
/** Re-exported from @exroute/core, which owns it: the canonical JSON content-hash ids are computed over. */
export { canonicalJson } from '@exroute/core';
export {
  normalizeStream,
  normalizeLine,
  DEFAULT_MAX_LINE_LENGTH,
} from './stream/normalize-stream.js';
export type {
  NormalizeStreamOptions,
  StreamItem,
  StreamSummary,
  LineError,
  JsonLinesSource,
} from './stream/normalize-stream.js';
export {
  generateSampleEvents,
  SAMPLE_MIX,
  SAMPLE_TENANTS,
} from './sample/generate-sample-events.js';
export type { SampleOptions, SampleFlow } from './sample/generate-sample-events.js';
