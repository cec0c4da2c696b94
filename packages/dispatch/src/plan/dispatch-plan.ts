/**
 * The policy sections of one rule set, compiled once per dispatcher with core's own matchers,
 * templates and calendars (`@exroute/core/dispatch-support`), so the dispatcher evaluates
 * `when`, `{{ path }}` and business time exactly as routing does.
 */
import type {
  EscalationDefinition,
  InhibitRuleDefinition,
  NormalizedEvent,
  PolicyDefinition,
  RuleSet,
} from '@exroute/core';
import {
  compileEventTemplate,
  createEscalationNotifier,
  createEventMatcher,
  createFieldReader,
  createTimeOffset,
  DEFAULT_DIGEST_MAX_LINES,
} from '@exroute/core/dispatch-support';
import type {
  EscalationNotifier,
  EventMatcher,
  EventTemplate,
  TimeOffsetCalculator,
} from '@exroute/core/dispatch-support';
import { safeName } from '../keys.js';
import type { GroupTiming } from '../store/state-store.js';

/** Reads one event field as text (missing = ''). */
export type FieldReader = (event: NormalizedEvent) => string;

/** A policy ready to run. */
export interface CompiledPolicy {
  readonly name: string;
  readonly definition: PolicyDefinition;
  readonly group?: { readonly timing: GroupTiming; readonly by: readonly FieldReader[] };
  readonly dedup?: { readonly key: EventTemplate; readonly forMs: number };
  readonly throttle?: {
    readonly key: EventTemplate;
    readonly limit: number;
    readonly perMs: number;
  };
}

/** An inhibit rule ready to run. */
export interface CompiledInhibitRule {
  readonly id: string;
  readonly definition: InhibitRuleDefinition;
  readonly source: EventMatcher;
  readonly target: EventMatcher;
  readonly equal: readonly FieldReader[];
  readonly forMs: number;
}

/** An escalation ready to run. */
export interface CompiledEscalation {
  readonly name: string;
  readonly definition: EscalationDefinition;
  readonly resolvedBy?: EventMatcher;
  readonly equal: readonly FieldReader[];
}

/** A template's digest rendering. */
export interface CompiledDigest {
  readonly line: EventTemplate;
  readonly maxLines: number;
}

/** Everything the stages need from the rule set, compiled. */
export interface DispatchPlan {
  readonly ruleSet: RuleSet;
  readonly policies: ReadonlyMap<string, CompiledPolicy>;
  readonly inhibitRules: readonly CompiledInhibitRule[];
  /** Inhibit rules by the name part of their scopes (`safeName(id)`). */
  readonly inhibitRuleByScopeName: ReadonlyMap<string, CompiledInhibitRule>;
  readonly escalations: ReadonlyMap<string, CompiledEscalation>;
  readonly digests: ReadonlyMap<string, CompiledDigest>;
  readonly timeOffset: TimeOffsetCalculator;
  readonly escalationNotifier: EscalationNotifier;
}

/** Compiles the rule set's policies, inhibit rules, escalations and digests. */
export function compileDispatchPlan(ruleSet: RuleSet): DispatchPlan {
  const readers = new Map<string, FieldReader>();
  const reader = (path: string): FieldReader => {
    let found = readers.get(path);
    if (found === undefined) {
      found = createFieldReader(path);
      readers.set(path, found);
    }
    return found;
  };
  const policies = new Map<string, CompiledPolicy>();
  for (const [name, definition] of ruleSet.policies) {
    const group = definition.group;
    policies.set(name, {
      name,
      definition,
      ...(group !== undefined
        ? {
            group: {
              timing: {
                waitMs: group.waitMs,
                intervalMs: group.intervalMs,
                ...(group.repeatMs !== undefined ? { repeatMs: group.repeatMs } : {}),
                closeMs: group.closeMs,
                ...(group.maxItems !== undefined ? { maxItems: group.maxItems } : {}),
                sendFirst: group.sendFirst,
              },
              by: group.by.map(reader),
            },
          }
        : {}),
      ...(definition.dedup !== undefined
        ? {
            dedup: {
              key: compileEventTemplate(definition.dedup.key),
              forMs: definition.dedup.forMs,
            },
          }
        : {}),
      ...(definition.throttle !== undefined
        ? {
            throttle: {
              key: compileEventTemplate(definition.throttle.key),
              limit: definition.throttle.limit,
              perMs: definition.throttle.perMs,
            },
          }
        : {}),
    });
  }
  const inhibitRules = ruleSet.inhibitRules.map((definition): CompiledInhibitRule => ({
    id: definition.id,
    definition,
    source: createEventMatcher(ruleSet, definition.source),
    target: createEventMatcher(ruleSet, definition.target),
    equal: definition.equal.map(reader),
    forMs: definition.forMs,
  }));
  const escalations = new Map<string, CompiledEscalation>();
  for (const [name, definition] of ruleSet.escalations) {
    const resolvedBy = definition.resolvedBy;
    escalations.set(name, {
      name,
      definition,
      ...(resolvedBy !== undefined ? { resolvedBy: createEventMatcher(ruleSet, resolvedBy) } : {}),
      equal: (resolvedBy?.equal ?? []).map(reader),
    });
  }
  const digests = new Map<string, CompiledDigest>();
  for (const [key, template] of ruleSet.templates) {
    if (template.digest === undefined) continue;
    digests.set(key, {
      line: compileEventTemplate(template.digest.line),
      maxLines: template.digest.maxLines ?? DEFAULT_DIGEST_MAX_LINES,
    });
  }
  return {
    ruleSet,
    policies,
    inhibitRules,
    inhibitRuleByScopeName: new Map(inhibitRules.map((rule) => [safeName(rule.id), rule])),
    escalations,
    digests,
    timeOffset: createTimeOffset(ruleSet),
    escalationNotifier: createEscalationNotifier(ruleSet),
  };
}
