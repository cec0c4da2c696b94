/**
 * The impact half of `exroute diff`: every corpus event routed through both rule sets by the core
 * router, and what each (event type, document type, region) gains or loses.
 */
import { createRouter } from '@exroute/core';
import type { Diagnostic, NormalizedEvent, Router, RoutingDecision, RuleSet } from '@exroute/core';
import { diagnosticsOf } from '../run/case-defaults.js';
import type { CorpusEvent, ImpactAspect, ImpactChange, ImpactGroup, RuleSetDiff } from './model.js';

/** At most this many routing problems are listed; the rest are counted in one more diagnostic. */
export const MAX_IMPACT_DIAGNOSTICS = 1000;

const ASPECTS: readonly ImpactAspect[] = ['recipient', 'template', 'channel', 'policy'];

interface GroupTally {
  type: string;
  documentType?: string;
  region?: string;
  events: number;
  changedEvents: number;
  changes: Map<string, ImpactChange>;
}

/**
 * Routes every event through both rule sets (each at its own clock: `at`, else `options.at`,
 * else the event's time) and tallies, per (type, documentType, region), what is gained and lost.
 * Never throws for bad events: they become diagnostics at their origin.
 */
export function computeImpact(
  before: RuleSet,
  after: RuleSet,
  events: Iterable<CorpusEvent>,
  options: { at?: Date; labels?: { old: string; new: string } } = {},
): { impact: RuleSetDiff['impact']; diagnostics: Diagnostic[] } {
  let now = new Date(0);
  const clock = (): Date => now;
  const routers = { old: createRouter(before, { clock }), new: createRouter(after, { clock }) };
  const labels = options.labels ?? { old: 'old', new: 'new' };
  const groups = new Map<string, GroupTally>();
  const diagnostics: Diagnostic[] = [];
  let dropped = 0;
  const counts = { events: 0, routed: 0, changed: 0, withLoss: 0, withGain: 0 };
  for (const item of events) {
    counts.events += 1;
    now = clockFor(item, options.at);
    const decisions: Partial<Record<'old' | 'new', RoutingDecision>> = {};
    let failure: Diagnostic[] | undefined;
    for (const side of ['old', 'new'] as const) {
      const result = routeSafely(routers[side], item.event);
      if ('decision' in result) decisions[side] = result.decision;
      else {
        failure = result.diagnostics.map((d) => locate(d, item, labels[side]));
        break;
      }
    }
    if (failure !== undefined || decisions.old === undefined || decisions.new === undefined) {
      for (const d of failure ?? []) {
        if (diagnostics.length < MAX_IMPACT_DIAGNOSTICS) diagnostics.push(d);
        else dropped += 1;
      }
      continue;
    }
    counts.routed += 1;
    const tally = groupOf(groups, item.event);
    tally.events += 1;
    const before = facets(decisions.old);
    const after = facets(decisions.new);
    let lost = false;
    let gained = false;
    for (const aspect of ASPECTS) {
      for (const value of before[aspect]) {
        if (after[aspect].has(value)) continue;
        lost = true;
        record(tally, 'lost', aspect, value, item);
      }
      for (const value of after[aspect]) {
        if (before[aspect].has(value)) continue;
        gained = true;
        record(tally, 'gained', aspect, value, item);
      }
    }
    if (lost || gained) {
      counts.changed += 1;
      tally.changedEvents += 1;
    }
    if (lost) counts.withLoss += 1;
    if (gained) counts.withGain += 1;
  }
  if (dropped > 0) {
    diagnostics.push({
      code: 'EXR_DIFF_MORE_PROBLEMS',
      severity: 'error',
      message: `${dropped} more events could not be routed; fix the ones listed first`,
    });
  }
  return { impact: { ...counts, groups: sortedGroups(groups) }, diagnostics };
}

function clockFor(item: CorpusEvent, at: Date | undefined): Date {
  if (item.at !== undefined) return new Date(item.at);
  if (at !== undefined) return at;
  const time = (item.event as { time?: unknown }).time;
  return new Date(typeof time === 'string' ? time : Number.NaN);
}

function routeSafely(
  router: Router,
  event: NormalizedEvent,
): { decision: RoutingDecision } | { diagnostics: Diagnostic[] } {
  try {
    return { decision: router.route(event) };
  } catch (error) {
    return { diagnostics: diagnosticsOf(error, 'EXR_DIFF_ROUTING_FAILED') };
  }
}

/** An event diagnostic (a JSON Pointer into the event) placed at the corpus line or suite case. */
function locate(diagnostic: Diagnostic, item: CorpusEvent, side: string): Diagnostic {
  const where =
    diagnostic.pointer !== undefined && diagnostic.pointer !== ''
      ? ` [at ${diagnostic.pointer}]`
      : '';
  return {
    ...diagnostic,
    message: `${diagnostic.message}${where} (routing with the ${side} rules)`,
    file: item.origin.file,
    line: item.origin.line,
    column: 1,
  };
}

/** What one decision delivers, per aspect, as comparable strings. */
function facets(decision: RoutingDecision): Record<ImpactAspect, Set<string>> {
  const result: Record<ImpactAspect, Set<string>> = {
    recipient: new Set(),
    template: new Set(),
    channel: new Set(),
    policy: new Set(),
  };
  for (const n of decision.notifications) {
    const via = `${n.template}/${n.channel}`;
    result.template.add(n.template);
    result.channel.add(n.channel);
    if (n.policy !== undefined) result.policy.add(`${n.policy} via ${via}`);
    for (const r of n.recipients) result.recipient.add(`${r.key} <${r.address}> via ${via}`);
  }
  return result;
}

function groupOf(groups: Map<string, GroupTally>, event: NormalizedEvent): GroupTally {
  const documentType = typeof event.documentType === 'string' ? event.documentType : undefined;
  const region = typeof event.region === 'string' ? event.region : undefined;
  const key = JSON.stringify([event.type, documentType ?? null, region ?? null]);
  let tally = groups.get(key);
  if (tally === undefined) {
    tally = {
      type: event.type,
      ...(documentType !== undefined ? { documentType } : {}),
      ...(region !== undefined ? { region } : {}),
      events: 0,
      changedEvents: 0,
      changes: new Map(),
    };
    groups.set(key, tally);
  }
  return tally;
}

function record(
  tally: GroupTally,
  change: ImpactChange['change'],
  aspect: ImpactAspect,
  value: string,
  item: CorpusEvent,
): void {
  const key = `${change}\u0000${aspect}\u0000${value}`;
  const existing = tally.changes.get(key);
  if (existing !== undefined) {
    existing.events += 1;
    return;
  }
  tally.changes.set(key, {
    change,
    aspect,
    value,
    events: 1,
    example: { eventId: String(item.event.id), origin: item.origin },
  });
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortedGroups(groups: Map<string, GroupTally>): ImpactGroup[] {
  return [...groups.values()]
    .filter((g) => g.changes.size > 0)
    .sort(
      (a, b) =>
        byText(a.type, b.type) ||
        byText(a.documentType ?? '', b.documentType ?? '') ||
        byText(a.region ?? '', b.region ?? ''),
    )
    .map((g) => ({
      type: g.type,
      ...(g.documentType !== undefined ? { documentType: g.documentType } : {}),
      ...(g.region !== undefined ? { region: g.region } : {}),
      events: g.events,
      changedEvents: g.changedEvents,
      changes: [...g.changes.values()].sort(
        (a, b) =>
          (a.change === b.change ? 0 : a.change === 'lost' ? -1 : 1) ||
          ASPECTS.indexOf(a.aspect) - ASPECTS.indexOf(b.aspect) ||
          byText(a.value, b.value),
      ),
    }));
}
