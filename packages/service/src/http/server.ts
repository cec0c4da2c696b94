import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ExrouteError } from '@exroute/core';
import type { Mapping } from '@exroute/exstream';
import type { ServiceConfig } from '../config/service-config.js';
import type { ServiceMetrics } from '../observe/metrics.js';
import { PARTITION_FIELD } from '../queue/stream-queue.js';
import type { StreamQueue } from '../queue/stream-queue.js';
import type { RuleHolder } from '../rules/rule-holder.js';
import { hasBearerToken } from './bearer.js';
import { HttpError, sendError, sendJson } from './http-error.js';
import { readEvents } from './ingest.js';
import { readJsonObject } from './read-body.js';

/** What the HTTP layer needs from the running service. */
export interface HttpContext {
  config: ServiceConfig['http'];
  mapping: Mapping | undefined;
  queue: StreamQueue;
  rules: RuleHolder;
  metrics: ServiceMetrics;
  logger: Logger;
  /** `/readyz`: every check and the version in force. */
  readiness(): Promise<{ ready: boolean }>;
  /** False once shutdown began: ingest answers 503. */
  accepting(): boolean;
}

const ADMIN_BODY_BYTES = 64 * 1024;

const DISPATCH_ERROR_STATUS: Readonly<Record<string, number>> = {
  EXR_DISPATCH_INVALID_SILENCE: 400,
  EXR_DISPATCH_UNKNOWN_ESCALATION: 404,
  EXR_DISPATCH_STORE_UNAVAILABLE: 503,
};
const MAX_TEXT = 1000;

/**
 * Creates the service's HTTP server (plain `node:http`: the service needs streaming body limits,
 * three media types and constant-time token checks, which are a few lines here and would be
 * plugins and hooks in a framework). Every failure is a JSON error body; a handler never throws.
 */
export function createHttpServer(context: HttpContext): Server {
  const server = createServer((request, response) => {
    handle(context, request, response).catch((error: unknown) => {
      if (error instanceof HttpError) {
        if (error.status === 413) response.setHeader('connection', 'close');
        sendError(response, error);
        return;
      }
      if (error instanceof ExrouteError) {
        // The dispatcher's refusals: a bad silence, an unknown escalation, its store away.
        const status =
          DISPATCH_ERROR_STATUS[error.code] ?? (error.code.startsWith('EXR_DISPATCH_') ? 400 : 500);
        sendJson(response, status, {
          error: { code: error.code, message: error.message.split('\n')[0] },
          diagnostics: error.diagnostics,
        });
        return;
      }
      context.logger.error({ err: error, path: request.url }, 'request failed');
      sendError(
        response,
        new HttpError(500, 'EXR_HTTP_INTERNAL', 'the request failed; see the service log'),
      );
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(
  context: HttpContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://service.invalid');
  const path = url.pathname;
  const method = request.method ?? 'GET';
  if (path === '/healthz') return sendJson(response, 200, { status: 'ok' });
  if (path === '/readyz') {
    const readiness = await context.readiness();
    return sendJson(response, readiness.ready ? 200 : 503, readiness);
  }
  if (path === '/metrics') {
    const text = await context.metrics.registry.metrics();
    response.writeHead(200, { 'content-type': context.metrics.registry.contentType });
    response.end(text);
    return;
  }
  if (path === '/v1/events') {
    if (method !== 'POST') throw methodNotAllowed('POST');
    return ingest(context, request, response);
  }
  if (
    path === '/v1/silences' ||
    path.startsWith('/v1/silences/') ||
    /^\/v1\/escalations\/[^/]+\/ack$/.test(path)
  ) {
    return admin(context, request, response, method, path);
  }
  throw new HttpError(
    404,
    'EXR_HTTP_NOT_FOUND',
    `no such endpoint: ${method} ${path.slice(0, 200)}`,
  );
}

function methodNotAllowed(allowed: string): HttpError {
  return new HttpError(405, 'EXR_HTTP_METHOD_NOT_ALLOWED', `use ${allowed} on this endpoint`);
}

function requireToken(request: IncomingMessage, token: string | undefined, what: string): void {
  if (token === undefined) return;
  if (!hasBearerToken(request, token)) {
    throw new HttpError(
      401,
      'EXR_HTTP_UNAUTHORIZED',
      `send the ${what} token as 'Authorization: Bearer <token>'`,
    );
  }
}

async function ingest(
  context: HttpContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  requireToken(request, context.config.ingestToken, 'ingest');
  if (!context.accepting())
    throw new HttpError(
      503,
      'EXR_HTTP_SHUTTING_DOWN',
      'this instance is shutting down; send to another one',
    );
  const items = await readEvents(request, context.config, context.mapping);
  const good = items.filter((item) => 'event' in item);
  const bad = items.filter((item) => 'diagnostics' in item);
  for (const item of bad) {
    context.metrics.eventsRejected.inc({ code: item.diagnostics[0]?.code ?? 'EXR_UNKNOWN' });
  }
  context.metrics.eventsNormalized.inc(good.length);
  const append = bad.length === 0 || context.config.partialBatches === 'accept-valid';
  let entries: string[] = [];
  if (append && good.length > 0) {
    entries = await context.queue.append(
      'events',
      good.map((item) => ({
        event: JSON.stringify(item.event),
        via: 'http',
        // One batch's events share a partition, so its groups stay on one shard.
        [PARTITION_FIELD]: item.event.correlationId ?? `${item.event.source}/${item.event.id}`,
      })),
    );
    context.metrics.eventsAccepted.inc({ via: 'http' }, good.length);
  }
  const accepted = append
    ? good.map((item, i) => ({
        index: item.index,
        id: item.event.id,
        source: item.event.source,
        entry: entries[i],
      }))
    : [];
  if (bad.length === 0) {
    context.logger.debug({ accepted: accepted.length }, 'events accepted');
    return sendJson(response, 202, { accepted });
  }
  context.logger.info(
    {
      accepted: accepted.length,
      rejected: bad.length,
      partialBatches: context.config.partialBatches,
    },
    'events rejected',
  );
  sendJson(response, 400, {
    error: {
      code: 'EXR_HTTP_INVALID_EVENTS',
      message:
        context.config.partialBatches === 'accept-valid'
          ? `${bad.length} event(s) could not be normalized; the ${accepted.length} valid one(s) were accepted`
          : `${bad.length} event(s) could not be normalized; nothing was accepted — fix them and resend the request`,
    },
    accepted,
    rejected: bad.map((item) => ({ index: item.index, diagnostics: item.diagnostics })),
  });
}

function text(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT) {
    throw new HttpError(
      400,
      'EXR_HTTP_INVALID_BODY',
      `'${key}' is required: a non-empty string of at most ${MAX_TEXT} characters`,
    );
  }
  return value;
}

async function admin(
  context: HttpContext,
  request: IncomingMessage,
  response: ServerResponse,
  method: string,
  path: string,
): Promise<void> {
  if (context.config.adminToken === undefined) {
    throw new HttpError(
      403,
      'EXR_HTTP_ADMIN_DISABLED',
      'the admin API is off: set http.adminToken in the service configuration',
    );
  }
  requireToken(request, context.config.adminToken, 'admin');
  const dispatcher = context.rules.active.dispatcher;
  const audit = (
    action: string,
    by: string,
    reason: string,
    target: Record<string, unknown>,
  ): void => {
    context.metrics.adminActions.inc({ action });
    context.logger.info({ audit: true, action, by, reason, ...target }, `admin: ${action}`);
  };
  const ack = /^\/v1\/escalations\/([^/]+)\/ack$/.exec(path);
  if (ack !== null) {
    if (method !== 'POST') throw methodNotAllowed('POST');
    const body = await readJsonObject(request, ADMIN_BODY_BYTES);
    const by = text(body, 'by');
    const reason = text(body, 'reason');
    const key = decodeURIComponent(ack[1]!);
    // true: stopped now; false: it had already stopped (acknowledged, resolved or past its last
    // step); unknown keys throw EXR_DISPATCH_UNKNOWN_ESCALATION.
    const outcome = await dispatcher.acknowledge(key, by).then(
      (stopped) => (stopped ? 'acknowledged' : 'already-stopped'),
      (error: unknown) => {
        if (error instanceof ExrouteError && error.code === 'EXR_DISPATCH_UNKNOWN_ESCALATION') {
          return 'unknown';
        }
        throw error;
      },
    );
    audit('escalation.ack', by, reason, {
      escalationKey: key,
      found: outcome !== 'unknown',
      outcome,
    });
    if (outcome === 'acknowledged') return sendJson(response, 200, { acknowledged: key });
    return sendJson(
      response,
      outcome === 'unknown' ? 404 : 409,
      outcome === 'unknown'
        ? { error: { code: 'EXR_ESCALATION_NOT_FOUND', message: 'no escalation has this key' } }
        : {
            error: {
              code: 'EXR_ESCALATION_ALREADY_STOPPED',
              message:
                'the escalation had already stopped (acknowledged, resolved, or past its last step); nothing changed',
            },
          },
    );
  }
  if (path === '/v1/silences') {
    if (method === 'GET')
      return sendJson(response, 200, { silences: await dispatcher.listSilences() });
    if (method !== 'POST') throw methodNotAllowed('GET or POST');
    const body = await readJsonObject(request, ADMIN_BODY_BYTES);
    const createdBy = text(body, 'createdBy');
    const comment = text(body, 'comment');
    const endsAt = text(body, 'endsAt');
    const when = body['when'];
    if (when === null || typeof when !== 'object' || Array.isArray(when)) {
      throw new HttpError(
        400,
        'EXR_HTTP_INVALID_BODY',
        '\'when\' is required: an event matcher such as { "type": "delivery.failed" }',
      );
    }
    const startsAt = body['startsAt'];
    const silence = await dispatcher.silence({
      when,
      endsAt,
      createdBy,
      comment,
      ...(typeof startsAt === 'string' ? { startsAt } : {}),
    });
    audit('silence.create', createdBy, comment, { silenceId: silence.id, endsAt });
    return sendJson(response, 201, silence);
  }
  const id = decodeURIComponent(path.slice('/v1/silences/'.length));
  if (method !== 'DELETE') throw methodNotAllowed('DELETE');
  const body = await readJsonObject(request, ADMIN_BODY_BYTES);
  const by = text(body, 'by');
  const reason = text(body, 'reason');
  const expired = await dispatcher.expireSilence(id);
  audit('silence.expire', by, reason, { silenceId: id, found: expired });
  return sendJson(
    response,
    expired ? 200 : 404,
    expired
      ? { expired: id }
      : { error: { code: 'EXR_SILENCE_NOT_FOUND', message: 'no active silence has this id' } },
  );
}
