/**
 * Rule-level `effective: { from, until, calendar? }`: a rule applies only on the inclusive local
 * dates between `from` and `until`, read in the named calendar's time zone (UTC when absent).
 */
import { TZDate } from '@date-fns/tz';
import { lightFormat } from 'date-fns';
import type { EffectiveDefinition, RuleDefinition } from '../model/rule-set.js';
import type { TimeContext } from './time-context.js';

/**
 * Compiles a rule's `effective` window into a test of the router clock; `undefined` when the
 * rule has none (always effective), so the router can skip the call entirely.
 */
export function compileEffective(
  effective: EffectiveDefinition | undefined,
  time: TimeContext | undefined,
): ((now: Date) => boolean) | undefined {
  if (effective === undefined) return undefined;
  const { from, until } = effective;
  if (from === undefined && until === undefined) return undefined;
  const timezone =
    effective.calendar === undefined
      ? 'UTC'
      : (time?.calendarFor(effective.calendar)?.timezone ?? 'UTC');
  return (now) => {
    const today = lightFormat(new TZDate(now.getTime(), timezone), 'yyyy-MM-dd');
    // `YYYY-MM-DD` strings order like the dates they name.
    return (from === undefined || today >= from) && (until === undefined || today <= until);
  };
}

/** Whether `rule` is effective at the router instant `now` (rules without `effective` always are). */
export function isEffective(
  rule: Pick<RuleDefinition, 'effective'>,
  now: Date,
  time?: TimeContext,
): boolean {
  const test = compileEffective(rule.effective, time);
  return test === undefined || test(now);
}
