/**
 * Silences: created at run time by people (the service's admin API), kept in the store so every
 * instance applies them, matched with core's `when` semantics.
 */
import { randomUUID } from 'node:crypto';
import type { Diagnostic, NormalizedEvent, RuleSet } from '@exroute/core';
import { isRfc3339DateTime, parseRuleSet, RuleSetError, scanStructure } from '@exroute/core';
import { createEventMatcher } from '@exroute/core/dispatch-support';
import type { EventMatcher } from '@exroute/core/dispatch-support';
import { DispatchError, dispatchDiagnostic } from '../errors.js';
import type { SilenceRecord, StateStore } from '../store/state-store.js';
import type { Silence } from '../types.js';

/** The furthest ahead a silence may end (ms): 30 days. */
export const MAX_SILENCE_MS = 30 * 86_400_000;

/** How long an ended silence stays listed (ms). */
const ENDED_SILENCE_KEPT_MS = 7 * 86_400_000;

const MAX_TEXT = 2_000;
const MAX_MATCHER_KEYS = 64;
const MAX_MATCHER_DEPTH = 8;
const MAX_MATCHER_VALUES = 1_000;

interface CachedSilence {
  readonly id: string;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly matcher: EventMatcher | undefined;
}

/** Creates, lists, ends and matches silences for one dispatcher. */
export class SilenceBook {
  private cache: readonly CachedSilence[] = [];
  private fetchedAt: number | undefined;
  private readonly matchers = new Map<string, EventMatcher | undefined>();

  constructor(
    private readonly ruleSet: RuleSet,
    private readonly store: StateStore,
    /** How long (dispatcher clock) a fetched silence list is reused; 0 = fetch per event. */
    private readonly cacheMs: number,
  ) {}

  /** Validates and stores a new silence; throws `EXR_DISPATCH_INVALID_SILENCE` with every problem. */
  async create(request: unknown, now: number): Promise<Silence> {
    const diagnostics: Diagnostic[] = [];
    const problem = (code: string, message: string, pointer: string): void => {
      diagnostics.push({ code, severity: 'error', message, pointer });
    };
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      throw invalid([
        dispatchDiagnostic(
          'EXR_DISPATCH_INVALID_SILENCE',
          'a silence is an object with when, endsAt, createdBy and comment',
          '',
        ),
      ]);
    }
    const r = request as Record<string, unknown>;
    const when = r['when'];
    let matcher: EventMatcher | undefined;
    let matcherProblems: Diagnostic[] = [];
    if (typeof when !== 'object' || when === null || Array.isArray(when)) {
      problem(
        'EXR_SILENCE_MATCHER_INVALID',
        "'when' is required: the events to silence, written like a rule's when, e.g. { type: delivery.failed, correlationId: job-42 }",
        '/when',
      );
    } else {
      const compiled = compileSilenceMatcher(this.ruleSet, when as Record<string, unknown>);
      matcher = compiled.matcher;
      matcherProblems = compiled.diagnostics;
    }
    diagnostics.push(...matcherProblems);
    const startsAt =
      r['startsAt'] === undefined ? now : readTime(r['startsAt'], '/startsAt', problem);
    const endsAt =
      r['endsAt'] === undefined
        ? (problem(
            'EXR_SILENCE_END_REQUIRED',
            "'endsAt' is required (RFC 3339, at most 30 days ahead): a silence nobody ends would hide problems for ever",
            '/endsAt',
          ),
          undefined)
        : readTime(r['endsAt'], '/endsAt', problem);
    if (endsAt !== undefined) {
      if (endsAt <= now) {
        problem('EXR_SILENCE_END_IN_PAST', "'endsAt' must be in the future", '/endsAt');
      } else if (endsAt > now + MAX_SILENCE_MS) {
        problem(
          'EXR_SILENCE_END_TOO_FAR',
          "'endsAt' is more than 30 days ahead; create a new silence when this one ends if it is still needed",
          '/endsAt',
        );
      } else if (startsAt !== undefined && endsAt <= startsAt) {
        problem('EXR_SILENCE_END_NOT_AFTER_START', "'endsAt' must be after 'startsAt'", '/endsAt');
      }
    }
    const createdBy = readText(
      r['createdBy'],
      '/createdBy',
      'EXR_SILENCE_CREATED_BY_REQUIRED',
      'who creates the silence',
      problem,
    );
    const comment = readText(
      r['comment'],
      '/comment',
      'EXR_SILENCE_COMMENT_REQUIRED',
      'why the silence is needed',
      problem,
    );
    if (diagnostics.length > 0 || startsAt === undefined || endsAt === undefined) {
      throw invalid(diagnostics);
    }
    const record: SilenceRecord = {
      id: randomUUID(),
      when: JSON.parse(JSON.stringify(when)) as Record<string, unknown>,
      startsAt,
      endsAt,
      createdBy: createdBy!,
      comment: comment!,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.putSilence({ silence: record, expireAt: endsAt + ENDED_SILENCE_KEPT_MS });
    this.matchers.set(record.id, matcher);
    this.fetchedAt = undefined;
    return toSilence(record, now);
  }

  /** Ends a silence now. */
  async expire(id: unknown, now: number): Promise<boolean> {
    if (typeof id !== 'string' || id.length === 0 || id.length > 200) return false;
    const ended = await this.store.expireSilence({ id, now });
    this.fetchedAt = undefined;
    return ended;
  }

  /** Every stored silence with its status at `now`, ordered by id. */
  async list(now: number): Promise<Silence[]> {
    return (await this.store.listSilences({ now })).map((record) => toSilence(record, now));
  }

  /**
   * The id of the first active silence (by id) matching the event at `now`, or undefined;
   * synchronous while the cached list is fresh.
   */
  matching(event: NormalizedEvent, now: number): string | undefined | Promise<string | undefined> {
    if (
      this.fetchedAt === undefined ||
      now < this.fetchedAt ||
      now >= this.fetchedAt + this.cacheMs
    ) {
      return this.refresh(now).then(() => this.match(event, now));
    }
    return this.match(event, now);
  }

  private async refresh(now: number): Promise<void> {
    const records = await this.store.listSilences({ now });
    this.cache = records.map((record) => ({
      id: record.id,
      startsAt: record.startsAt,
      endsAt: record.endsAt,
      matcher: this.matcherFor(record),
    }));
    this.fetchedAt = now;
  }

  private match(event: NormalizedEvent, now: number): string | undefined {
    if (this.cache.length === 0) return undefined;
    const instant = new Date(now);
    for (const silence of this.cache) {
      if (silence.startsAt > now || silence.endsAt <= now || silence.matcher === undefined)
        continue;
      if (silence.matcher(event, instant)) return silence.id;
    }
    return undefined;
  }

  private matcherFor(record: SilenceRecord): EventMatcher | undefined {
    if (this.matchers.has(record.id)) return this.matchers.get(record.id);
    // A silence created by another instance (or before a reload): compile it against this rule
    // set's regions and calendars. One that no longer compiles matches nothing.
    const matcher = compileSilenceMatcher(this.ruleSet, record.when).matcher;
    if (this.matchers.size > 10_000) this.matchers.clear();
    this.matchers.set(record.id, matcher);
    return matcher;
  }
}

/**
 * Compiles a silence's `when` with core's loader and matcher: the shorthand is wrapped in a
 * one-rule file (carrying the rule set's regions and calendars) so every check a rule's `when`
 * gets applies here too; diagnostics point into the request (`/when/...`).
 */
export function compileSilenceMatcher(
  ruleSet: RuleSet,
  when: Readonly<Record<string, unknown>>,
): { matcher: EventMatcher | undefined; diagnostics: Diagnostic[] } {
  const fail = (code: string, message: string, pointer = '/when') => ({
    matcher: undefined,
    diagnostics: [{ code, severity: 'error' as const, message, pointer }],
  });
  const keys = Object.keys(when);
  if (keys.length === 0)
    return fail(
      'EXR_SILENCE_MATCHER_INVALID',
      "'when' must name at least one field; an empty matcher would silence everything",
    );
  if (keys.length > MAX_MATCHER_KEYS)
    return fail('EXR_SILENCE_MATCHER_INVALID', `'when' has more than ${MAX_MATCHER_KEYS} fields`);
  const shape = scanStructure(when, { maxDepth: MAX_MATCHER_DEPTH, maxValues: MAX_MATCHER_VALUES });
  if (shape !== 'clean') {
    return fail(
      'EXR_SILENCE_MATCHER_INVALID',
      `'when' is ${shape === 'forbidden-key' ? 'using a forbidden key (__proto__, constructor, prototype)' : shape === 'too-deep' ? 'nested too deeply' : 'too large'}`,
    );
  }
  const document = {
    apiVersion: 'exroute/v1',
    ...(ruleSet.regions.size > 0
      ? {
          regions: Object.fromEntries(
            [...ruleSet.regions].map(([name, d]) => [name, [...d.members]]),
          ),
        }
      : {}),
    ...(ruleSet.calendars.size > 0
      ? {
          calendars: Object.fromEntries(
            [...ruleSet.calendars].map(([name, c]) => [
              name,
              {
                timezone: c.timezone,
                days: [...c.days],
                hours: [...c.hours],
                holidays: [...c.holidays],
              },
            ]),
          ),
        }
      : {}),
    ...(ruleSet.regionCalendars.size > 0
      ? {
          regionCalendars: Object.fromEntries(
            [...ruleSet.regionCalendars].map(([r, d]) => [r, d.calendar]),
          ),
        }
      : {}),
    recipients: { silence: { email: 'silence@example.invalid' } },
    templates: { silence: { id: 'SILENCE', channels: ['email'] } },
    rules: [{ id: 'silence', when, notify: [{ to: ['silence'], template: 'silence' }] }],
  };
  try {
    const parsed = parseRuleSet(JSON.stringify(document), { filename: '<silence>' });
    const rule = parsed.rules[0];
    if (rule === undefined) return fail('EXR_SILENCE_MATCHER_INVALID', "'when' could not be read");
    return { matcher: createEventMatcher(ruleSet, rule), diagnostics: [] };
  } catch (error) {
    if (error instanceof RuleSetError) {
      return {
        matcher: undefined,
        diagnostics: error.diagnostics
          .filter((d) => d.severity === 'error')
          .map((d) => {
            const pointer = d.pointer?.startsWith('/rules/0/when')
              ? d.pointer.slice('/rules/0'.length)
              : '/when';
            return {
              code: d.code,
              severity: 'error' as const,
              message: d.message,
              pointer,
              ...(d.hint !== undefined ? { hint: d.hint } : {}),
            };
          }),
      };
    }
    return fail('EXR_SILENCE_MATCHER_INVALID', "'when' could not be read");
  }
}

function readTime(
  value: unknown,
  pointer: string,
  problem: (code: string, message: string, pointer: string) => void,
): number | undefined {
  if (typeof value !== 'string' || value.length > 64 || !isRfc3339DateTime(value)) {
    problem(
      'EXR_SILENCE_TIME_INVALID',
      `'${pointer.slice(1)}' must be an RFC 3339 date-time, e.g. 2027-01-04T18:00:00Z`,
      pointer,
    );
    return undefined;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    problem('EXR_SILENCE_TIME_INVALID', `'${pointer.slice(1)}' is not a real instant`, pointer);
    return undefined;
  }
  return ms;
}

function readText(
  value: unknown,
  pointer: string,
  code: string,
  what: string,
  problem: (code: string, message: string, pointer: string) => void,
): string | undefined {
  if (typeof value !== 'string' || value.trim().length === 0) {
    problem(code, `'${pointer.slice(1)}' is required: ${what}`, pointer);
    return undefined;
  }
  if (value.length > MAX_TEXT) {
    problem(
      'EXR_SILENCE_TEXT_TOO_LONG',
      `'${pointer.slice(1)}' is longer than ${MAX_TEXT} characters`,
      pointer,
    );
    return undefined;
  }
  return value;
}

function invalid(diagnostics: Diagnostic[]): DispatchError {
  const first = diagnostics[0];
  return new DispatchError(
    'EXR_DISPATCH_INVALID_SILENCE',
    `silence is invalid: ${diagnostics.length} problem(s)${first !== undefined ? `; first: ${first.pointer ?? ''} ${first.message}` : ''}`,
    diagnostics,
  );
}

/** The public view of a stored silence at `now`. */
function toSilence(record: SilenceRecord, now: number): Silence {
  return {
    id: record.id,
    when: { ...record.when },
    startsAt: new Date(record.startsAt).toISOString(),
    endsAt: new Date(record.endsAt).toISOString(),
    createdBy: record.createdBy,
    comment: record.comment,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    status: now < record.startsAt ? 'pending' : now < record.endsAt ? 'active' : 'expired',
  };
}
