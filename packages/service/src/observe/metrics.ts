import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric the service exports, in its own registry (several services may share a process in tests). */
export interface ServiceMetrics {
  readonly registry: Registry;
  eventsAccepted: Counter<'via'>;
  eventsNormalized: Counter;
  eventsRejected: Counter<'code'>;
  decisions: Counter<'outcome'>;
  notifications: Counter<'template' | 'channel'>;
  verdicts: Counter<'kind'>;
  deliveries: Counter<'outcome'>;
  deliveryLatency: Histogram;
  streamLength: Gauge<'stream'>;
  streamPending: Gauge<'stream'>;
  streamLag: Gauge<'stream'>;
  reloads: Counter<'outcome'>;
  reloadErrors: Gauge;
  ruleSetInfo: Gauge<'version'>;
  deadLetters: Counter<'stream' | 'reason'>;
  adminActions: Counter<'action'>;
}

/** Creates the metrics (names prefixed `exroute_`) plus Node's default process metrics. */
export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'exroute_' });
  const registers = [registry];
  return {
    registry,
    eventsAccepted: new Counter({
      name: 'exroute_events_accepted_total',
      help: 'Events appended to the events stream, by entry path (http)',
      labelNames: ['via'],
      registers,
    }),
    eventsNormalized: new Counter({
      name: 'exroute_events_normalized_total',
      help: 'Raw events normalized (at HTTP ingest or by a worker for directly appended payloads)',
      registers,
    }),
    eventsRejected: new Counter({
      name: 'exroute_events_rejected_total',
      help: 'Events refused, by diagnostic code',
      labelNames: ['code'],
      registers,
    }),
    decisions: new Counter({
      name: 'exroute_decisions_total',
      help: 'Routing decisions, by outcome (matched: some notification; unmatched: none)',
      labelNames: ['outcome'],
      registers,
    }),
    notifications: new Counter({
      name: 'exroute_notifications_total',
      help: 'Routed notifications, by template and channel',
      labelNames: ['template', 'channel'],
      registers,
    }),
    verdicts: new Counter({
      name: 'exroute_dispatch_verdicts_total',
      help: 'Dispatcher verdicts, by kind',
      labelNames: ['kind'],
      registers,
    }),
    deliveries: new Counter({
      name: 'exroute_deliveries_total',
      help: 'Delivery attempts of outgoing notifications, by outcome (delivered, retry, dead-lettered)',
      labelNames: ['outcome'],
      registers,
    }),
    deliveryLatency: new Histogram({
      name: 'exroute_delivery_latency_seconds',
      help: 'From an outgoing notification being read to Notifications accepting it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    streamLength: new Gauge({
      name: 'exroute_stream_length',
      help: 'Entries in a stream',
      labelNames: ['stream'],
      registers,
    }),
    streamPending: new Gauge({
      name: 'exroute_stream_pending',
      help: 'Entries read by a consumer and not yet acknowledged',
      labelNames: ['stream'],
      registers,
    }),
    streamLag: new Gauge({
      name: 'exroute_stream_lag',
      help: 'Entries not yet read by any consumer of the group',
      labelNames: ['stream'],
      registers,
    }),
    reloads: new Counter({
      name: 'exroute_rule_reloads_total',
      help: 'Rule reloads, by outcome (applied, rejected, unchanged)',
      labelNames: ['outcome'],
      registers,
    }),
    reloadErrors: new Gauge({
      name: 'exroute_rule_reload_errors',
      help: 'Error diagnostics of the last rejected reload (0 after a good one)',
      registers,
    }),
    ruleSetInfo: new Gauge({
      name: 'exroute_rule_set_info',
      help: 'The rule-set version in force in this instance (value 1)',
      labelNames: ['version'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'exroute_dead_letters_total',
      help: 'Entries moved to the dead-letter stream, by source stream and reason',
      labelNames: ['stream', 'reason'],
      registers,
    }),
    adminActions: new Counter({
      name: 'exroute_admin_actions_total',
      help: 'Admin API actions, by action',
      labelNames: ['action'],
      registers,
    }),
  };
}
