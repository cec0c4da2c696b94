/**
 * json-rules-engine's operator decorators (`someFact:`, `everyFact:`, `someValue:`,
 * `everyValue:`, `not:`, `swap:`), with its exact semantics; never throwing — where the engine
 * would call `.some` on a non-array, the verdict is false.
 */

/** A comparison of a fact value with a value. */
export type Comparison = (factValue: unknown, value: unknown) => boolean;

/** One decorator: wraps the comparison to its right. */
export interface OperatorDecorator {
  readonly name: string;
  /** What the (decorated) value must be when literal; `someValue` / `everyValue` need arrays. */
  readonly valueMustBeArray: boolean;
  /** Whether the decorator exchanges fact and value (`swap`). */
  readonly swaps: boolean;
  decorate(next: Comparison): Comparison;
}

/** Every decorator json-rules-engine 7 ships, by name. */
export const DECORATORS: ReadonlyMap<string, OperatorDecorator> = new Map(
  (
    [
      {
        name: 'someFact',
        valueMustBeArray: false,
        swaps: false,
        decorate: (next) => (a, b) => Array.isArray(a) && a.some((fv) => next(fv, b)),
      },
      {
        name: 'everyFact',
        valueMustBeArray: false,
        swaps: false,
        decorate: (next) => (a, b) => Array.isArray(a) && a.every((fv) => next(fv, b)),
      },
      {
        name: 'someValue',
        valueMustBeArray: true,
        swaps: false,
        decorate: (next) => (a, b) => Array.isArray(b) && b.some((jv) => next(a, jv)),
      },
      {
        name: 'everyValue',
        valueMustBeArray: true,
        swaps: false,
        decorate: (next) => (a, b) => Array.isArray(b) && b.every((jv) => next(a, jv)),
      },
      {
        name: 'swap',
        valueMustBeArray: false,
        swaps: true,
        decorate: (next) => (a, b) => next(b, a),
      },
      {
        name: 'not',
        valueMustBeArray: false,
        swaps: false,
        decorate: (next) => (a, b) => !next(a, b),
      },
    ] satisfies OperatorDecorator[]
  ).map((d) => [d.name, d]),
);
