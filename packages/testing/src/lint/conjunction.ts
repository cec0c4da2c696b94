/**
 * The facts a rule's condition pins down for certain: its top-level conjunction (nested `all`s
 * and shared-condition references flattened) and the equality constraints among its leaves.
 * Everything here is conservative — a leaf it does not understand is simply not used — so the
 * checks built on it never report a problem that is not there.
 */
import { parseSimplePath } from '@exroute/core';
import type { Condition, LeafCondition, RuleSet } from '@exroute/core';

/** Leaves that must all hold for the condition to hold. */
export interface Conjunction {
  leaves: LeafCondition[];
  /** True when the condition is exactly the AND of `leaves` (no `any`/`not` left out). */
  complete: boolean;
}

/** A scalar a leaf can compare with `===` (what `equal` and `in` do). */
export type Scalar = string | number | boolean | null;

/** What one conjunction requires of one field (fact + path). */
export interface FieldConstraint {
  field: string;
  /** Values allowed by every `equal`/`in` leaf on the field; undefined when none constrains it. */
  allowed?: Scalar[];
  /** Values ruled out by `notEqual`/`notIn` leaves. */
  excluded: Scalar[];
  /** Whether every leaf on the field is an undecorated equal/in/notEqual/notIn with literals. */
  onlyEquality: boolean;
}

const MAX_REFERENCE_DEPTH = 32;

/** Flattens `condition`'s top-level `all` chain into its leaves. */
export function flattenConjunction(condition: Condition, ruleSet: RuleSet): Conjunction {
  const leaves: LeafCondition[] = [];
  let complete = true;
  const visit = (node: Condition, depth: number): void => {
    if ('all' in node) {
      node.all.forEach((child) => visit(child, depth));
    } else if ('condition' in node) {
      const shared = ruleSet.sharedConditions.get(node.condition);
      if (shared === undefined || depth >= MAX_REFERENCE_DEPTH) complete = false;
      else visit(shared.condition, depth + 1);
    } else if ('fact' in node && 'operator' in node) {
      leaves.push(node);
    } else {
      complete = false;
    }
  };
  visit(condition, 0);
  return { leaves, complete };
}

/** The field a leaf reads, canonical so `$.a` and `$['a']` compare equal. */
export function fieldOf(leaf: LeafCondition): string {
  if (leaf.path === undefined) return leaf.fact;
  const segments = parseSimplePath(leaf.path);
  return `${leaf.fact}${segments === undefined ? leaf.path : JSON.stringify(segments)}`;
}

/** Per field, the values the conjunction allows and excludes. */
export function fieldConstraints(leaves: readonly LeafCondition[]): Map<string, FieldConstraint> {
  const constraints = new Map<string, FieldConstraint>();
  for (const leaf of leaves) {
    const field = fieldOf(leaf);
    const constraint = constraints.get(field) ?? { field, excluded: [], onlyEquality: true };
    constraints.set(field, constraint);
    const values = literalValues(leaf);
    if (values === undefined) {
      constraint.onlyEquality = false;
      continue;
    }
    if (leaf.operator === 'equal' || leaf.operator === 'in') {
      constraint.allowed =
        constraint.allowed === undefined
          ? values
          : constraint.allowed.filter((value) => values.includes(value));
    } else {
      constraint.excluded.push(...values);
    }
  }
  return constraints;
}

/** The literal values of an undecorated equal/in/notEqual/notIn leaf; undefined otherwise. */
function literalValues(leaf: LeafCondition): Scalar[] | undefined {
  const { operator, value } = leaf;
  if (operator === 'equal' || operator === 'notEqual') {
    return isScalar(value) ? [value] : undefined;
  }
  if (operator === 'in' || operator === 'notIn') {
    // json-rules-engine's `in` with a string value is a substring test: not an equality.
    return Array.isArray(value) && value.every(isScalar) ? value : undefined;
  }
  return undefined;
}

function isScalar(value: unknown): value is Scalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && !Number.isNaN(value))
  );
}
