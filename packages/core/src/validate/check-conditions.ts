import { PRIORITIES } from '../model/event.js';
import { DECORATORS } from '../operators/decorators.js';
import type { OperatorDecorator } from '../operators/decorators.js';
import type {
  DefinedNames,
  OperatorDefinition,
  ValueProblem,
  ValueKind,
} from '../operators/operator.js';
import { decoratorCount, OPERATORS, parseOperator } from '../operators/registry.js';
import { parseSimplePath } from '../paths/simple-path.js';
import { MAX_CONDITION_DEPTH, MAX_OPERATOR_DECORATORS } from '../load/limits.js';
import { didYouMean } from './did-you-mean.js';
import { KNOWN_FACTS } from './known-facts.js';
import type { LocatedReporter, Place } from './located-reporter.js';
import { hasOwn, isRecord } from './shape-guards.js';

/** What condition checks consult: the reporter, the names the rule set defines, shared conditions. */
export interface ConditionCheckContext {
  reporter: LocatedReporter;
  names: DefinedNames;
  sharedConditions: ReadonlySet<string>;
  /** Nesting depth a shared condition adds where it is referenced (memoised by the caller). */
  sharedConditionDepth: (name: string) => number;
  /** Called for every `{ condition: name }` reference, to find unused shared conditions. */
  onReference: (name: string) => void;
}

const CONDITION_KINDS = ['all', 'any', 'not', 'condition', 'fact'] as const;

/** Every key a condition may have; anything else is already an EXR_SCHEMA_UNKNOWN_KEY. */
const CONDITION_KEYS: ReadonlySet<string> = new Set([
  ...CONDITION_KINDS,
  'operator',
  'value',
  'path',
  'params',
  'name',
  'priority',
]);

/**
 * Checks one json-rules-engine condition (and everything nested in it) at `place`: shape, empty
 * lists, depth, references, facts, paths, operators and values. Shapes the JSON Schema already
 * rejects (a list where a mapping belongs) are left to the schema diagnostics.
 */
export function checkCondition(
  value: unknown,
  place: Place,
  context: ConditionCheckContext,
  depth = 1,
): void {
  if (!isRecord(value)) return;
  const { reporter } = context;
  if (depth > MAX_CONDITION_DEPTH) {
    reporter.error(
      'EXR_CONDITION_TOO_DEEP',
      `conditions nest deeper than ${MAX_CONDITION_DEPTH} levels here; move parts into sharedConditions or simplify`,
      place,
    );
    return;
  }
  // A misspelled key (`alll`, `operater`) is reported once, with a hint, by the schema; a shape
  // error on top would only repeat it.
  const misspelled = Object.keys(value).some((key) => !CONDITION_KEYS.has(key));
  const kinds = CONDITION_KINDS.filter((kind) => hasOwn(value, kind));
  if (kinds.length !== 1) {
    if (misspelled && kinds.length === 0) return;
    reporter.error(
      'EXR_CONDITION_SHAPE',
      kinds.length === 0
        ? 'a condition needs one of all, any, not, condition, or fact with operator and value'
        : `a condition takes exactly one of all, any, not, condition, fact; this one has ${kinds.join(', ')} — split it into an all list`,
      place,
    );
    return;
  }
  const kind = kinds[0]!;
  switch (kind) {
    case 'all':
    case 'any': {
      const list = value[kind];
      if (!Array.isArray(list)) return;
      if (list.length === 0) {
        reporter.error(
          'EXR_EMPTY_CONDITION_LIST',
          `'${kind}: []' is empty (json-rules-engine treats it as always true); add conditions or remove it`,
          { file: place.file, segments: [...place.segments, kind] },
        );
        return;
      }
      list.forEach((item, index) =>
        checkCondition(
          item,
          { file: place.file, segments: [...place.segments, kind, index] },
          context,
          depth + 1,
        ),
      );
      return;
    }
    case 'not':
      checkCondition(
        value['not'],
        { file: place.file, segments: [...place.segments, 'not'] },
        context,
        depth + 1,
      );
      return;
    case 'condition': {
      const name = value['condition'];
      if (typeof name !== 'string') return;
      const refPlace: Place = { file: place.file, segments: [...place.segments, 'condition'] };
      if (!context.sharedConditions.has(name)) {
        reporter.error(
          'EXR_UNKNOWN_CONDITION',
          `no shared condition is named '${name}'; define it under sharedConditions`,
          refPlace,
          { hint: didYouMean(name, context.sharedConditions) },
        );
        return;
      }
      context.onReference(name);
      if (depth + context.sharedConditionDepth(name) > MAX_CONDITION_DEPTH + 1) {
        reporter.error(
          'EXR_CONDITION_TOO_DEEP',
          `with shared condition '${name}' expanded, conditions nest deeper than ${MAX_CONDITION_DEPTH} levels; simplify`,
          refPlace,
        );
      }
      return;
    }
    case 'fact': {
      const segment = (key: string): Place => ({
        file: place.file,
        segments: [...place.segments, key],
      });
      if (!hasOwn(value, 'operator') || !hasOwn(value, 'value')) {
        if (misspelled) return;
        const missing = ['operator', 'value'].filter((key) => !hasOwn(value, key));
        reporter.error(
          'EXR_CONDITION_SHAPE',
          `a fact condition needs fact, operator and value; add ${missing.join(' and ')}`,
          place,
        );
        return;
      }
      checkLeaf(
        {
          fact: value['fact'],
          path: value['path'],
          operator: value['operator'],
          value: value['value'],
        },
        {
          fact: { place: segment('fact'), at: 'value' },
          path: { place: segment('path'), at: 'value' },
          operator: { place: segment('operator'), at: 'value' },
          value: { place: segment('value'), at: 'value' },
        },
        context,
      );
      return;
    }
  }
}

/** A place plus whether its key or its value is meant. */
export interface PointedPlace {
  place: Place;
  at: 'value' | 'key';
}

/** The parts of one leaf condition, as written (unchecked). */
export interface LeafParts {
  fact: unknown;
  path: unknown;
  operator: unknown;
  value: unknown;
}

/** Where each part of a leaf is written, so problems point at the right token. */
export interface LeafPlaces {
  fact: PointedPlace;
  path: PointedPlace;
  operator: PointedPlace;
  value: PointedPlace;
}

/** Checks one leaf: known fact, simple path, known operator, value of the right kind. */
export function checkLeaf(
  leaf: LeafParts,
  places: LeafPlaces,
  context: ConditionCheckContext,
): void {
  const { reporter } = context;
  if (typeof leaf.fact === 'string') checkFactName(leaf.fact, places.fact, context);
  if (typeof leaf.path === 'string') checkPath(leaf.path, places.path, context);
  if (typeof leaf.operator !== 'string') return;
  const decorators = decoratorCount(leaf.operator);
  if (decorators > MAX_OPERATOR_DECORATORS) {
    reporter.error(
      'EXR_TOO_MANY_DECORATORS',
      `this operator carries ${decorators} decorators (at most ${MAX_OPERATOR_DECORATORS}); write one or two, e.g. not:in or someFact:equal`,
      places.operator.place,
      { at: places.operator.at },
    );
    return;
  }
  const parsed = parseOperator(leaf.operator);
  if (parsed === undefined) {
    reporter.error(
      'EXR_UNKNOWN_OPERATOR',
      `unknown operator '${leaf.operator}'; operators: ${[...OPERATORS.keys()].join(', ')}; decorators: ${[...DECORATORS.keys()].join(', ')}`,
      places.operator.place,
      { at: places.operator.at, hint: operatorHint(leaf.operator) },
    );
    return;
  }
  if (!parsed.base.allowsFactValue && parsed.decorators.some((d) => d.swaps)) {
    // `swap:` feeds the event's field to the operator as its value: a `matches` pattern (or an
    // `exists` flag, a time window) the event chooses at run time, never checked at load.
    reporter.error(
      'EXR_FACT_VALUE_NOT_ALLOWED',
      `'swap:' would make the event's field the value of '${parsed.base.name}', which must be a literal checked at load time (for matches, a pattern the event could choose); remove 'swap:' and write the literal as the value`,
      places.operator.place,
      { at: places.operator.at },
    );
    return;
  }
  if (isFactReference(leaf.value)) {
    if (!parsed.base.allowsFactValue) {
      reporter.error(
        'EXR_FACT_VALUE_NOT_ALLOWED',
        `operator '${parsed.base.name}' needs a literal value, not { fact: … }`,
        places.value.place,
        { at: places.value.at },
      );
      return;
    }
    const reference = leaf.value;
    const valuePlace = places.value.place;
    if (typeof reference['fact'] === 'string') {
      checkFactName(
        reference['fact'],
        {
          place: { file: valuePlace.file, segments: [...valuePlace.segments, 'fact'] },
          at: 'value',
        },
        context,
      );
    }
    if (typeof reference['path'] === 'string') {
      checkPath(
        reference['path'],
        {
          place: { file: valuePlace.file, segments: [...valuePlace.segments, 'path'] },
          at: 'value',
        },
        context,
      );
    }
    return;
  }
  const problem = literalProblem(leaf.value, parsed.decorators, parsed.base, context.names);
  if (problem !== undefined) {
    reporter.error(problem.code, problem.message, places.value.place, {
      at: places.value.at,
      hint: problem.hint,
    });
    return;
  }
  if (leaf.fact === 'region' && leaf.path === undefined && parsed.decorators.length === 0) {
    checkRegionValues(parsed.base.name, leaf.value, places.value, context);
  }
}

/** Operators whose literal value is compared with the event's region as is (or item by item). */
const REGION_COMPARISONS: ReadonlySet<string> = new Set(['equal', 'notEqual', 'in', 'notIn']);

/**
 * A rule set that declares `regions` names its region codes there, so `region: DEU` or
 * `region: 49` next to them is almost certainly a typo that silently never matches: warn, at
 * the value, with the closest declared code.
 */
function checkRegionValues(
  operator: string,
  value: unknown,
  where: PointedPlace,
  context: ConditionCheckContext,
): void {
  const { regions } = context.names;
  if (regions.size === 0 || !REGION_COMPARISONS.has(operator)) return;
  const items = Array.isArray(value)
    ? (value as unknown[]).map((item, index) => ({
        item,
        place: { file: where.place.file, segments: [...where.place.segments, index] },
        at: 'value' as const,
      }))
    : [{ item: value, place: where.place, at: where.at }];
  for (const { item, place, at } of items) {
    if (typeof item === 'string' && regions.has(item)) continue;
    if (typeof item !== 'string' && typeof item !== 'number') continue;
    const shown = typeof item === 'string' ? `'${item}'` : String(item);
    context.reporter.warning(
      'EXR_REGION_NOT_DECLARED',
      `region ${shown} is not declared under regions, so no event from a declared region matches it${
        typeof item === 'number' ? '; region codes are text such as DE' : ''
      }`,
      place,
      { at, hint: didYouMean(String(item), regions) },
    );
  }
}

/** json-rules-engine treats any mapping with an own `fact` key as a reference to another fact. */
export function isFactReference(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && hasOwn(value, 'fact');
}

function checkFactName(fact: string, where: PointedPlace, context: ConditionCheckContext): void {
  if (KNOWN_FACTS.has(fact)) return;
  context.reporter.error(
    'EXR_UNKNOWN_FACT',
    `unknown fact '${fact}'; facts are the event fields (${[...KNOWN_FACTS].join(', ')}); payload fields live under data, e.g. data.${fact}`,
    where.place,
    { at: where.at, hint: didYouMean(fact, KNOWN_FACTS) },
  );
}

function checkPath(path: string, where: PointedPlace, context: ConditionCheckContext): void {
  if (parseSimplePath(path) !== undefined) return;
  context.reporter.error(
    'EXR_UNSUPPORTED_PATH',
    `path '${path}' is not a simple JSONPath; use member and index access only, e.g. $.resource.items[0].name (no filters, wildcards, '..', or prototype keys)`,
    where.place,
    { at: where.at },
  );
}

function operatorHint(name: string): string | undefined {
  const parts = name.split(':');
  const base = parts.pop() ?? '';
  const decorators = parts.map((part) =>
    DECORATORS.has(part) ? part : (didYouMeanName(part, DECORATORS.keys()) ?? part),
  );
  const fixedBase = OPERATORS.has(base) ? base : didYouMeanName(base, OPERATORS.keys());
  if (fixedBase === undefined) return undefined;
  const suggestion = [...decorators, fixedBase].join(':');
  return suggestion === name ? undefined : `did you mean '${suggestion}'?`;
}

function didYouMeanName(input: string, candidates: Iterable<string>): string | undefined {
  const hint = didYouMean(input, candidates);
  return hint === undefined ? undefined : hint.slice("did you mean '".length, -"'?".length);
}

/**
 * What is wrong with a literal value for a decorated operator: `someValue:` / `everyValue:` need
 * a list whose items fit the rest; after `swap:` the literal is compared as the fact side, so
 * its kind is not checked.
 */
function literalProblem(
  value: unknown,
  decorators: readonly OperatorDecorator[],
  base: OperatorDefinition,
  names: DefinedNames,
): ValueProblem | undefined {
  const [first, ...rest] = decorators;
  if (first === undefined) {
    return kindProblem(base, value, names) ?? base.checkValue?.(value, names);
  }
  if (first.swaps) return undefined;
  if (!first.valueMustBeArray) return literalProblem(value, rest, base, names);
  if (!Array.isArray(value)) {
    return {
      code: 'EXR_OPERATOR_VALUE_TYPE',
      message: `decorator '${first.name}:' needs a list as value`,
    };
  }
  for (const item of value) {
    const problem = literalProblem(item, rest, base, names);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

const KIND_WORDS: Record<ValueKind, string> = {
  any: 'any value',
  array: 'a list',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  pattern: 'a regular expression string',
  priority: `a priority (${PRIORITIES.join(', ')})`,
  region: 'a region code or group',
  calendar: 'a calendar name or region code',
  'time-range': "a time range such as '09:00-17:00'",
  weekdays: 'a list of weekdays (mon … sun)',
  date: 'a date (YYYY-MM-DD)',
};

function kindProblem(
  base: OperatorDefinition,
  value: unknown,
  names: DefinedNames,
): ValueProblem | undefined {
  const mismatch = (hint?: string): ValueProblem => ({
    code: 'EXR_OPERATOR_VALUE_TYPE',
    message: `operator '${base.name}' needs ${KIND_WORDS[base.valueKind]} as value`,
    ...(hint !== undefined ? { hint } : {}),
  });
  switch (base.valueKind) {
    case 'any':
      return undefined;
    case 'array':
      return Array.isArray(value) ? undefined : mismatch();
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : mismatch();
    case 'string':
    case 'pattern':
    case 'time-range':
    case 'date':
      return typeof value === 'string' ? undefined : mismatch();
    case 'boolean':
      return typeof value === 'boolean' ? undefined : mismatch();
    case 'weekdays':
      return Array.isArray(value) || typeof value === 'string' ? undefined : mismatch();
    case 'priority':
      if (typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value))
        return undefined;
      return mismatch(typeof value === 'string' ? didYouMean(value, PRIORITIES) : undefined);
    case 'region':
      if (typeof value !== 'string') return mismatch();
      if (names.regions.has(value)) return undefined;
      return {
        code: 'EXR_UNKNOWN_REGION',
        message: `region '${value}' is not defined; add it (or the group) under regions`,
        ...hintField(didYouMean(value, names.regions)),
      };
    case 'calendar':
      if (typeof value !== 'string') return mismatch();
      if (
        names.calendars.has(value) ||
        names.regionCalendars.has(value) ||
        names.regions.has(value)
      ) {
        return undefined;
      }
      return {
        code: 'EXR_UNKNOWN_CALENDAR',
        message: `'${value}' is neither a calendar nor a region with a calendar; define it under calendars or regionCalendars`,
        ...hintField(didYouMean(value, [...names.calendars, ...names.regionCalendars])),
      };
  }
}

function hintField(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}
