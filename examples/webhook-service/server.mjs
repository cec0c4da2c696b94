// A small webhook service: Exstream (or any service) POSTs raw events to /events; each event is
// normalized, routed with the rule files and delivered to OpenText Notifications.
//
//   node examples/webhook-service/server.mjs          # embedded Notifications emulator, port 8080
//   curl -s localhost:8080/healthz
//   curl -s -XPOST localhost:8080/events -H 'content-type: application/json' -d @event.json
//
// Settings (environment):
//   PORT, HOST                      listen address (default 8080 on 127.0.0.1; PORT=0 picks a free port)
//   EXROUTE_RULES                   rule files or directories, comma-separated (default: this repo's rules/)
//   EXROUTE_MAPPING                 Exstream mapping file (document types, regions from ids); default: none
//   EXROUTE_NOTIFICATIONS_URL       OpenText Notifications API host; unset → an embedded emulator
//   EXROUTE_AUTH_URL, EXROUTE_TENANT, EXROUTE_CLIENT_ID, EXROUTE_CLIENT_SECRET
//   EXROUTE_OUTBOX                  outbox file (one per instance): undelivered requests survive a crash
//   EXROUTE_DEAD_LETTERS            dead-letter file (JSON Lines)
//
// POST /events takes one raw event (a JSON object) or a JSON array of them. The whole body is
// checked first: if any event cannot be normalized the answer is 400 with diagnostics per event
// and nothing is sent, so the caller can fix and resend the batch. Otherwise the answer (200)
// comes once every notification is delivered or dead-lettered. SIGTERM stops accepting
// connections, finishes the requests in progress, closes the client and exits 0.

import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createRouter, ExrouteError, formatDiagnostic, loadRuleSet } from '@exroute/core';
import { loadMapping, normalize } from '@exroute/exstream';
import {
  createNotificationsClient,
  openFileDeadLetterSink,
  openFileOutbox,
  toNotificationRequests,
} from '@exroute/notifications';
import { startEmulator } from '@exroute/notifications/emulator';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_EVENTS_PER_REQUEST = 1000;
const SHUTDOWN_GRACE_MS = 25_000;
const DEFAULT_RULES = [
  'regions-and-calendars.yaml',
  'directory',
  'operations',
  'compliance',
  'customer-communications',
].map((path) => fileURLToPath(new URL(`../../rules/${path}`, import.meta.url)));

const env = process.env;
const rulePaths = env.EXROUTE_RULES
  ? env.EXROUTE_RULES.split(',').map((p) => p.trim())
  : DEFAULT_RULES;

let ruleSet;
let mapping;
try {
  ruleSet = await loadRuleSet(rulePaths);
  mapping = env.EXROUTE_MAPPING ? await loadMapping(env.EXROUTE_MAPPING) : undefined;
} catch (error) {
  // Invalid rules or mapping must stop the service at start, with every problem listed.
  if (!(error instanceof ExrouteError)) throw error;
  for (const diagnostic of error.diagnostics) console.error(formatDiagnostic(diagnostic));
  process.exit(2);
}
const router = createRouter(ruleSet);

const emulator = env.EXROUTE_NOTIFICATIONS_URL ? undefined : await startEmulator();
const outbox = env.EXROUTE_OUTBOX ? await openFileOutbox(env.EXROUTE_OUTBOX) : undefined;
const deadLetters = env.EXROUTE_DEAD_LETTERS
  ? await openFileDeadLetterSink(env.EXROUTE_DEAD_LETTERS)
  : undefined;
const client = createNotificationsClient({
  baseUrl: emulator?.url ?? env.EXROUTE_NOTIFICATIONS_URL,
  authUrl: emulator?.authUrl ?? env.EXROUTE_AUTH_URL ?? env.EXROUTE_NOTIFICATIONS_URL,
  tenant: emulator?.tenant ?? env.EXROUTE_TENANT,
  clientId: emulator?.clientId ?? env.EXROUTE_CLIENT_ID,
  clientSecret: emulator?.clientSecret ?? env.EXROUTE_CLIENT_SECRET,
  ...(outbox ? { outbox } : {}),
  ...(deadLetters ? { deadLetters } : {}),
});
if (outbox) {
  // Requests a crashed predecessor appended but never finished go out first, with their old keys.
  const replayed = await client.replayOutbox();
  if (replayed.length > 0) console.log(`replayed ${replayed.length} request(s) from the outbox`);
}

let draining = false;

const server = createServer((request, response) => {
  handle(request, response).catch((error) => {
    console.error(`unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    if (!response.headersSent) reply(response, 500, { error: { code: 'EXR_INTERNAL' } });
    else response.destroy();
  });
});

async function handle(request, response) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path === '/healthz') {
    if (request.method !== 'GET')
      return reply(response, 405, { error: { code: 'EXR_METHOD_NOT_ALLOWED' } });
    if (draining) return reply(response, 503, { status: 'stopping' });
    return reply(response, 200, {
      status: 'ok',
      ruleSetVersion: ruleSet.version,
      rules: ruleSet.rules.length,
    });
  }
  if (path !== '/events') return reply(response, 404, { error: { code: 'EXR_NOT_FOUND' } });
  if (request.method !== 'POST')
    return reply(response, 405, { error: { code: 'EXR_METHOD_NOT_ALLOWED' } });
  if (draining)
    return reply(response, 503, { error: { code: 'EXR_SHUTTING_DOWN' } }, { 'retry-after': '5' });

  const body = await readBody(request);
  if (body === undefined)
    return reply(response, 413, { error: { code: 'EXR_BODY_TOO_LARGE', limit: MAX_BODY_BYTES } });
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    return reply(response, 400, { error: { code: 'EXR_INVALID_JSON' } });
  }
  const raws = Array.isArray(parsed) ? parsed : [parsed];
  if (raws.length > MAX_EVENTS_PER_REQUEST) {
    return reply(response, 413, {
      error: { code: 'EXR_TOO_MANY_EVENTS', limit: MAX_EVENTS_PER_REQUEST },
    });
  }

  const events = [];
  const rejected = [];
  raws.forEach((raw, index) => {
    try {
      events.push(normalize(raw, mapping ? { mapping } : {}));
    } catch (error) {
      if (!(error instanceof ExrouteError)) throw error;
      rejected.push({ index, code: error.code, diagnostics: error.diagnostics });
    }
  });
  if (rejected.length > 0) return reply(response, 400, { rejected });

  const requests = [];
  const warnings = [];
  for (const event of events) {
    const decision = router.route(event);
    const mapped = toNotificationRequests(decision, event);
    requests.push(...mapped.requests);
    warnings.push(...mapped.diagnostics.map((d) => d.code));
  }
  const results = requests.length > 0 ? await client.send(requests) : [];
  const delivered = results.filter((r) => r.status === 'delivered').length;
  reply(response, 200, {
    events: events.length,
    requests: requests.length,
    delivered,
    deadLettered: results.length - delivered,
    warnings,
  });
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function reply(response, status, payload, headers = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(`${JSON.stringify(payload)}\n`);
}

async function shutdown(signal) {
  if (draining) return;
  draining = true;
  console.log(`${signal}: finishing requests in progress`);
  const force = setTimeout(() => {
    console.error(
      `still busy after ${SHUTDOWN_GRACE_MS} ms; exiting, the outbox keeps what was not sent`,
    );
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  // Stop accepting, let running requests answer, drop idle keep-alive connections.
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  await closed;
  await client.close();
  await outbox?.close();
  await deadLetters?.close();
  await emulator?.close();
  console.log('stopped');
}

process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

server.listen(Number(env.PORT ?? 8080), env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  const target = emulator ? `embedded emulator at ${emulator.url}` : env.EXROUTE_NOTIFICATIONS_URL;
  console.log(`listening on http://${address}:${port}`);
  console.log(`rules ${ruleSet.version} (${ruleSet.rules.length} rules); delivering to ${target}`);
});
