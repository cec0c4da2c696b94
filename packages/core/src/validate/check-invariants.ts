import type { SourceLocation } from '../model/diagnostic.js';
import type { LeafCondition } from '../model/condition.js';
import type { InvariantDefinition } from '../model/invariants.js';
import type { RecipientDefinition } from '../model/rule-set.js';
import { PinAnalysis } from '../compile/condition-pins.js';
import { flattenRegionGroups } from '../compile/region-hierarchy.js';
import { isNumberLike } from '../operators/numeric.js';
import { parseSimplePath } from '../paths/simple-path.js';
import type { ConditionCheckContext } from './check-conditions.js';
import { checkWhen } from './check-when.js';
import type { CollectedDefinitions } from './collect-definitions.js';
import { ADDRESS_CHANNELS } from './collect-definitions.js';
import { didYouMean } from './did-you-mean.js';
import type { LocatedReporter, Place } from './located-reporter.js';
import { isRecord, stringList, stringOrUndefined } from './shape-guards.js';

/** An invariant as written, with where it came from. */
export interface InvariantDraft {
  raw: Record<string, unknown>;
  id: string | undefined;
  place: Place;
  location: SourceLocation;
}

/** Invariants of every file, in file order, and where each id was first defined. */
export interface InvariantDrafts {
  drafts: InvariantDraft[];
  ids: Map<string, SourceLocation>;
}

/** An empty collection to merge files' `invariants` into. */
export function emptyInvariantDrafts(): InvariantDrafts {
  return { drafts: [], ids: new Map() };
}

/**
 * Adds one parsed file's `invariants` entries to `into`, reporting an id an earlier place already
 * used (`EXR_DUPLICATE_INVARIANT_ID`, both places named). Entries that are not mappings are the
 * schema's finding and are skipped.
 */
export function collectInvariants(
  file: string,
  value: unknown,
  into: InvariantDrafts,
  reporter: LocatedReporter,
): void {
  const list = isRecord(value) ? value['invariants'] : undefined;
  if (!Array.isArray(list)) return;
  list.forEach((raw: unknown, index) => {
    if (!isRecord(raw)) return;
    const place: Place = { file, segments: ['invariants', index] };
    const id = stringOrUndefined(raw['id']);
    const location = reporter.locate(place);
    if (id !== undefined) {
      const first = into.ids.get(id);
      if (first !== undefined) {
        reporter.error(
          'EXR_DUPLICATE_INVARIANT_ID',
          `invariant id '${shorten(id)}' is used twice: first at ${first.file}:${first.line}:${first.column}, again here; invariant ids must be unique across all files`,
          { file, segments: ['invariants', index, 'id'] },
        );
        return;
      }
      into.ids.set(id, location);
    }
    into.drafts.push({ raw, id, place, location });
  });
}

/** What `checkInvariants` reads besides the drafts. */
export interface InvariantCheckInput {
  drafts: InvariantDrafts;
  defs: CollectedDefinitions;
  reporter: LocatedReporter;
  /**
   * Whether region groups passed their checks (no cycle, not too deep, not too large): only then
   * are they flattened to decide `within` contradictions.
   */
  regionsSound: boolean;
}

/**
 * Checks every invariant against the merged definitions and builds it: `for` exactly like a
 * rule's `when`; a `for` that can match no event (`EXR_INVARIANT_NEVER_MATCHES`); unknown
 * recipients and templates (with did-you-mean); required channels the template lacks; required
 * recipients without any address on a required channel. Meaningful only when no error was reported.
 */
export function checkInvariants(input: InvariantCheckInput): InvariantDefinition[] {
  const { drafts, defs, reporter } = input;
  if (drafts.drafts.length === 0) return [];
  const context = conditionContext(defs, reporter);
  const pins = new PinAnalysis({
    sharedConditions: new Map(),
    regionMembers: input.regionsSound ? flattenRegionGroups(defs.regions) : new Map(),
  });
  return drafts.drafts.map((draft) => checkInvariant(draft, defs, context, pins));
}

function conditionContext(
  defs: CollectedDefinitions,
  reporter: LocatedReporter,
): ConditionCheckContext {
  const regions = new Set<string>();
  for (const group of defs.regions.values()) {
    regions.add(group.name);
    for (const member of group.members) regions.add(member);
  }
  return {
    reporter,
    names: {
      regions,
      calendars: new Set(defs.calendars.keys()),
      regionCalendars: new Set(defs.regionCalendars.keys()),
    },
    sharedConditions: new Set(defs.sharedConditions.keys()),
    // `for` is shorthand: it cannot reference shared conditions.
    sharedConditionDepth: () => 0,
    onReference: () => undefined,
  };
}

function checkInvariant(
  draft: InvariantDraft,
  defs: CollectedDefinitions,
  context: ConditionCheckContext,
  pins: PinAnalysis,
): InvariantDefinition {
  const { raw, place } = draft;
  const { reporter } = context;
  const at = (...more: (string | number)[]): Place => ({
    file: place.file,
    segments: [...place.segments, ...more],
  });
  const forValue = isRecord(raw['for']) ? raw['for'] : {};
  const leaves = checkWhen(forValue, at('for'), context).map((leaf) => leaf.condition);
  const condition = { all: leaves };
  const conflict = neverMatches(leaves, pins);
  if (conflict !== undefined) {
    reporter.error(
      'EXR_INVARIANT_NEVER_MATCHES',
      `invariant '${shorten(draft.id ?? '')}' can never apply: its 'for' requires ${conflict} at once, which no event can be; fix or remove one condition`,
      at('for'),
      { at: 'key' },
    );
  }

  const require = isRecord(raw['require']) ? raw['require'] : {};
  const recipients = stringList(require['recipients']);
  // An unknown channel (`e-mail`) is the schema's finding; nothing else is said about it.
  const channels = stringList(require['channels']).filter((channel) =>
    (ADDRESS_CHANNELS as readonly string[]).includes(channel),
  );
  const written = stringList(require['channels']);
  const templateKey = stringOrUndefined(require['template']);
  recipients.forEach((key, index) => {
    if (defs.recipients.has(key)) return;
    reporter.error(
      'EXR_UNKNOWN_RECIPIENT',
      `recipient '${shorten(key)}' is not defined under recipients`,
      at('require', 'recipients', index),
      { hint: didYouMean(key, defs.recipients.keys()) },
    );
  });
  if (templateKey !== undefined) {
    const template = defs.templates.get(templateKey);
    if (template === undefined) {
      reporter.error(
        'EXR_UNKNOWN_TEMPLATE',
        `template '${shorten(templateKey)}' is not defined under templates`,
        at('require', 'template'),
        { hint: didYouMean(templateKey, defs.templates.keys()) },
      );
    } else {
      written.forEach((channel, index) => {
        if (template.channels.includes(channel) || !channels.includes(channel)) return;
        reporter.error(
          'EXR_INVARIANT_CHANNEL_NOT_IN_TEMPLATE',
          `template '${template.key}' does not list channel '${shorten(channel)}' (it has ${template.channels.join(', ') || 'none'}), so the required notification could not be sent on it`,
          at('require', 'channels', index),
        );
      });
    }
  }
  recipients.forEach((key, index) => {
    if (!defs.recipients.has(key)) return;
    for (const channel of channels) {
      if (reachesAddress(key, channel, defs.recipients)) continue;
      reporter.error(
        'EXR_INVARIANT_NO_ADDRESS',
        `recipient '${key}' has no ${shorten(channel)} address, itself or through its members, so this invariant could never be met; add one or drop the channel`,
        at('require', 'recipients', index),
      );
    }
  });

  const description = stringOrUndefined(raw['description']);
  return {
    id: draft.id ?? '',
    ...(description !== undefined ? { description } : {}),
    for: forValue,
    condition,
    require: {
      recipients,
      channels,
      ...(templateKey !== undefined ? { template: templateKey } : {}),
    },
    group: raw['group'] === true,
    location: draft.location,
  };
}

/** Whether `key` or anything it contains has an address on `channel` (each entry visited once). */
function reachesAddress(
  key: string,
  channel: string,
  recipients: ReadonlyMap<string, RecipientDefinition>,
): boolean {
  const seen = new Set<string>();
  const pending = [key];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    const entry = recipients.get(next);
    if (entry === undefined) continue;
    if ((entry.addresses[channel]?.length ?? 0) > 0) return true;
    pending.push(...entry.members);
  }
  return false;
}

/**
 * Describes why the conjunction `leaves` can match no event, or `undefined` when nothing proves
 * it: a field pinned to no value (`equal`/`in`/`within`/`atLeast`/`atMost` that share nothing,
 * found by the router's own pin analysis), pinned values all excluded by `notEqual`/`notIn`, or
 * numeric bounds (`greaterThan`… `lessThanInclusive`) that leave no number, or none of the
 * pinned values. Sound: it never calls a satisfiable `for` contradictory.
 */
export function neverMatches(
  leaves: readonly LeafCondition[],
  pins: PinAnalysis,
): string | undefined {
  const pinned = new Map<string, ReadonlySet<unknown>>();
  for (const pin of pins.pinsOf({ all: leaves })) {
    if (pin.values.size === 0)
      return `'${describeField(pin.fact, pin.segments)}' to take values that have nothing in common`;
    pinned.set(pin.key, pin.values);
  }
  const byField = new Map<string, { name: string; excluded: Set<unknown>; bounds: Bounds }>();
  for (const leaf of leaves) {
    const key = fieldKey(leaf);
    if (key === undefined) continue;
    let field = byField.get(key);
    if (field === undefined) {
      field = {
        name: leaf.path === undefined ? leaf.fact : `${leaf.fact}${leaf.path.slice(1)}`,
        excluded: new Set(),
        bounds: {},
      };
      byField.set(key, field);
    }
    const { operator, value } = leaf;
    if (operator === 'notEqual' && isPrimitive(value)) field.excluded.add(value);
    else if (operator === 'notIn' && Array.isArray(value) && value.every(isPrimitive)) {
      for (const excluded of value as unknown[]) field.excluded.add(excluded);
    } else if (typeof value === 'number' && Number.isFinite(value))
      addBound(field.bounds, operator, value);
  }
  for (const [key, field] of byField) {
    const allowed = pinned.get(key);
    if (allowed !== undefined) {
      const left = [...allowed].filter(
        (v) => !field.excluded.has(v) && withinBounds(v, field.bounds),
      );
      if (left.length === 0)
        return `'${field.name}' to be one of ${show([...allowed])} and ${describeLimits(field)}`;
    }
    if (emptyBounds(field.bounds)) return `'${field.name}' to be ${describeBounds(field.bounds)}`;
  }
  return undefined;
}

interface Bounds {
  lower?: number;
  lowerInclusive?: boolean;
  upper?: number;
  upperInclusive?: boolean;
}

function addBound(bounds: Bounds, operator: string, value: number): void {
  switch (operator) {
    case 'greaterThan':
    case 'greaterThanInclusive': {
      const inclusive = operator === 'greaterThanInclusive';
      if (
        bounds.lower === undefined ||
        value > bounds.lower ||
        (value === bounds.lower && !inclusive)
      ) {
        bounds.lower = value;
        bounds.lowerInclusive = inclusive;
      }
      break;
    }
    case 'lessThan':
    case 'lessThanInclusive': {
      const inclusive = operator === 'lessThanInclusive';
      if (
        bounds.upper === undefined ||
        value < bounds.upper ||
        (value === bounds.upper && !inclusive)
      ) {
        bounds.upper = value;
        bounds.upperInclusive = inclusive;
      }
      break;
    }
    default:
  }
}

/** Whether `value` passes every bound exactly as the numeric operators compare (`"9"` is 9). */
function withinBounds(value: unknown, bounds: Bounds): boolean {
  const { lower, upper } = bounds;
  if (lower === undefined && upper === undefined) return true;
  if (!isNumberLike(value)) return false;
  const v = value as number;
  if (lower !== undefined && !(bounds.lowerInclusive === true ? v >= lower : v > lower))
    return false;
  if (upper !== undefined && !(bounds.upperInclusive === true ? v <= upper : v < upper))
    return false;
  return true;
}

function emptyBounds(bounds: Bounds): boolean {
  const { lower, upper } = bounds;
  if (lower === undefined || upper === undefined) return false;
  return (
    lower > upper ||
    (lower === upper && !(bounds.lowerInclusive === true && bounds.upperInclusive === true))
  );
}

function describeBounds(bounds: Bounds): string {
  const parts: string[] = [];
  if (bounds.lower !== undefined)
    parts.push(`${bounds.lowerInclusive === true ? '≥' : '>'} ${bounds.lower}`);
  if (bounds.upper !== undefined)
    parts.push(`${bounds.upperInclusive === true ? '≤' : '<'} ${bounds.upper}`);
  return parts.join(' and ');
}

function describeLimits(field: { excluded: ReadonlySet<unknown>; bounds: Bounds }): string {
  const parts: string[] = [];
  if (field.excluded.size > 0) parts.push(`none of ${show([...field.excluded])}`);
  if (field.bounds.lower !== undefined || field.bounds.upper !== undefined)
    parts.push(describeBounds(field.bounds));
  return parts.join(' and ');
}

/** The pin analysis's key for the field a leaf reads, so leaves and pins line up. */
function fieldKey(leaf: LeafCondition): string | undefined {
  if (leaf.path === undefined) return leaf.fact;
  const segments = parseSimplePath(leaf.path);
  if (segments === undefined) return undefined;
  return segments.length === 0 ? leaf.fact : `${leaf.fact}\u0000${JSON.stringify(segments)}`;
}

function describeField(fact: string, segments: readonly (string | number)[] | undefined): string {
  if (segments === undefined) return fact;
  return `${fact}${segments.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('')}`;
}

function isPrimitive(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function show(values: readonly unknown[]): string {
  const shown = values.slice(0, 5).map((v) => shorten(JSON.stringify(v) ?? String(v)));
  return `[${shown.join(', ')}${values.length > 5 ? ', …' : ''}]`;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
