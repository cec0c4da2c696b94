/**
 * `due` and `deferUntil` on notify entries: the `dueAt` / `sendAt` instants of a notification,
 * computed from the routing instant in the calendar of the event's region.
 */
import { addHours } from 'date-fns';
import type { NotifyDefinition } from '../model/rule-set.js';
import type { TimeContext } from './time-context.js';

/** The event fields timing depends on. */
export interface TimingEvent {
  readonly region?: string;
  readonly priority?: string;
}

/**
 * When the notification is due (RFC 3339, UTC): `hours` are clock hours; `businessHours` count
 * open time and `businessDays` end at close of business, both in the event region's calendar.
 * When an entry sets several, the earliest wins. `undefined` when the entry has no `due`.
 */
export function computeDueAt(
  notify: Pick<NotifyDefinition, 'due'>,
  event: TimingEvent,
  now: Date,
  time: TimeContext,
): string | undefined {
  const due = notify.due;
  if (due === undefined) return undefined;
  const candidates: (Date | undefined)[] = [];
  if (due.hours !== undefined) candidates.push(addHours(now, due.hours));
  if (due.businessHours !== undefined || due.businessDays !== undefined) {
    const calendar = time.eventCalendar(event.region);
    if (due.businessHours !== undefined) {
      candidates.push(calendar.addBusinessHours(now, due.businessHours));
    }
    if (due.businessDays !== undefined) {
      candidates.push(calendar.addBusinessDays(now, due.businessDays));
    }
  }
  return earliest(candidates.filter((d): d is Date => d !== undefined).map((d) => d.toISOString()));
}

/**
 * When to send (RFC 3339, UTC) for `deferUntil: businessHours`: the next opening of the event
 * region's calendar. `undefined` — send now — when the entry does not defer, when the calendar
 * is open at `now`, or when the event's priority or the entry's severity is `critical`.
 */
export function computeSendAt(
  notify: Pick<NotifyDefinition, 'deferUntil' | 'severity'>,
  event: TimingEvent,
  now: Date,
  time: TimeContext,
): string | undefined {
  if (notify.deferUntil !== 'businessHours') return undefined;
  if (event.priority === 'critical' || notify.severity === 'critical') return undefined;
  const calendar = time.eventCalendar(event.region);
  if (calendar.isOpen(now)) return undefined;
  return calendar.nextOpening(now)?.toISOString();
}

/** The `dueAt` of a merged notification: the earliest of its contributors' (or none). */
export function mergeDueAt(contributions: readonly (string | undefined)[]): string | undefined {
  return earliest(contributions.filter((d): d is string => d !== undefined));
}

/**
 * The `sendAt` of a merged notification: deferred only when every contributing entry is
 * deferred (one entry that wants it now wins), then to the earliest of their `sendAt`s.
 */
export function mergeSendAt(contributions: readonly (string | undefined)[]): string | undefined {
  if (contributions.length === 0 || contributions.includes(undefined)) return undefined;
  return earliest(contributions as readonly string[]);
}

function earliest(instants: readonly string[]): string | undefined {
  // Every value comes from `Date#toISOString()`, whose strings sort like the instants they name.
  return instants.length === 0 ? undefined : [...instants].sort()[0];
}
