import type { RoutedNotification, RuleSet } from '@exroute/core';

/** How the dispatcher treats a notification an invariant requires (docs/governance.md). */
export interface RequiredPassage {
  /** The invariants requiring it, as routed. */
  readonly requiredBy: readonly string[];
  /** Whether its policy may still group it: only when every requiring invariant says `group: true`. */
  readonly mayGroup: boolean;
}

/**
 * Knows the rule set's invariants by id: a notification with `requiredBy` skips inhibit, silence,
 * dedup and throttle, and is grouped only when every invariant requiring it allows grouping. An
 * id the rule set does not know (a decision routed under another rule set) never allows grouping.
 */
export class InvariantGuard {
  private readonly groupable: ReadonlyMap<string, boolean>;

  constructor(ruleSet: RuleSet) {
    this.groupable = new Map((ruleSet.invariants ?? []).map((i) => [i.id, i.group]));
  }

  /** The passage of a required notification; `undefined` for any other (the common case). */
  passage(notification: RoutedNotification): RequiredPassage | undefined {
    const requiredBy = notification.requiredBy;
    if (!Array.isArray(requiredBy) || requiredBy.length === 0) return undefined;
    return {
      requiredBy,
      mayGroup: requiredBy.every((id) => this.groupable.get(id) === true),
    };
  }
}

/** The verdict reason for a required notification: why no policy could drop it. */
export function requiredReason(passage: RequiredPassage): string {
  const ids = passage.requiredBy.map((id) => `'${id}'`).join(', ');
  return `required by invariant ${ids}: inhibit, silence, dedup and throttle do not apply${passage.mayGroup ? '; grouping allowed (group: true)' : '; never grouped'}`;
}
