import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { OUTBOUND_PATHS } from '../mapping/wire-types.js';
import type { SupportedChannel } from '../mapping/wire-types.js';
import type { NotificationsClientConfig } from '../delivery/client-config.js';
import { validateSubmission } from './validate-submission.js';

/** Settings of {@link startEmulator}; every field has a demo-friendly default. */
export interface EmulatorOptions {
  /** Default `exroute-demo`. */
  tenant?: string;
  /** Default `exroute-demo-client`. */
  clientId?: string;
  /** Default `exroute-demo-secret` (a fixed, public value: the emulator is for tests and demos). */
  clientSecret?: string;
  /** Lifetime of issued tokens (default 3600 s). */
  tokenTtlSeconds?: number;
  /** Added before every outbound answer, to make concurrency observable (default 0). */
  latencyMs?: number;
  /** Largest accepted request body (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Default 0: any free port. */
  port?: number;
  /**
   * The emulator's clock (ms since epoch) for outages (`script.down`) and token lifetimes;
   * `Date.now` by default. Give it the same virtual clock as the client to simulate minutes of
   * outage against the real server in milliseconds of test time.
   */
  now?: () => number;
}

/** One HTTP request the emulator saw on an outbound endpoint. */
export interface ReceivedRequest {
  /** 1-based arrival order. */
  seq: number;
  at: string;
  path: string;
  channel: SupportedChannel;
  /** The `X-MRA-SubmitId` header. */
  submitId?: string;
  /** Parsed JSON body, when it parsed. */
  body?: unknown;
  /** Status answered, or `reset` when the connection was destroyed instead. */
  outcome: number | 'reset';
  /** True when the answer came from the failure script. */
  scripted: boolean;
  jobId?: string;
}

/** A job the emulator accepted; a repeated `X-MRA-SubmitId` adds to `submissions`, not a new job. */
export interface EmulatedJob {
  jobId: string;
  submitId?: string;
  channel: SupportedChannel;
  body: unknown;
  /** How many requests carried this job's submit id (1 = no duplicates). */
  submissions: number;
  acceptedAt: string;
}

/** A scripted answer: a status, optionally with `Retry-After`, headers and a JSON body. */
export interface ScriptedResponse {
  status: number;
  /** Seconds (number) or an HTTP-date / raw header value (string). */
  retryAfter?: number | string;
  headers?: Record<string, string>;
  /** JSON body; a string is sent as is. */
  body?: unknown;
}

/** Failure injection; every call adds to what is already scripted. */
export interface EmulatorScript {
  /** The next outbound requests get these answers, in order, before any processing. */
  respond(...responses: (number | ScriptedResponse)[]): void;
  /** The next `count` valid submissions are accepted (job created), then the connection is destroyed unanswered. */
  resetAfterBody(count?: number): void;
  /** The next `count` outbound requests are held `ms` before processing. */
  delay(ms: number, count?: number): void;
  /** For `ms`, connections are destroyed on arrival (`reset`) or outbound requests get 503. */
  down(ms: number, mode?: 'reset' | 503): void;
  /** Every token issued so far stops working (401). */
  expireTokens(): void;
  /** Like `expireTokens`, once `accepted` jobs have been accepted in total. */
  expireTokensAfter(accepted: number): void;
  /** The next token requests get these answers, in order. */
  tokenRespond(...responses: (number | ScriptedResponse)[]): void;
}

/** Counters of the emulator since start or the last `reset`. */
export interface EmulatorStats {
  /** Outbound requests being handled now. */
  concurrent: number;
  /** Highest `concurrent` seen. */
  maxConcurrent: number;
  tokensIssued: number;
  /** Distinct jobs accepted. */
  accepted: number;
}

/** A running emulator of the OpenText Notifications token and outbound endpoints. */
export interface NotificationsEmulator {
  /** Base URL for the client's `baseUrl` (paths start with `/mra/v1`). */
  readonly url: string;
  /** Base URL for the client's `authUrl`. */
  readonly authUrl: string;
  readonly tenant: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * The connection part of a client configuration for this emulator (`baseUrl`, `authUrl`,
   * `tenant`, `clientId`, `clientSecret`): `createNotificationsClient({ ...emulator.clientConfig, outbox })`.
   */
  readonly clientConfig: Pick<
    NotificationsClientConfig,
    'baseUrl' | 'authUrl' | 'tenant' | 'clientId' | 'clientSecret'
  >;
  /** Every outbound request, in arrival order (live view). */
  readonly received: readonly ReceivedRequest[];
  /** Accepted jobs by job id (live view). */
  readonly jobs: ReadonlyMap<string, EmulatedJob>;
  /** Tokens issued so far, for leak checks in tests. */
  readonly issuedTokens: readonly string[];
  /** The job accepted under this `X-MRA-SubmitId`, if any. */
  jobBySubmitId(submitId: string): EmulatedJob | undefined;
  stats(): EmulatorStats;
  readonly script: EmulatorScript;
  /** Clears records, jobs, counters and scripts; issued tokens stay valid. */
  reset(): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

interface ScriptState {
  responses: ScriptedResponse[];
  tokenResponses: ScriptedResponse[];
  resets: number;
  delays: number[];
  downUntil: number;
  downMode: 'reset' | 503;
  expireAfter: number | undefined;
}

const CHANNEL_BY_PATH = new Map<string, SupportedChannel>(
  Object.entries(OUTBOUND_PATHS).map(([channel, path]) => [path, channel as SupportedChannel]),
);
const STATUS_PATH = /^\/mra\/v1\/outbound\/(emails|sms|faxes|whatsapp)\/status$/;

/**
 * Starts an emulator of OpenText Notifications on 127.0.0.1: OAuth2 client-credentials tokens at
 * `/tenants/{tenant}/oauth2/token`, the outbound email/sms/fax/WhatsApp endpoints with body
 * validation (400 + error body), de-duplication on `X-MRA-SubmitId`, and a failure script.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<NotificationsEmulator> {
  const tenant = options.tenant ?? 'exroute-demo';
  const clientId = options.clientId ?? 'exroute-demo-client';
  const clientSecret = options.clientSecret ?? 'exroute-demo-secret';
  const ttlSeconds = options.tokenTtlSeconds ?? 3600;
  const latencyMs = options.latencyMs ?? 0;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const now = options.now ?? Date.now;

  const tokens = new Map<string, number>();
  const issuedTokens: string[] = [];
  const received: ReceivedRequest[] = [];
  const jobs = new Map<string, EmulatedJob>();
  const jobsBySubmitId = new Map<string, { job: EmulatedJob; bodyHash: string }>();
  const sockets = new Set<Socket>();
  let script = emptyScript();
  let concurrent = 0;
  let maxConcurrent = 0;
  let jobCounter = 0;

  const isDown = (): boolean => now() < script.downUntil;

  const server = createServer((request, response) => {
    if (isDown() && script.downMode === 'reset') {
      request.socket.destroy();
      return;
    }
    void route(request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { error: { code: 'EMULATOR_ERROR' } });
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    if (isDown() && script.downMode === 'reset') {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 5_000;

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const body = await readBody(request, maxBodyBytes);
    if (body === undefined) {
      sendJson(response, 413, { error: { code: 'PAYLOAD_TOO_LARGE' } });
      return;
    }
    const tokenMatch = /^\/tenants\/([^/]+)\/oauth2\/token$/.exec(url.pathname);
    if (tokenMatch !== null && request.method === 'POST') {
      handleToken(decodeURIComponent(tokenMatch[1] ?? ''), request, body, response);
      return;
    }
    const channel = CHANNEL_BY_PATH.get(url.pathname);
    if (channel !== undefined && request.method === 'POST') {
      concurrent += 1;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      response.on('close', () => {
        concurrent -= 1;
      });
      await handleSubmit(channel, url.pathname, request, body, response);
      return;
    }
    if (STATUS_PATH.test(url.pathname) && request.method === 'GET') {
      if (!authorized(request)) {
        sendJson(response, 401, { error: 'invalid_token' });
        return;
      }
      const job = jobs.get(url.searchParams.get('job_id') ?? '');
      if (job === undefined) sendJson(response, 404, { error: { code: 'JOB_NOT_FOUND' } });
      else
        sendJson(response, 200, {
          job_id: job.jobId,
          job_state: ['Complete', 'Posted'],
          entry_time: job.acceptedAt,
        });
      return;
    }
    sendJson(response, 404, {
      error: { code: 'NOT_FOUND', message: `no route ${request.method ?? ''} ${url.pathname}` },
    });
  }

  function handleToken(
    requestedTenant: string,
    request: IncomingMessage,
    body: Buffer,
    response: ServerResponse,
  ): void {
    const scripted = script.tokenResponses.shift();
    if (scripted !== undefined) {
      sendScripted(response, scripted);
      return;
    }
    const credentials = parseBasic(request.headers.authorization);
    if (
      requestedTenant !== tenant ||
      credentials === undefined ||
      credentials.id !== clientId ||
      credentials.secret !== clientSecret
    ) {
      sendJson(response, 401, { error: 'invalid_client' });
      return;
    }
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') {
      sendJson(response, 400, { error: 'unsupported_grant_type' });
      return;
    }
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, now() + ttlSeconds * 1000);
    issuedTokens.push(token);
    sendJson(response, 200, { access_token: token, token_type: 'Bearer', expires_in: ttlSeconds });
  }

  async function handleSubmit(
    channel: SupportedChannel,
    path: string,
    request: IncomingMessage,
    raw: Buffer,
    response: ServerResponse,
  ): Promise<void> {
    const submitHeader = request.headers['x-mra-submitid'];
    const submitId =
      typeof submitHeader === 'string' && submitHeader !== '' ? submitHeader : undefined;
    const record: ReceivedRequest = {
      seq: received.length + 1,
      at: new Date().toISOString(),
      path,
      channel,
      ...(submitId !== undefined ? { submitId } : {}),
      outcome: 0,
      scripted: false,
    };
    received.push(record);
    const body = parseJson(raw);
    if (body !== undefined) record.body = body;

    const hold = script.delays.shift() ?? 0;
    if (hold + latencyMs > 0) await delay(hold + latencyMs);
    if (isDown() && script.downMode === 503) {
      record.outcome = 503;
      record.scripted = true;
      sendJson(response, 503, { error: { code: 'SERVICE_UNAVAILABLE' } });
      return;
    }
    const scripted = script.responses.shift();
    if (scripted !== undefined) {
      record.outcome = scripted.status;
      record.scripted = true;
      sendScripted(response, scripted);
      return;
    }
    if (!authorized(request)) {
      record.outcome = 401;
      sendJson(response, 401, { error: 'invalid_token' });
      return;
    }
    if (body === undefined) {
      record.outcome = 400;
      sendJson(response, 400, {
        error: { code: 'INVALID_JSON', message: 'request body is not JSON' },
      });
      return;
    }
    const problems = validateSubmission(channel, body);
    if (submitId !== undefined && submitId.length > 255) {
      problems.push({ pointer: '', message: 'X-MRA-SubmitId is longer than 255 characters' });
    }
    if (problems.length > 0) {
      record.outcome = 400;
      sendJson(response, 400, { error: { code: 'INVALID_REQUEST', details: problems } });
      return;
    }
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    const known = submitId !== undefined ? jobsBySubmitId.get(submitId) : undefined;
    if (known !== undefined && known.bodyHash !== bodyHash) {
      record.outcome = 409;
      sendJson(response, 409, {
        error: {
          code: 'SUBMIT_ID_CONFLICT',
          message: 'X-MRA-SubmitId was already used with a different body',
        },
      });
      return;
    }
    let job: EmulatedJob;
    if (known !== undefined) {
      job = known.job;
      job.submissions += 1;
    } else {
      jobCounter += 1;
      job = {
        jobId: `emu-${String(40_000_000 + jobCounter)}`,
        ...(submitId !== undefined ? { submitId } : {}),
        channel,
        body,
        submissions: 1,
        acceptedAt: new Date().toISOString(),
      };
      jobs.set(job.jobId, job);
      if (submitId !== undefined) jobsBySubmitId.set(submitId, { job, bodyHash });
      if (script.expireAfter !== undefined && jobs.size >= script.expireAfter) {
        script.expireAfter = undefined;
        expireAll();
      }
    }
    record.jobId = job.jobId;
    if (script.resets > 0) {
      script.resets -= 1;
      record.outcome = 'reset';
      request.socket.destroy();
      return;
    }
    record.outcome = 200;
    sendJson(response, 200, { job_id: job.jobId });
  }

  function authorized(request: IncomingMessage): boolean {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    if (match === null) return false;
    const expiresAt = tokens.get(match[1] ?? '');
    return expiresAt !== undefined && now() < expiresAt;
  }

  function expireAll(): void {
    for (const token of tokens.keys()) tokens.set(token, 0);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    authUrl: origin,
    tenant,
    clientId,
    clientSecret,
    clientConfig: { baseUrl: origin, authUrl: origin, tenant, clientId, clientSecret },
    received,
    jobs,
    issuedTokens,
    jobBySubmitId: (submitId) => jobsBySubmitId.get(submitId)?.job,
    stats: () => ({
      concurrent,
      maxConcurrent,
      tokensIssued: issuedTokens.length,
      accepted: jobs.size,
    }),
    script: {
      respond: (...responses) => {
        script.responses.push(...responses.map(toScripted));
      },
      resetAfterBody: (count = 1) => {
        script.resets += count;
      },
      delay: (ms, count = 1) => {
        for (let i = 0; i < count; i += 1) script.delays.push(ms);
      },
      down: (ms, mode = 'reset') => {
        script.downUntil = now() + ms;
        script.downMode = mode;
        if (mode === 'reset') for (const socket of sockets) socket.destroy();
      },
      expireTokens: expireAll,
      expireTokensAfter: (accepted) => {
        script.expireAfter = accepted;
      },
      tokenRespond: (...responses) => {
        script.tokenResponses.push(...responses.map(toScripted));
      },
    },
    reset: () => {
      received.length = 0;
      jobs.clear();
      jobsBySubmitId.clear();
      script = emptyScript();
      maxConcurrent = concurrent;
      jobCounter = 0;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function emptyScript(): ScriptState {
  return {
    responses: [],
    tokenResponses: [],
    resets: 0,
    delays: [],
    downUntil: 0,
    downMode: 'reset',
    expireAfter: undefined,
  };
}

function toScripted(response: number | ScriptedResponse): ScriptedResponse {
  return typeof response === 'number' ? { status: response } : response;
}

function sendScripted(response: ServerResponse, scripted: ScriptedResponse): void {
  const headers: Record<string, string> = { ...scripted.headers };
  if (scripted.retryAfter !== undefined) headers['retry-after'] = String(scripted.retryAfter);
  const body =
    scripted.body === undefined
      ? ''
      : typeof scripted.body === 'string'
        ? scripted.body
        : JSON.stringify(scripted.body);
  if (body !== '' && typeof scripted.body !== 'string')
    headers['content-type'] = 'application/json';
  response.writeHead(scripted.status, headers);
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  let tooLarge = false;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    total += buffer.byteLength;
    if (total > maxBytes) tooLarge = true;
    else chunks.push(buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
