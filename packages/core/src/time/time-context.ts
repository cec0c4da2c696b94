/**
 * The time data routing needs at run time, built once per rule set: compiled calendars, and the
 * lookup from a region code or group to its calendar. Both routers put it in
 * `OperatorContext.time`, so time operators read calendars the same way in each.
 */
import type { OperatorContext } from '../operators/operator.js';
import type { RuleSet } from '../model/rule-set.js';
import { ALWAYS_OPEN_UTC, BusinessCalendar } from './business-calendar.js';

/** How a name given to a time operator (or an event's region) was resolved to a calendar. */
export interface CalendarResolution {
  readonly calendar: BusinessCalendar;
  /**
   * The `regionCalendars` key that supplied it (the region itself or the nearest group that
   * contains it); absent when the name was a calendar name.
   */
  readonly viaRegion?: string;
}

/** The parts of a rule set the time module reads. */
export type TimeDefinitions = Pick<RuleSet, 'calendars' | 'regionCalendars' | 'regions'>;

/**
 * Resolved calendars for one rule set. A name is looked up first as a calendar name, then as a
 * region: its own `regionCalendars` entry, else that of the nearest region group containing it
 * (breadth-first through `regions`, so the most specific group wins; among groups at the same
 * distance, the first in `regions` order).
 */
export class TimeContext {
  /** Compiled calendars by name. */
  readonly calendars: ReadonlyMap<string, BusinessCalendar>;
  /** Every name that resolves, computed up front so event values never grow a cache. */
  private readonly resolutions = new Map<string, CalendarResolution>();
  private readonly regionCalendarNames: ReadonlyMap<string, string>;
  private readonly parentGroups: ReadonlyMap<string, readonly string[]>;

  constructor(definitions: TimeDefinitions) {
    const calendars = new Map<string, BusinessCalendar>();
    for (const [name, definition] of definitions.calendars) {
      calendars.set(name, BusinessCalendar.fromDefinition(definition));
    }
    this.calendars = calendars;
    this.regionCalendarNames = new Map(
      [...definitions.regionCalendars].map(([region, entry]) => [region, entry.calendar]),
    );
    const parents = new Map<string, string[]>();
    for (const [group, definition] of definitions.regions) {
      for (const member of definition.members) {
        const list = parents.get(member) ?? [];
        if (!list.includes(group)) list.push(group);
        parents.set(member, list);
      }
    }
    this.parentGroups = parents;
    const names = [...calendars.keys(), ...this.regionCalendarNames.keys(), ...parents.keys()];
    for (const name of names) {
      const resolution = this.computeResolution(name);
      if (resolution !== undefined) this.resolutions.set(name, resolution);
    }
  }

  /** The calendar a time operator's value names: a calendar name, or a region code or group. */
  resolve(name: unknown): CalendarResolution | undefined {
    return typeof name === 'string' ? this.resolutions.get(name) : undefined;
  }

  /** `resolve(name)?.calendar`. */
  calendarFor(name: unknown): BusinessCalendar | undefined {
    return this.resolve(name)?.calendar;
  }

  /**
   * The calendar of an event's region, used for `due` and `deferUntil`; an event without a region,
   * or whose region has no calendar, gets `ALWAYS_OPEN_UTC` (the loader warns about such regions).
   */
  eventCalendar(region: unknown): BusinessCalendar {
    return this.resolve(region)?.calendar ?? ALWAYS_OPEN_UTC;
  }

  /**
   * The `regionCalendars` key that gives `region` its calendar (itself or its nearest group),
   * or `undefined` when neither it nor any group containing it has one.
   */
  regionCalendarKey(region: string): string | undefined {
    const seen = new Set<string>([region]);
    let level = [region];
    while (level.length > 0) {
      const found = level.find((candidate) => this.regionCalendarNames.has(candidate));
      if (found !== undefined) return found;
      const next: string[] = [];
      for (const candidate of level) {
        for (const group of this.parentGroups.get(candidate) ?? []) {
          if (seen.has(group)) continue;
          seen.add(group);
          next.push(group);
        }
      }
      level = next;
    }
    return undefined;
  }

  private computeResolution(name: string): CalendarResolution | undefined {
    const direct = this.calendars.get(name);
    if (direct !== undefined) return { calendar: direct };
    const key = this.regionCalendarKey(name);
    if (key === undefined) return undefined;
    const calendarName = this.regionCalendarNames.get(key);
    const calendar = calendarName === undefined ? undefined : this.calendars.get(calendarName);
    return calendar === undefined ? undefined : { calendar, viaRegion: key };
  }
}

/** Builds the time context of a rule set; `createRouter` and the reference router call this. */
export function buildTimeContext(definitions: TimeDefinitions): TimeContext {
  return new TimeContext(definitions);
}

/** The time context inside an operator context, or `undefined` when the router set none. */
export function timeContextOf(context: OperatorContext): TimeContext | undefined {
  return context.time instanceof TimeContext ? context.time : undefined;
}
