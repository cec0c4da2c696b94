/**
 * json-rules-engine's condition format, accepted verbatim (DESIGN.md §3). `operator` may carry
 * decorators, e.g. `someFact:equal` or `not:in`.
 */
export type Condition =
  AllCondition | AnyCondition | NotCondition | ConditionReference | LeafCondition;

/** Every nested condition must hold. */
export interface AllCondition {
  all: Condition[];
  name?: string;
  priority?: number;
}

/** At least one nested condition must hold. */
export interface AnyCondition {
  any: Condition[];
  name?: string;
  priority?: number;
}

/** The nested condition must not hold. */
export interface NotCondition {
  not: Condition;
  name?: string;
  priority?: number;
}

/** A reference to a named entry of the rule set's `sharedConditions`. */
export interface ConditionReference {
  condition: string;
  name?: string;
  priority?: number;
}

/** Compare a fact (optionally a simple JSONPath inside it) with a value or with another fact. */
export interface LeafCondition {
  fact: string;
  operator: string;
  /** A literal, or `{ fact, path? }` to compare against another fact. */
  value: unknown;
  /** Simple member/index path only, e.g. `$.resource.versions[0]`. */
  path?: string;
  /** json-rules-engine fact params; accepted for compatibility, exroute facts ignore them. */
  params?: Record<string, unknown>;
  name?: string;
  priority?: number;
}

/** `value: { fact: region }`: compare against another fact of the same event. */
export interface FactValueReference {
  fact: string;
  path?: string;
  params?: Record<string, unknown>;
}
