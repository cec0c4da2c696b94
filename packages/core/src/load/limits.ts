/**
 * Hard bounds the loader enforces before handing parsed data to anything recursive (toJS, ajv,
 * the condition walkers), so hostile input costs bounded time and stack.
 */

/** Largest rule file accepted, in UTF-8 bytes (1 MiB). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Most rule files one load takes, counted over every path given (directories recursively). */
export const MAX_RULE_FILES = 10_000;

/** Most folders one directory walk enters, so a tree without rule files cannot keep it busy. */
export const MAX_RULE_DIRECTORIES = 10_000;

/** Deepest YAML nesting accepted (maps and sequences), counted from the document root. */
export const MAX_YAML_DEPTH = 64;

/**
 * Most alias expansions one document may hold (billion-laughs protection): every `*alias` counts
 * one, plus every alias inside the node it refers to, so an alias of a node holding ten aliases
 * counts eleven. 50 are accepted, the 51st is reported at its own line.
 */
export const MAX_ALIAS_COUNT = 50;

/**
 * The limit handed to yaml's own `maxAliasCount` as a second line of defence. yaml counts per
 * anchor (the anchor itself plus its uses, times the aliases nested in it), which is never more
 * than `(MAX_ALIAS_COUNT + 1)²` for a document the loader's own count accepted.
 */
export const YAML_LIBRARY_ALIAS_GUARD = (MAX_ALIAS_COUNT + 1) ** 2;

/** Most decorators (`not:`, `someFact:`, …) one operator may carry; real rules use one or two. */
export const MAX_OPERATOR_DECORATORS = 8;

/**
 * Most condition nodes one rule's condition may hold with every shared condition written out in
 * full (what json-rules-engine evaluates): sharing keeps files small, not evaluation cheap.
 */
export const MAX_EXPANDED_CONDITION_NODES = 10_000;

/** Deepest nesting of `all` / `any` / `not` / named references inside one rule. */
export const MAX_CONDITION_DEPTH = 32;

/** Deepest nesting accepted in an event. */
export const MAX_EVENT_DEPTH = 64;

/** Most values (objects, arrays and scalars) accepted in one event. */
export const MAX_EVENT_VALUES = 100_000;

/**
 * Deepest nesting of groups inside groups: recipient groups (`members`) and region groups. Real
 * directories nest two or three levels; the bound keeps every expansion shallow.
 */
export const MAX_GROUP_DEPTH = 16;

/**
 * Most (group, member) pairs the region groups may expand to, every group with all it contains
 * at any depth: `within` looks members up in these sets, built once per router.
 */
export const MAX_REGION_MEMBERSHIPS = 1_000_000;
