// `pnpm demo`: the whole pipeline on a laptop, nothing to start by hand.
//
// Reads the sample raw Exstream events (examples/data/sample-events.jsonl), normalizes them with
// @exroute/exstream and the sample tenant's mapping (examples/data/exstream-mapping.yaml), routes
// them with the rules in rules/, and delivers the notifications to an OpenText Notifications
// emulator started in this process on 127.0.0.1 — with an outbox and a dead-letter file, as in
// production. The emulator is scripted to fail a few requests so the
// summary shows retries and a dead letter. Then it prints what happened and exits.
//
//   node examples/demo/demo.mjs [--events FILE] [--mapping FILE] [--at TIME|now] [--json]
//
// --at freezes the router clock (business hours, deferrals, due dates, effective dates) at an
// RFC 3339 instant, so the summary is the same at any time of day. The default, DEFAULT_AT, is a
// Monday morning shortly after the sample events were produced; `--at now` uses the wall clock.
// --json prints the same summary as one JSON object (the demo's test reads it).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRouter, ExrouteError, formatDiagnostic, loadRuleSet } from '@exroute/core';
import { loadMapping, normalizeStream } from '@exroute/exstream';
import {
  createNotificationsClient,
  openFileDeadLetterSink,
  openFileOutbox,
  readDeadLetters,
  toNotificationRequests,
} from '@exroute/notifications';
import { startEmulator } from '@exroute/notifications/emulator';

const repo = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const RULES = [
  'rules/regions-and-calendars.yaml',
  'rules/directory',
  'rules/operations',
  'rules/compliance',
  'rules/customer-communications',
].map(repo);

/** The demo's router clock unless --at says otherwise: Monday 2 March 2026, 07:30 UTC. */
const DEFAULT_AT = '2026-03-02T07:30:00Z';

const { values: args } = parseArgs({
  options: {
    at: { type: 'string', default: DEFAULT_AT },
    events: { type: 'string', default: repo('examples/data/sample-events.jsonl') },
    mapping: { type: 'string', default: repo('examples/data/exstream-mapping.yaml') },
    json: { type: 'boolean', default: false },
  },
});

const clock = parseClock(args.at);
const started = performance.now();
const workDir = await mkdtemp(join(tmpdir(), 'exroute-demo-'));
try {
  const summary = await runDemo(args.events, args.mapping, clock, workDir);
  summary.timing.totalMs = Math.round(performance.now() - started);
  summary.timing.eventsPerSecond = perSecond(summary.events.read, summary.timing.totalMs);
  console.log(args.json ? JSON.stringify(summary, null, 2) : render(summary));
} catch (error) {
  if (!(error instanceof ExrouteError)) throw error;
  console.error(`exroute demo: ${error.code}`);
  for (const diagnostic of error.diagnostics) console.error(`  ${formatDiagnostic(diagnostic)}`);
  process.exitCode = 2;
} finally {
  await rm(workDir, { recursive: true, force: true });
}

function parseClock(value) {
  if (value === 'now') return undefined;
  const instant = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(instant.getTime())) {
    console.error(
      `exroute demo: --at must be an RFC 3339 date-time such as ${DEFAULT_AT}, or now; got '${value}'`,
    );
    process.exit(2);
  }
  return instant;
}

async function runDemo(eventsFile, mappingFile, clock, dir) {
  const ruleSet = await loadRuleSet(RULES);
  // The sample tenant's mapping: communication ids → document types, Exstream domains → regions.
  const mapping = await loadMapping(mappingFile);
  const router = createRouter(ruleSet, clock !== undefined ? { clock: () => clock } : {});

  const emulator = await startEmulator();
  // Two 503s and a 429 are retried and then delivered; the 400 is never retried: a dead letter.
  emulator.script.respond(
    503,
    503,
    { status: 429, retryAfter: 0 },
    { status: 400, body: { error: 'demo: rejected on purpose' } },
  );
  const outbox = await openFileOutbox(join(dir, 'outbox.jsonl'));
  const deadLetterFile = join(dir, 'dead-letters.jsonl');
  const deadLetters = await openFileDeadLetterSink(deadLetterFile);
  const attemptFailures = new Map();
  const client = createNotificationsClient({
    ...emulator.clientConfig,
    backoff: { baseMs: 20, capMs: 200 },
    outbox,
    deadLetters,
    onEvent: (event) => {
      if (event.type === 'attempt' && (event.status !== undefined || event.error !== undefined)) {
        const reason = event.status !== undefined ? `HTTP ${event.status}` : event.error;
        if (event.status === undefined || event.status >= 300) count(attemptFailures, reason);
      }
    },
  });

  const eventsByType = new Map();
  const rejectedByCode = new Map();
  const notifications = new Map();
  const teams = new Map();
  const mappingWarnings = new Map();
  const requests = [];
  let routedToNobody = 0;
  let deferred = 0;
  let routingMs = 0;
  let lines = 0;

  const stream = normalizeStream(eventsFile, { mapping });
  for await (const item of stream) {
    lines++;
    if ('error' in item) {
      count(rejectedByCode, item.error.code);
      continue;
    }
    const { event } = item;
    count(eventsByType, event.type);
    const before = performance.now();
    const decision = router.route(event);
    routingMs += performance.now() - before;
    if (decision.matched.length === 0) routedToNobody++;
    for (const n of decision.notifications) {
      const row = notifications.get(`${n.templateId} ${n.channel}`) ?? {
        templateId: n.templateId,
        channel: n.channel,
        notifications: 0,
        recipients: 0,
      };
      row.notifications++;
      row.recipients += n.recipients.length;
      notifications.set(`${n.templateId} ${n.channel}`, row);
      if (n.sendAt !== undefined) deferred++;
      // A person reached through a group counts for the team (the outermost group).
      for (const r of n.recipients) count(teams, r.via?.[0] ?? r.key);
    }
    const mapped = toNotificationRequests(decision, event);
    for (const d of mapped.diagnostics) count(mappingWarnings, d.code);
    requests.push(...mapped.requests);
  }

  const deliveryStarted = performance.now();
  const results = await client.send(requests);
  const deliveryMs = performance.now() - deliveryStarted;
  await client.close();
  await outbox.close();
  await deadLetters.close();
  const accepted = emulator.stats().accepted;
  await emulator.close();

  const normalized = sum(eventsByType);
  const rejected = sum(rejectedByCode);
  const delivered = results.filter((r) => r.status === 'delivered').length;
  const deadLettered = results.filter((r) => r.status === 'dead-lettered');
  return {
    eventsFile,
    clock: clock?.toISOString() ?? 'now',
    rules: { count: ruleSet.rules.length, version: ruleSet.version },
    events: {
      read: lines,
      normalized,
      rejected,
      rejectedByCode: sorted(rejectedByCode),
      byType: sorted(eventsByType),
      routedToNobody,
    },
    notifications: {
      total: [...notifications.values()].reduce((total, row) => total + row.notifications, 0),
      byTemplateAndChannel: [...notifications.values()].sort(
        (a, b) => b.notifications - a.notifications,
      ),
      byTeam: sorted(teams),
      deferredToBusinessHours: deferred,
      notSendable: sorted(mappingWarnings),
    },
    delivery: {
      requests: requests.length,
      delivered,
      deadLettered: deadLettered.length,
      failedAttemptsByReason: sorted(attemptFailures),
      deadLettersByReason: sorted(countBy(deadLettered, (r) => r.reason)),
      deadLetterFileEntries: (await readDeadLetters(deadLetterFile)).length,
      acceptedByEmulator: accepted,
    },
    timing: {
      routingMs: round(routingMs),
      routingEventsPerSecond: perSecond(normalized, routingMs),
      deliveryMs: Math.round(deliveryMs),
    },
  };
}

function render(s) {
  const out = [];
  const line = (text = '') => out.push(text);
  const table = (rows, indent = '  ') => {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
    for (const row of rows) {
      line(
        indent +
          row
            .map((cell, i) =>
              typeof cell === 'number'
                ? String(cell).padStart(widths[i])
                : String(cell).padEnd(widths[i]),
            )
            .join('   ')
            .trimEnd(),
      );
    }
  };
  const top = (entries, n) => entries.slice(0, n).map(({ name, count }) => [name, count]);

  line(
    `exroute demo — ${s.rules.count} rules (${s.rules.version}), Notifications emulator on 127.0.0.1`,
  );
  line(
    `Clock        ${s.clock}${s.clock === 'now' ? '' : ' (--at; --at now uses the wall clock)'}`,
  );
  line();
  line(
    `Events       ${s.events.read} read · ${s.events.normalized} normalized · ${s.events.rejected} rejected · ${s.events.routedToNobody} routed to nobody`,
  );
  table(top(s.events.byType, 20));
  if (s.events.rejected > 0) {
    line('  rejected:');
    table(top(s.events.rejectedByCode, 10), '    ');
  }
  line();
  line(
    `Notifications   ${s.notifications.total} (${s.notifications.deferredToBusinessHours} deferred to office hours)`,
  );
  table([
    ['template', 'channel', 'messages', 'recipients'],
    ...s.notifications.byTemplateAndChannel.map((r) => [
      r.templateId,
      r.channel,
      r.notifications,
      r.recipients,
    ]),
  ]);
  line();
  line('Recipient teams (messages, top 12)');
  table(top(s.notifications.byTeam, 12));
  line();
  const d = s.delivery;
  line(
    `Delivery     ${d.requests} requests · ${d.delivered} delivered · ${d.deadLettered} dead-lettered · ${d.acceptedByEmulator} jobs accepted by the emulator`,
  );
  if (d.failedAttemptsByReason.length > 0) {
    line('  failed attempts (retried unless permanent):');
    table(top(d.failedAttemptsByReason, 10), '    ');
  }
  line(
    `Dead letters ${d.deadLetterFileEntries}${d.deadLettersByReason.length > 0 ? ` (${d.deadLettersByReason.map((e) => `${e.name} ${e.count}`).join(', ')})` : ''}`,
  );
  if (s.notifications.notSendable.length > 0) {
    line(
      `  not sendable: ${s.notifications.notSendable.map((e) => `${e.name} ${e.count}`).join(', ')}`,
    );
  }
  line();
  const t = s.timing;
  line(
    `Time         ${(t.totalMs / 1000).toFixed(2)} s in all · ${t.eventsPerSecond} events/s end to end`,
  );
  line(
    `             routing ${t.routingMs} ms (${t.routingEventsPerSecond} events/s, first-call warm-up included; see pnpm bench) · delivery ${t.deliveryMs} ms`,
  );
  return out.join('\n');
}

function count(map, key) {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function countBy(items, keyOf) {
  const map = new Map();
  for (const item of items) count(map, keyOf(item));
  return map;
}

function sum(map) {
  return [...map.values()].reduce((total, n) => total + n, 0);
}

function sorted(map) {
  return [...map.entries()]
    .map(([name, n]) => ({ name, count: n }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

function perSecond(n, ms) {
  return ms > 0 ? Math.round((n * 1000) / ms) : 0;
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}
