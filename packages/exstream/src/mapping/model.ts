import type { Priority } from '@exroute/core';

/** The NormalizedEvent fields a mapping derives. */
export interface MappedFields {
  documentType?: string;
  priority?: Priority;
  region?: string;
  tenant?: string;
}

/** The fields a mapping rule may match on; `manifest.<Field>` matches an output-manifest field. */
export const MATCH_KEYS = [
  'communicationId',
  'campaignId',
  'domain',
  'resourceName',
  'resourceType',
  'tenant',
  'channel',
  'channelName',
  'eventType',
  'source',
  'schemaType',
  'flowModel',
] as const;

/** One named match key, or `manifest.<Field>`. */
export type MatchKey = (typeof MATCH_KEYS)[number] | `manifest.${string}`;

/** Where a mapping rule was written, for explanations and messages. */
export interface MappingLocation {
  file: string;
  line: number;
  column: number;
  pointer: string;
}

/**
 * One rule: when every `match` key's value matches one of its glob patterns, `set` supplies each
 * field the earlier rules left open (first rule to set a field wins, per field).
 */
export interface MappingRule {
  match: Readonly<Partial<Record<MatchKey, readonly string[]>>>;
  set: MappedFields;
  description?: string;
  location?: MappingLocation;
}

/** Output-manifest field names (first present wins) that carry a value for each derived field. */
export interface ManifestFieldNames {
  documentType: readonly string[];
  priority: readonly string[];
  region: readonly string[];
  tenant: readonly string[];
  customerReference: readonly string[];
}

/**
 * How raw Exstream identifiers become routing fields. Resolution order per field: the raw event's
 * own explicit value (orchestration records may carry `documentType`), then `rules` in order, then
 * the manifest fields in `fromManifest`, then `defaults`. Treat a mapping as immutable once used:
 * its compiled rules and channel answers are remembered per mapping object, so build a new one
 * (`{ ...mapping, channels }`) to change it.
 */
export interface Mapping {
  rules: readonly MappingRule[];
  fromManifest: ManifestFieldNames;
  /** Exact Exstream channel / output-queue names → exroute channel, before the built-in name heuristics. */
  channels: Readonly<Record<string, string>>;
  defaults: MappedFields;
  /** The file it was loaded from, when it came from one. */
  file?: string;
}

/** What a normalizer knows about one raw event that a mapping rule can match on. */
export interface MatchContext {
  eventType: string;
  source: string;
  communicationId?: string | undefined;
  campaignId?: string | undefined;
  domain?: string | undefined;
  resourceName?: string | undefined;
  resourceType?: string | undefined;
  tenant?: string | undefined;
  channel?: string | undefined;
  channelName?: string | undefined;
  schemaType?: string | undefined;
  flowModel?: string | undefined;
  manifest?: Readonly<Record<string, unknown>> | undefined;
}
