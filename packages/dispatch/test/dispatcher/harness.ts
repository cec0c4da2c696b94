/** A dispatcher on a moving clock with a real router and rule set, for the dispatcher tests. */
import { createRouter, parseRuleSet } from '@exroute/core';
import type { NormalizedEvent, RuleSet } from '@exroute/core';
import { createDispatcher } from '../../src/dispatcher.js';
import type { DispatcherOptions } from '../../src/dispatcher.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { StateStore } from '../../src/store/state-store.js';
import type { Dispatcher, Outgoing, Verdict } from '../../src/types.js';

/** Monday 4 January 2027, 09:00 UTC (a UK business day). */
export const T0 = Date.UTC(2027, 0, 4, 9, 0, 0);
export const SEC = 1_000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

/** The shared head of every test rule file: directory, templates, calendars. */
export const HEAD = `apiVersion: exroute/v1
regions: { EMEA: [UK, DE] }
calendars:
  uk: { timezone: Europe/London, days: [mon, tue, wed, thu, fri], hours: ["09:00-17:00"] }
regionCalendars: { UK: uk }
recipients:
  cs: { email: cs@example.com }
  ops: { email: ops@example.com }
  lead: { email: lead@example.com }
  head: { email: head@example.com }
templates:
  alert: { id: T-ALERT, channels: [email], params: { ref: "{{ data.ref }}" } }
  digest: { id: T-DIGEST, channels: [email], digest: { line: "{{ data.ref }}: {{ data.reason }}", maxLines: 3 } }
  overdue: { id: T-OVERDUE, channels: [email], subject: "Overdue {{ data.ref }}" }
`;

/** A test bench: rule set, router, store, clock and dispatcher, plus helpers. */
export class Bench {
  readonly ruleSet: RuleSet;
  readonly store: StateStore;
  now: number;
  dispatcher: Dispatcher;
  private readonly router;
  private seq = 0;

  constructor(
    yaml: string,
    options: { store?: StateStore; now?: number; dispatcher?: Partial<DispatcherOptions> } = {},
  ) {
    this.ruleSet = parseRuleSet(HEAD + yaml, { filename: 'rules.yaml' });
    this.store = options.store ?? createMemoryStore();
    this.now = options.now ?? T0;
    this.router = createRouter(this.ruleSet, { clock: () => new Date(this.now) });
    this.dispatcher = this.newDispatcher(this.ruleSet, options.dispatcher);
  }

  /** Another dispatcher on the same store and clock (a second instance, or a restart). */
  newDispatcher(
    ruleSet: RuleSet = this.ruleSet,
    extra: Partial<DispatcherOptions> = {},
  ): Dispatcher {
    return createDispatcher({
      ruleSet,
      store: this.store,
      clock: () => new Date(this.now),
      silenceCacheMs: 0,
      ...extra,
    });
  }

  /** An event at the current clock unless `time` is given. */
  event(fields: Partial<NormalizedEvent> & { data?: Record<string, unknown> }): NormalizedEvent {
    this.seq += 1;
    return {
      id: `e${this.seq}`,
      source: 'exstream/test',
      type: 'delivery.failed',
      time: new Date(this.now).toISOString(),
      data: {},
      ...fields,
    };
  }

  /** Routes and ingests one event. */
  async ingest(
    event: NormalizedEvent,
    dispatcher: Dispatcher = this.dispatcher,
  ): Promise<{ outgoing: Outgoing[]; verdicts: Verdict[] }> {
    return dispatcher.ingest(event, this.router.route(event));
  }

  /** Advances the clock and ticks. */
  async advance(ms: number, dispatcher: Dispatcher = this.dispatcher): Promise<Outgoing[]> {
    this.now += ms;
    return dispatcher.tick();
  }

  /** Advances minute by minute (ticking each time) and collects every message. */
  async run(ms: number, step = MIN): Promise<Outgoing[]> {
    const out: Outgoing[] = [];
    for (let t = 0; t < ms; t += step) out.push(...(await this.advance(step)));
    return out;
  }
}
