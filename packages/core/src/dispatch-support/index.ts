// `@exroute/core/dispatch-support`: what `@exroute/dispatch` needs from core to execute the
// policy sections (DESIGN.md §8) with core's own semantics: `when` matchers compiled like rules,
// `{{ path }}` keys and digest lines rendered like templates, delays in business calendars,
// escalation steps rendered like notify entries, and durations.

export { createEventMatcher } from './event-matcher.js';
export type { EventMatcher } from './event-matcher.js';
export { compileEventTemplate, createFieldReader } from './event-template.js';
export type { EventTemplate } from './event-template.js';
export { createTimeOffset } from './time-offset.js';
export type { TimeOffset, TimeOffsetCalculator } from './time-offset.js';
export { createEscalationNotifier } from './escalation-notifications.js';
export type { EscalationNotifier } from './escalation-notifications.js';
export { parseDuration, formatDuration, MAX_DURATION_MS } from '../validate/durations.js';
export type { DurationResult } from '../validate/durations.js';
export { GROUP_DEFAULTS } from '../validate/check-policies.js';
export { DEFAULT_DIGEST_MAX_LINES } from '../validate/collect-definitions.js';
export type { TimingEvent } from '../time/notification-timing.js';
