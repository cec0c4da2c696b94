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

/** Aliases a document may expand before yaml gives up (billion-laughs protection). */
export const MAX_ALIAS_COUNT = 50;

/** Deepest nesting of `all` / `any` / `not` / named references inside one rule. */
export const MAX_CONDITION_DEPTH = 32;

/** Deepest nesting accepted in an event. */
export const MAX_EVENT_DEPTH = 64;

/** Most values (objects, arrays and scalars) accepted in one event. */
export const MAX_EVENT_VALUES = 100_000;
