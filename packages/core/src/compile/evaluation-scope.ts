import type { ConditionTrace } from '../model/explanation.js';

/**
 * Everything one routing run reads: the event and the router clock. `$now` is read from the
 * clock at most once per run, and only when a rule, a template or an `effective` window needs it,
 * so `route` never calls the clock for rule sets that do not use time. A router reuses one scope
 * for consecutive runs (`reset`), since routing is synchronous.
 */
export class EvaluationScope {
  /** The event being routed, read through own properties only. */
  event: Readonly<Record<string, unknown>>;
  /**
   * Whether the event's prototype is `Object.prototype` (a JSON object): then a named property
   * read can only find an own property, because the event fields are not `Object.prototype`
   * members. Anything else is read through `hasOwnProperty`.
   */
  plain: boolean;
  /**
   * Verdicts of the shared conditions referenced more than once, by name, for this run: a shared
   * condition is evaluated once per run however often the rule set references it, so conditions
   * cost their DAG size, never their expanded tree size.
   */
  sharedVerdicts: Map<string, boolean> | undefined;
  /**
   * Traces of the shared conditions already traced for the rule being explained: a repeated
   * reference is summarised (`repeated: true`) instead of traced again.
   */
  sharedTraces: Map<string, ConditionTrace> | undefined;
  private readonly clock: () => Date;
  private instant: Date | undefined;
  private instantIso: string | undefined;

  constructor(event: object, clock: () => Date) {
    this.event = event as Readonly<Record<string, unknown>>;
    this.plain = Object.getPrototypeOf(event) === Object.prototype;
    this.clock = clock;
    this.sharedVerdicts = undefined;
    this.sharedTraces = undefined;
    this.instant = undefined;
    this.instantIso = undefined;
  }

  /** Starts a new run for `event`, forgetting the previous run's instant. */
  reset(event: object): void {
    this.event = event as Readonly<Record<string, unknown>>;
    this.plain = Object.getPrototypeOf(event) === Object.prototype;
    this.sharedVerdicts = undefined;
    this.sharedTraces = undefined;
    this.instant = undefined;
    this.instantIso = undefined;
  }

  /** The routing instant; the same value for the whole run. */
  now(): Date {
    if (this.instant === undefined) this.instant = new Date(this.clock().getTime());
    return this.instant;
  }

  /** The routing instant as `Date#toISOString()`: the value of the `$now` fact. */
  nowIso(): string {
    if (this.instantIso === undefined) this.instantIso = this.now().toISOString();
    return this.instantIso;
  }
}
