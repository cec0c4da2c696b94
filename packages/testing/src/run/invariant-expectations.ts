/**
 * Suites assert a rule set's invariants on every case without being asked: each event is routed
 * by the rules alone (no invariant repair) and every invariant whose `for` matches must already
 * be met. The production router would add what is missing; a suite says the rules need fixing.
 */
import { createInvariantChecker, createRouter } from '@exroute/core';
import type {
  InvariantChecker,
  NormalizedEvent,
  Router,
  RoutingDecision,
  RuleSet,
} from '@exroute/core';
import type { ExpectationFailure } from './results.js';

type Located = { file: string; line: number; column: number };

/** Routes by the rules alone and reports the invariants they break; inert without invariants. */
export class InvariantAssertion {
  private readonly rulesAlone: Router | undefined;
  private readonly checker: InvariantChecker | undefined;

  /** `clock` is the suite's clock, shared with its router so `$now` agrees. */
  constructor(ruleSet: RuleSet, clock: () => Date) {
    if ((ruleSet.invariants ?? []).length === 0) return;
    this.rulesAlone = createRouter(ruleSet, { clock, invariants: false });
    this.checker = createInvariantChecker(ruleSet, { clock });
  }

  /**
   * One failure (`expect.invariants`, located at `where`) per required notification the rules
   * alone leave out or leave incomplete for `event`; empty when they comply or there are no
   * invariants. Throws what routing throws (the caller already routed the same event).
   */
  check(event: NormalizedEvent, where: Located): ExpectationFailure[] {
    if (this.rulesAlone === undefined || this.checker === undefined) return [];
    const decision = this.rulesAlone.route(event);
    return this.checker.check(event, decision).violations.map((violation) => {
      const missing = [...new Set(violation.missingRecipients.map((r) => r.key))];
      return {
        expectation: 'invariants' as const,
        message: `invariant '${violation.invariant}' is broken by the rules alone: ${
          violation.missingNotification
            ? `no ${violation.template} notification on ${violation.channel}`
            : `${violation.template} on ${violation.channel} does not reach ${missing.join(', ')}`
        } (${describeRules(decision)}); the router adds it at run time, but the rules should not rely on that`,
        expected: {
          invariant: violation.invariant,
          template: violation.template,
          channel: violation.channel,
          recipients: missing,
        },
        actual: {
          rules: decision.matched.map((m) => m.ruleId),
          notifications: decision.notifications.map((n) => `${n.template}/${n.channel}`),
        },
        missing,
        ...where,
      };
    });
  }
}

function describeRules(decision: RoutingDecision): string {
  const ids = decision.matched.map((m) => m.ruleId);
  return ids.length === 0 ? 'no rule matched' : `matched: ${ids.join(', ')}`;
}
