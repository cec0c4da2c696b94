import type { Diagnostic } from './diagnostic.js';
import { RuleSetError } from './errors.js';
import type { RuleSet } from './rule-set.js';

/**
 * The rule sets the loader has checked (`checkRuleSet` and everything built on it). Only these
 * reach the compiler, so it trusts them and checks nothing a second time; a rule set built or
 * changed in code is refused and has to go through `checkRuleSet` (as text: JSON is YAML).
 */
const checked = new WeakSet<object>();

/** Records `ruleSet` (fresh from the loader, frozen) as checked; internal to core. */
export function markChecked(ruleSet: Omit<RuleSet, typeof CHECKED>): RuleSet {
  checked.add(ruleSet);
  return ruleSet as RuleSet;
}

/** Whether `value` is a rule set the loader produced, unchanged. */
export function isChecked(value: unknown): value is RuleSet {
  return typeof value === 'object' && value !== null && checked.has(value);
}

/**
 * Throws `RuleSetError` (`EXR_RULE_SET_UNCHECKED`) unless `value` came from the loader: `who`
 * (`createRouter`, …) compiles it without checking it again.
 */
export function requireChecked(value: unknown, who: string): asserts value is RuleSet {
  if (isChecked(value)) return;
  const problem: Diagnostic = {
    code: 'EXR_RULE_SET_UNCHECKED',
    severity: 'error',
    message: `${who} takes a rule set from parseRuleSet, loadRuleSet or checkRuleSet; a rule set built or changed in code has to go through checkRuleSet first`,
  };
  throw new RuleSetError([problem]);
}

/**
 * The type-level half of the brand: a `RuleSet` value can only be obtained from the loader, so
 * an object literal does not type-check as one. (Declared only; no such value exists.)
 */
export declare const CHECKED: unique symbol;
