import { INVARIANT_DIAGNOSTIC_CODES } from './invariant-diagnostic-codes.js';
import { POLICY_DIAGNOSTIC_CODES } from './policy-diagnostic-codes.js';

/**
 * Every diagnostic code the loader and event validation report, with its severity, what it
 * means and how to fix it: the source for docs/authoring-rules.md and `exroute validate`.
 * Codes are stable; operators and the time checks add their own (see their modules).
 */
export const LOADER_DIAGNOSTIC_CODES = {
  EXR_FILE_NOT_FOUND: {
    severity: 'error',
    meaning: 'A path given to loadRuleSet does not exist.',
    fix: 'Check the path (relative paths resolve from the working directory).',
  },
  EXR_FILE_UNREADABLE: {
    severity: 'error',
    meaning: 'A path exists but cannot be read (permissions, symlink loop, …).',
    fix: 'Fix the file permissions or the link.',
  },
  EXR_NO_RULE_FILES: {
    severity: 'error',
    meaning:
      'A directory (with its subfolders) holds no .yaml/.yml rule files, or no files were given at all.',
    fix: 'Point at the directory that holds the rule files, or pass the files themselves.',
  },
  EXR_SUITE_FILE_AS_RULES: {
    severity: 'error',
    meaning:
      'A rule suite (`*.suite.yaml` / `*.suite.yml`) was given as a rule file; suites hold test cases, not rules.',
    fix: 'Run it with `exroute test <suite>`; pass the rule files or their folder to validate/loadRuleSet.',
  },
  EXR_TOO_MANY_RULE_FILES: {
    severity: 'error',
    meaning:
      'The paths given hold more than 10,000 rule files, or a directory walk entered more than 10,000 folders; nothing was read.',
    fix: 'Point at the folder that holds the rules, not at a parent of unrelated files.',
  },
  EXR_SYMLINK_OUTSIDE_TREE: {
    severity: 'warning',
    meaning:
      'While reading a directory, a symbolic link to a rule file or folder outside that directory was skipped.',
    fix: 'Pass the target path as well, or move the files into the rules folder.',
  },
  EXR_FILE_TOO_LARGE: {
    severity: 'error',
    meaning: 'A rule file is larger than 1 MiB.',
    fix: 'Split it into several files; a directory of files merges into one rule set.',
  },
  EXR_NOT_TEXT: {
    severity: 'error',
    meaning: 'parseRuleSet was called with something other than a string.',
    fix: "Pass the file's text, e.g. from readFile(path, 'utf8').",
  },
  EXR_EMPTY_FILE: {
    severity: 'error',
    meaning: 'The file has no content (or only comments).',
    fix: 'Start it with `apiVersion: exroute/v1`, or delete it.',
  },
  EXR_YAML_INDENTATION: {
    severity: 'error',
    meaning:
      'A line is indented so that it lines up with no key above it, so YAML cannot tell which mapping it belongs to (reported once, at that line).',
    fix: 'Indent it by one of the columns the message offers: beside the key it belongs with.',
  },
  EXR_YAML_SYNTAX: {
    severity: 'error',
    meaning:
      'The text is not valid YAML here (bad indentation, tabs, unclosed quotes, an alias without anchor, several documents, …).',
    fix: 'Fix the YAML at the position shown; one document per file, spaces for indentation.',
  },
  EXR_YAML_DUPLICATE_KEY: {
    severity: 'error',
    meaning: 'The same key appears twice in one mapping (also `1` and `"1"`).',
    fix: 'Keep one of them.',
  },
  EXR_YAML_TAG: {
    severity: 'error',
    meaning: 'A custom or unknown tag such as `!include`, `!!binary` or `!!js/function`.',
    fix: 'Remove the tag and write a plain value; rule files are plain data.',
  },
  EXR_YAML_WARNING: {
    severity: 'error',
    meaning:
      'The YAML parser warned (e.g. an unsupported `%YAML` directive); warnings are fatal in rule files.',
    fix: 'Remove the construct the warning names.',
  },
  EXR_YAML_INTEGER_TOO_LARGE: {
    severity: 'error',
    meaning:
      'An integer beyond ±9007199254740991 (2^53 − 1), which JavaScript numbers cannot hold exactly: it would be rounded without a word, so a rule would compare with another number.',
    fix: 'Quote it to compare it as text (account or reference numbers), or use a smaller number.',
  },
  EXR_YAML_TOO_DEEP: {
    severity: 'error',
    meaning: 'The YAML nests deeper than 64 levels.',
    fix: 'Flatten the structure; move repeated conditions into sharedConditions.',
  },
  EXR_YAML_ALIAS_LIMIT: {
    severity: 'error',
    meaning: 'Aliases expand to too many nodes (the "billion laughs" pattern).',
    fix: 'Write the values out instead of aliasing aliases.',
  },
  EXR_YAML_ALIAS_CYCLE: {
    severity: 'error',
    meaning: 'An alias points at a node that contains it, which would make the data circular.',
    fix: 'Remove the alias.',
  },
  EXR_YAML_INTERNAL: {
    severity: 'error',
    meaning: 'The YAML parser failed in an unexpected way.',
    fix: 'Check the file is UTF-8 YAML text; report the file if it is.',
  },
  EXR_UNSUPPORTED_API_VERSION: {
    severity: 'error',
    meaning: '`apiVersion` is not `exroute/v1`.',
    fix: 'Write `apiVersion: exroute/v1`.',
  },
  EXR_SCHEMA_UNKNOWN_KEY: {
    severity: 'error',
    meaning:
      'A key that does not exist at this place (often a typo; the hint names the closest key).',
    fix: 'Rename it as suggested, or remove it.',
  },
  EXR_SCHEMA_MISSING_KEY: {
    severity: 'error',
    meaning: 'A required key is missing (e.g. a rule without `notify`, a template without `id`).',
    fix: 'Add the key named in the message.',
  },
  EXR_SCHEMA_TYPE: {
    severity: 'error',
    meaning:
      'A value has the wrong type (a list where a mapping belongs, text where a number belongs, …).',
    fix: 'Write the type the message names.',
  },
  EXR_SCHEMA_ENUM: {
    severity: 'error',
    meaning: 'A value is not one of the allowed words (channels, severities, weekdays, …).',
    fix: 'Use one of the listed values; the hint names the closest.',
  },
  EXR_SCHEMA_PATTERN: {
    severity: 'error',
    meaning:
      'A value does not have the required form (rule ids, HH:mm-HH:mm hours, YYYY-MM-DD dates).',
    fix: 'Rewrite it in the form the message describes.',
  },
  EXR_SCHEMA_EMPTY: {
    severity: 'error',
    meaning:
      'A list, mapping or text that must not be empty is empty (e.g. `notify: []`, `to: []`).',
    fix: 'Fill it in or remove the key.',
  },
  EXR_SCHEMA_TOO_MANY_KEYS: {
    severity: 'error',
    meaning: '`due` names more than one of hours, businessHours, businessDays.',
    fix: 'Keep exactly one.',
  },
  EXR_SCHEMA_RANGE: {
    severity: 'error',
    meaning: 'A number is out of range (e.g. `due: { hours: 0 }`, a condition priority below 1).',
    fix: 'Use a value in the range the message gives.',
  },
  EXR_SCHEMA_DUPLICATE_ITEM: {
    severity: 'error',
    meaning: 'A list that must hold distinct items repeats one (channels, days).',
    fix: 'Remove the repetition.',
  },
  EXR_SCHEMA_INVALID: {
    severity: 'error',
    meaning: 'Any other JSON Schema violation.',
    fix: 'Follow the message; compare with the examples in this guide.',
  },
  EXR_FORBIDDEN_KEY: {
    severity: 'error',
    meaning: 'A key named `__proto__`, `constructor` or `prototype`, anywhere in the file.',
    fix: 'Rename the key; these names could reach JavaScript object prototypes.',
  },
  EXR_DUPLICATE_DEFINITION: {
    severity: 'error',
    meaning:
      'A region group, recipient, template, shared condition, calendar or region calendar is defined twice (in one file or across files); the message names both places.',
    fix: 'Keep one definition or rename one of them.',
  },
  EXR_DUPLICATE_RULE_ID: {
    severity: 'error',
    meaning: 'Two rules share an id (in one file or across files); the message names both places.',
    fix: 'Give each rule a unique id.',
  },
  EXR_UNKNOWN_RECIPIENT: {
    severity: 'error',
    meaning: '`to` or `members` names a recipient that is not in `recipients`.',
    fix: 'Define the recipient or fix the name (see the hint).',
  },
  EXR_UNKNOWN_TEMPLATE: {
    severity: 'error',
    meaning: '`template` names a template that is not in `templates`.',
    fix: 'Define the template or fix the name (see the hint).',
  },
  EXR_UNKNOWN_REGION: {
    severity: 'error',
    meaning: '`within` names a region that is neither a group nor a member of one in `regions`.',
    fix: 'Add it to `regions` or fix the name.',
  },
  EXR_REGION_NOT_DECLARED: {
    severity: 'warning',
    meaning:
      'A rule compares `region` with a code (`region: DEU`, `region: 49`, `in: [UK, DEU]`) that is not declared under `regions`, while the rule set declares regions: usually a typo, and the comparison never matches a declared region.',
    fix: 'Use a declared code (see the hint), or add the code to a group under `regions`.',
  },
  EXR_UNKNOWN_CALENDAR: {
    severity: 'error',
    meaning:
      '`regionCalendars`, `effective.calendar` or a time operator names a calendar that is not defined.',
    fix: 'Define it under `calendars` or fix the name.',
  },
  EXR_UNKNOWN_CONDITION: {
    severity: 'error',
    meaning: '`{ condition: name }` names a shared condition that is not defined.',
    fix: 'Define it under `sharedConditions` or fix the name.',
  },
  EXR_UNKNOWN_FACT: {
    severity: 'error',
    meaning: 'A condition, `when` key or placeholder names a field that events do not have.',
    fix: 'Use an event field (type, documentType, region, priority, …) or `$now`; payload fields live under `data.`.',
  },
  EXR_UNKNOWN_OPERATOR: {
    severity: 'error',
    meaning: 'An operator or decorator that does not exist.',
    fix: 'Use one of the operators listed in this guide; the hint names the closest.',
  },
  EXR_TOO_MANY_DECORATORS: {
    severity: 'error',
    meaning:
      'An operator carries more than 8 decorators (`not:not:…:equal`); each one nests another evaluation step.',
    fix: 'Write at most a few decorators; two `not:` cancel out.',
  },
  EXR_CONDITION_TOO_LARGE: {
    severity: 'error',
    meaning:
      "A rule's condition holds more than 10,000 nodes once every shared condition it references is written out in full (shared conditions referencing others several times multiply); the message names the chain of shared conditions that grows it.",
    fix: 'Reference each shared condition once per rule, or restructure the chain so it does not multiply.',
  },
  EXR_RECIPIENT_CYCLE: {
    severity: 'error',
    meaning: 'Recipient groups contain each other through `members`; the message names the cycle.',
    fix: 'Remove one membership from the cycle.',
  },
  EXR_REGION_CYCLE: {
    severity: 'error',
    meaning: 'Region groups contain each other; the message names the cycle.',
    fix: 'Remove one membership from the cycle.',
  },
  EXR_GROUP_TOO_DEEP: {
    severity: 'error',
    meaning:
      'Recipient groups (through `members`) or region groups nest more than 16 levels deep; the message names the chain.',
    fix: 'Flatten the hierarchy: list members directly instead of nesting groups in groups.',
  },
  EXR_REGION_GROUPS_TOO_LARGE: {
    severity: 'error',
    meaning:
      'Region groups, each written out with everything it contains at any depth, add up to more than 1,000,000 (group, member) pairs (many groups that each contain a large group).',
    fix: 'Nest fewer large groups inside many others; use `within` on the large group directly.',
  },
  EXR_CONDITION_CYCLE: {
    severity: 'error',
    meaning: 'Shared conditions reference each other in a cycle; the message names it.',
    fix: 'Break the cycle.',
  },
  EXR_EMPTY_CONDITION_LIST: {
    severity: 'error',
    meaning: '`all: []` or `any: []` (json-rules-engine treats both as always true).',
    fix: 'Add conditions or remove the empty list.',
  },
  EXR_CONDITION_SHAPE: {
    severity: 'error',
    meaning:
      'A condition is not exactly one of all / any / not / condition / fact+operator+value, or a `when` entry has an empty `{}`.',
    fix: 'Split combined conditions into an `all` list; give every fact condition an operator and a value.',
  },
  EXR_CONDITION_TOO_DEEP: {
    severity: 'error',
    meaning: 'Conditions nest deeper than 32 levels (shared conditions expanded).',
    fix: 'Simplify, or factor parts into shared conditions that do not nest as deeply.',
  },
  EXR_OPERATOR_VALUE_TYPE: {
    severity: 'error',
    meaning:
      'The value does not fit the operator (`in` needs a list, `greaterThan` a number, `atLeast` a priority, `someValue:` a list, …).',
    fix: 'Write a value of the kind the message names.',
  },
  EXR_FACT_VALUE_NOT_ALLOWED: {
    severity: 'error',
    meaning:
      '`value: { fact: … }`, or the `swap:` decorator, is used with an operator that needs a literal value (`exists`, `matches`, `timeBetween`, `dayOfWeek`).',
    fix: 'Write the value itself; drop `swap:`.',
  },
  EXR_UNSUPPORTED_PATH: {
    severity: 'error',
    meaning:
      'A `path` or `when` key goes beyond simple member and index access (filters, wildcards, `..`, prototype keys).',
    fix: 'Use `$.a.b[0]` paths (or `data.a.b[0]` keys in `when`).',
  },
  EXR_TEMPLATE_PLACEHOLDER: {
    severity: 'error',
    meaning: 'A `{{ … }}` placeholder is not a field path, or braces are unbalanced.',
    fix: 'Write `{{ field.path }}`; there are no filters, helpers or expressions.',
  },
  EXR_NO_ADDRESS_FOR_CHANNEL: {
    severity: 'warning',
    meaning:
      'A recipient reached by a notify entry has no address for one of its channels, so it gets nothing on that channel.',
    fix: 'Add the address, or drop the channel for this entry.',
  },
  EXR_CHANNEL_NOT_IN_TEMPLATE: {
    severity: 'warning',
    meaning: '`channels` on a notify entry lists a channel the template does not.',
    fix: 'Check the template exists on that channel in Notifications and add it to the template.',
  },
  EXR_UNUSED_SHARED_CONDITION: {
    severity: 'warning',
    meaning: 'A shared condition no rule or other shared condition references.',
    fix: 'Reference it or remove it.',
  },
  EXR_RECIPIENT_WITHOUT_ADDRESS: {
    severity: 'warning',
    meaning: 'A recipient has neither addresses nor members, so it never receives anything.',
    fix: 'Add an address or members, or remove it.',
  },
  EXR_RULE_SET_UNCHECKED: {
    severity: 'error',
    meaning:
      '`createRouter` (or another compiler of rule sets) was given a rule set that did not come from the loader unchanged: built or altered in code. The router trusts the loader and checks nothing again.',
    fix: 'Write the rule set as rule-file text (JSON is YAML) and pass it through `checkRuleSet` or `parseRuleSet`.',
  },
  EXR_INTERNAL: {
    severity: 'error',
    meaning: 'The loader failed unexpectedly (a bug).',
    fix: 'Report it together with the rule file.',
  },
  EXR_EVENT_FORBIDDEN_KEY: {
    severity: 'error',
    meaning: 'An event carries a `__proto__`, `constructor` or `prototype` key.',
    fix: 'Fix the producer or normalizer; such events are never routed.',
  },
  EXR_EVENT_MISSING_FIELD: {
    severity: 'error',
    meaning: 'An event lacks a required field (id, source, type, time, data).',
    fix: 'Set the field in the producer or normalizer.',
  },
  EXR_EVENT_UNKNOWN_FIELD: {
    severity: 'error',
    meaning: 'An event has a top-level field that is not part of NormalizedEvent.',
    fix: 'Move it under `data`.',
  },
  EXR_EVENT_INVALID_FIELD: {
    severity: 'error',
    meaning: 'An event field has the wrong type or form (time not RFC 3339, unknown priority, …).',
    fix: 'Fix the value the pointer names.',
  },
  EXR_EVENT_NOT_JSON: {
    severity: 'error',
    meaning:
      'An event holds a value JSON cannot carry: `NaN`, `Infinity`, `-Infinity`, a bigint, a function or a symbol (the pointer says where).',
    fix: 'Send finite numbers, strings or null; fix the producer or the normalizer that computed the value.',
  },
  EXR_EVENT_UNREADABLE: {
    severity: 'error',
    meaning:
      'Reading the event threw (a getter or a Proxy trap that throws); `route` and `explain` never let such an error escape as anything but `EventValidationError`.',
    fix: 'Pass plain JSON data (e.g. the result of `JSON.parse`), not objects with getters or Proxies.',
  },
  EXR_EVENT_TOO_DEEP: {
    severity: 'error',
    meaning: 'An event nests deeper than 64 levels, or is circular.',
    fix: 'Flatten `data`.',
  },
  EXR_EVENT_TOO_LARGE: {
    severity: 'error',
    meaning: 'An event holds more than 100,000 values.',
    fix: 'Send a smaller payload.',
  },
  ...POLICY_DIAGNOSTIC_CODES,
  ...INVARIANT_DIAGNOSTIC_CODES,
} as const satisfies Record<string, DiagnosticCodeInfo>;

/** Severity, meaning and fix of one diagnostic code. */
export interface DiagnosticCodeInfo {
  severity: 'error' | 'warning';
  meaning: string;
  fix: string;
}

/** A code the loader or event validation reports. */
export type LoaderDiagnosticCode = keyof typeof LOADER_DIAGNOSTIC_CODES;
