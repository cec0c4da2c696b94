// Shared fixtures of the service tests: the repository's rules and mapping, sample raw events,
// the outgoing keys a correct run must deliver, and small HTTP helpers (loopback only).
import { fileURLToPath } from 'node:url';
import { createRouter, loadRuleSet } from '@exroute/core';
import { generateSampleEvents, loadMapping, normalize } from '@exroute/exstream';
import { createDispatcher, createMemoryStore } from '@exroute/dispatch';
import type { ServiceConfig } from '../src/index.js';
import { toOutgoingRequest } from '../src/workers/outgoing-request.js';

const repo = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** The rule paths of the demo. */
export const RULE_PATHS = [
  'rules/regions-and-calendars.yaml',
  'rules/directory',
  'rules/operations',
  'rules/compliance',
  'rules/customer-communications',
].map(repo);

/** The demo's Exstream mapping file. */
export const MAPPING_PATH = repo('examples/data/exstream-mapping.yaml');

/** A resolved configuration for tests: embedded (no Redis) unless `redis` is given, port 0, quiet. */
export function testConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    rules: RULE_PATHS,
    mapping: MAPPING_PATH,
    http: {
      host: '127.0.0.1',
      port: 0,
      ingestToken: 'ingest-secret-token',
      adminToken: 'admin-secret-token',
      maxBodyBytes: 256 * 1024,
      maxEventsPerRequest: 500,
      partialBatches: 'reject',
    },
    notifications: { emulator: true },
    delivery: { maxInFlight: 4, attemptsPerDelivery: 3 },
    workers: {
      concurrency: 1,
      batchSize: 50,
      claimIdleMs: 1500,
      deliveryAttempts: 20,
      tickIntervalMs: 500,
    },
    streams: { maxLength: 1_000_000, deadLetterMaxLength: 10_000 },
    reload: { watch: false, debounceMs: 100 },
    shutdownGraceMs: 3000,
    logLevel: 'silent',
    ...overrides,
  };
}

/** `count` raw sample payloads (deterministic). */
export function sampleRaw(count: number, seed = 7): Record<string, unknown>[] {
  return generateSampleEvents({ seed, count });
}

/**
 * The keys a correct run delivers now for these raw payloads, computed with the libraries alone
 * (router, a dispatcher on a memory store, the outgoing mapping) and the real clock: a
 * notification deferred to business hours is not due yet and is not expected.
 */
export async function expectedKeys(raws: readonly unknown[]): Promise<Set<string>> {
  const ruleSet = await loadRuleSet(RULE_PATHS);
  const router = createRouter(ruleSet);
  const dispatcher = createDispatcher({ ruleSet, store: createMemoryStore() });
  const mapping = await loadMapping(MAPPING_PATH);
  const keys = new Set<string>();
  for (const raw of raws) {
    const event = normalize(raw, { mapping });
    const decision = router.route(event);
    for (const outgoing of (await dispatcher.ingest(event, decision)).outgoing) {
      const prepared = toOutgoingRequest(outgoing, {
        source: event.source,
        id: event.id,
        ruleSetVersion: decision.ruleSetVersion,
      });
      if ('request' in prepared) keys.add(prepared.request.key);
    }
  }
  return keys;
}

/** POSTs to the service and returns status and parsed JSON body. */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The ingest token header of {@link testConfig}. */
export const INGEST = { authorization: 'Bearer ingest-secret-token' };
/** The admin token header of {@link testConfig}. */
export const ADMIN = { authorization: 'Bearer admin-secret-token' };
