/** Event priorities in ascending order; `atLeast` / `atMost` compare by position in this list. */
export const PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;

/** An event priority: `low` < `normal` < `high` < `critical`. */
export type Priority = (typeof PRIORITIES)[number];

/**
 * The one event model rules see (DESIGN.md §2); `source` + `id` is the de-duplication key.
 * Top-level fields are closed: anything type-specific lives in `data`.
 */
export interface NormalizedEvent {
  /** Unique per `source`. */
  id: string;
  /** Producer, e.g. `exstream/acme-prod`. */
  source: string;
  /** Dotted lower-case event type, e.g. `delivery.failed`. */
  type: string;
  /** RFC 3339 timestamp of the occurrence. */
  time: string;
  /** Defaults to `normal` when absent. */
  priority?: Priority;
  documentType?: string;
  /** Region code such as `UK`, `DE`, `NO` — never coerced. */
  region?: string;
  channel?: string;
  tenant?: string;
  subject?: string;
  /** Job or batch id that ties related events together. */
  correlationId?: string;
  /** Type-specific payload; may be empty. */
  data: Record<string, unknown>;
}

/** The event types the Exstream normalizers produce; other producers may add their own. */
export const KNOWN_EVENT_TYPES = [
  'batch.completed',
  'batch.failed',
  'delivery.failed',
  'delivery.completed',
  'content.review_requested',
  'communication.generated',
  'content.updated',
  'lifecycle.changed',
  'service.alert',
] as const;
