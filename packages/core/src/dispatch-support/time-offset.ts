import type { EscalationStepDefinition } from '../model/policies.js';
import type { RuleSet } from '../model/rule-set.js';
import { computeDueAt } from '../time/notification-timing.js';
import type { TimingEvent } from '../time/notification-timing.js';
import { buildTimeContext } from '../time/time-context.js';

/** A delay as rule files write it: clock hours, business hours or business days. */
export type TimeOffset = EscalationStepDefinition['after'];

/** The instant `offset` after `from` for an event (its region picks the calendar). */
export type TimeOffsetCalculator = (offset: TimeOffset, event: TimingEvent, from: Date) => Date;

/**
 * The clock arithmetic of `due` for other delays (escalation steps): `hours` are clock hours;
 * `businessHours` count open time and `businessDays` end at close of business, in the calendar
 * of the event's region (UTC, always open, when it has none). Several keys: the earliest wins;
 * none: `from` itself.
 */
export function createTimeOffset(ruleSet: RuleSet): TimeOffsetCalculator {
  const time = buildTimeContext(ruleSet);
  return (offset, event, from) => {
    const at = computeDueAt({ due: offset }, event, from, time);
    return at === undefined ? new Date(from.getTime()) : new Date(at);
  };
}
