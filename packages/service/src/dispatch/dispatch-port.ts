import type { RuleSet } from '@exroute/core';
import type { Dispatcher } from '@exroute/dispatch';

/**
 * Builds the dispatcher (`@exroute/dispatch`, DESIGN §8) for a rule set; called again with the
 * new set on every hot reload. All dispatchers of a service share one state store, so a reload
 * re-opens no group and sends nothing early.
 */
export type DispatchFactory = (ruleSet: RuleSet) => Dispatcher;
