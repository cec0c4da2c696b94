import type { RuleSet } from '@exroute/core';
import { computeImpact } from './impact.js';
import type { CorpusEvent, RuleSetDiff } from './model.js';
import { diffDefinitions } from './static-diff.js';

/** Options of `diffRuleSets`. */
export interface DiffRuleSetsOptions {
  /** The events to route through both rule sets; none: a static diff only. */
  events?: Iterable<CorpusEvent>;
  /** Router clock for events that bring no `at` of their own (default: each event's time). */
  at?: Date;
  /** How the two sides are named in reports (default `old` and `new`). */
  labels?: { old: string; new: string };
}

/**
 * What changes from `before` to `after`: every definition added, removed or changed (with
 * file:line on both sides), and — routing every event of `options.events` through both rule sets
 * with the core router — which recipients, templates, channels and policies each (event type,
 * document type, region) gains or loses, with counts and one example event each. Pure data out;
 * bad events become located diagnostics, never exceptions.
 */
export function diffRuleSets(
  before: RuleSet,
  after: RuleSet,
  options: DiffRuleSetsOptions = {},
): RuleSetDiff {
  const labels = options.labels ?? { old: 'old', new: 'new' };
  const { impact, diagnostics } = computeImpact(before, after, options.events ?? [], {
    labels,
    ...(options.at !== undefined ? { at: options.at } : {}),
  });
  return {
    old: { label: labels.old, version: before.version, files: [...before.files] },
    new: { label: labels.new, version: after.version, files: [...after.files] },
    definitions: diffDefinitions(before, after),
    impact,
    diagnostics,
  };
}

/** Whether any corpus event loses a recipient, template, channel or policy: `--fail-on loss`. */
export function diffHasLoss(diff: RuleSetDiff): boolean {
  return diff.impact.withLoss > 0;
}

/** Whether anything differs, statically or in routing: `--fail-on any`. */
export function diffHasChanges(diff: RuleSetDiff): boolean {
  return diff.definitions.length > 0 || diff.impact.changed > 0;
}
