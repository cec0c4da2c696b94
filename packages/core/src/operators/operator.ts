/**
 * What a literal `value` must look like for an operator; the loader checks it and reports
 * `EXR_OPERATOR_VALUE_TYPE` with the position of the value.
 */
export type ValueKind =
  | 'any'
  | 'array'
  | 'number'
  | 'string'
  | 'boolean'
  | 'pattern'
  | 'priority'
  | 'region'
  | 'calendar'
  | 'time-range'
  | 'weekdays'
  | 'date';

/** Static data operators may consult, built once by `createRouter` (and by the reference). */
export interface OperatorContext {
  /** Region group → every region code it contains, transitively (a group also contains itself). */
  readonly regionMembers: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Open slot for the time module (issue 6): resolved calendars keyed by name, plus the
   * region → calendar lookup. Operators that need it narrow the type themselves.
   */
  readonly time?: unknown;
}

/** A comparison prepared for one literal value: fact value in, verdict out. */
export type PreparedComparison = (factValue: unknown) => boolean;

/**
 * One operator, in one file, registered in `registry.ts` (as ajv keeps one keyword per file).
 * `evaluate` must never throw: where json-rules-engine would throw at run time (e.g. `in`
 * against a value that is not an array), exroute's verdict is `false`.
 */
export interface OperatorDefinition {
  readonly name: string;
  /** `json-rules-engine` for the built-ins, `exroute` for the additions. */
  readonly origin: 'json-rules-engine' | 'exroute';
  /** What a literal `value` must be (checked at load). */
  readonly valueKind: ValueKind;
  /** Whether `value: { fact: … }` is allowed; operators that prepare state from the value say no. */
  readonly allowsFactValue: boolean;
  /** json-rules-engine's factValueValidator: when it rejects, the verdict is false. */
  readonly acceptsFactValue?: (factValue: unknown) => boolean;
  /**
   * Load-time check of a literal value beyond `valueKind` (e.g. a calendar that must exist);
   * returns the problem, or `undefined` when the value is fine.
   */
  readonly checkValue?: (value: unknown, names: DefinedNames) => ValueProblem | undefined;
  /**
   * What explain shows beside this operator's verdict (a time operator: the local time and
   * calendar it read), from the fact value and value it compared; `route` never calls it.
   */
  readonly explainNote?: (
    factValue: unknown,
    value: unknown,
    context: OperatorContext,
  ) => string | undefined;
  /** The comparison, for a value known only at run time (fact-to-fact). */
  evaluate(factValue: unknown, value: unknown, context: OperatorContext): boolean;
  /** Optional specialisation for a literal value, built once at compile time. */
  prepare?(value: unknown, context: OperatorContext): PreparedComparison;
}

/** Names a rule set defines, for load-time value checks. */
export interface DefinedNames {
  /** Region group names (keys of `regions`) and every region code mentioned in them. */
  readonly regions: ReadonlySet<string>;
  readonly calendars: ReadonlySet<string>;
  /** Keys of `regionCalendars`. */
  readonly regionCalendars: ReadonlySet<string>;
}

/** A problem with an operator's literal value, reported by the loader at the value's position. */
export interface ValueProblem {
  code: string;
  message: string;
  hint?: string;
}
