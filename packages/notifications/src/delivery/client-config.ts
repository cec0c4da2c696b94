import type { Diagnostic } from '@exroute/core';
import { DeliveryError, deliveryDiagnostic } from '../errors.js';
import type { Outbox } from '../durability/outbox.js';
import type { DeadLetterSink } from '../durability/dead-letter.js';
import type { BackoffPolicy } from './retry-policy.js';

/** Settings of `createNotificationsClient`; only the first five are required. */
export interface NotificationsClientConfig {
  /** API host root, e.g. `https://t2api.us.cloudmessaging.opentext.com` (paths start with `/mra/v1`). */
  baseUrl: string;
  /** Authentication host root, e.g. `https://us.api.opentext.com`; the token URL is `{authUrl}/tenants/{tenant}/oauth2/token`. */
  authUrl: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** Requests on the wire at once, across every `send` of this client (default 8). */
  maxInFlight?: number;
  /**
   * Retryable failures tolerated per request before it is dead-lettered (default 100): a guard
   * against a server that answers `Retry-After: 0` forever; `retryBudgetMs` is what normally
   * ends the retries.
   */
  maxAttempts?: number;
  /**
   * How long a request keeps being retried, in ms from its first attempt (default 900 000:
   * 15 minutes), so an outage of minutes dead-letters nothing; the last wait is shortened to
   * end at the budget, then one last attempt is made.
   */
  retryBudgetMs?: number;
  /** Timeout of one HTTP attempt, in ms (default 10 000). */
  attemptTimeoutMs?: number;
  /** Backoff between retries (default base 250 ms, cap 30 000 ms). */
  backoff?: BackoffPolicy;
  /** Longest `Retry-After` honoured, in ms; longer requests wait this long (default 120 000). */
  maxRetryAfterMs?: number;
  /** Bytes of a response body kept (default 16 384). */
  maxResponseBytes?: number;
  /** Refresh a token this long before it expires, in ms (default 60 000). */
  tokenRefreshSkewMs?: number;
  /** Allow `http:` to hosts other than loopback (default false: credentials would travel in clear). */
  allowInsecureHttp?: boolean;
  /** Durable outbox; without it a crash between routing and sending can lose requests. */
  outbox?: Outbox;
  /** Where finally failed requests go; without it they are only reported in the results. */
  deadLetters?: DeadLetterSink;
  /** Receives one event per attempt and outcome; events never contain secrets. */
  onEvent?: (event: DeliveryEvent) => void;
  /** Injected for deterministic tests: uniform in [0, 1). */
  random?: () => number;
  /** Injected for deterministic tests: waits `ms`. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for deterministic tests: ms since epoch. */
  now?: () => number;
}

/** A log event of the client; safe to write anywhere (no tokens, no secrets, no bodies). */
export type DeliveryEvent =
  | {
      type: 'attempt';
      key: string;
      attempt: number;
      status?: number;
      error?: string;
      delayMs?: number;
    }
  | { type: 'delivered'; key: string; jobId: string; attempts: number }
  | { type: 'dead-lettered'; key: string; reason: string; attempts: number; lastStatus?: number }
  | { type: 'token'; outcome: 'failed'; status?: number };

/** The validated configuration with defaults applied. */
export interface ResolvedClientConfig {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  maxInFlight: number;
  maxAttempts: number;
  retryBudgetMs: number;
  attemptTimeoutMs: number;
  backoff: BackoffPolicy;
  maxRetryAfterMs: number;
  maxResponseBytes: number;
  tokenRefreshSkewMs: number;
}

/** Default `maxAttempts`: high enough that the time budget, not the count, ends the retries. */
export const DEFAULT_MAX_ATTEMPTS = 100;

/** Default `retryBudgetMs`: 15 minutes of retrying before a request is dead-lettered. */
export const DEFAULT_RETRY_BUDGET_MS = 15 * 60 * 1000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks a client configuration and applies defaults; throws one DeliveryError
 * (`EXR_DELIVERY_CONFIG_INVALID`) listing every problem. Never echoes the client secret.
 */
export function resolveClientConfig(config: NotificationsClientConfig): ResolvedClientConfig {
  const problems: Diagnostic[] = [];
  const allowInsecure = config.allowInsecureHttp === true;
  const baseUrl = checkUrl(config.baseUrl, 'baseUrl', allowInsecure, problems);
  const authUrl = checkUrl(config.authUrl, 'authUrl', allowInsecure, problems);
  for (const name of ['tenant', 'clientId', 'clientSecret'] as const) {
    const value: unknown = config[name];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(
        deliveryDiagnostic(
          'EXR_DELIVERY_MISSING_CREDENTIALS',
          `${name} is missing; set it from the service client of your OpenText tenant (e.g. an environment variable)`,
          `/${name}`,
        ),
      );
    }
  }
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value <= 0) {
      problems.push(
        deliveryDiagnostic(
          'EXR_DELIVERY_BAD_OPTION',
          `${name} must be a positive integer, got ${String(value)}`,
          `/${name.replace('.', '/')}`,
        ),
      );
      return fallback;
    }
    return value;
  };
  const resolved: ResolvedClientConfig = {
    baseUrl: baseUrl ?? '',
    tokenUrl:
      authUrl === undefined
        ? ''
        : `${authUrl}/tenants/${encodeURIComponent(config.tenant ?? '')}/oauth2/token`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    maxInFlight: positive('maxInFlight', config.maxInFlight, 8),
    maxAttempts: positive('maxAttempts', config.maxAttempts, DEFAULT_MAX_ATTEMPTS),
    retryBudgetMs: positive('retryBudgetMs', config.retryBudgetMs, DEFAULT_RETRY_BUDGET_MS),
    attemptTimeoutMs: positive('attemptTimeoutMs', config.attemptTimeoutMs, 10_000),
    backoff: {
      baseMs: positive('backoff.baseMs', config.backoff?.baseMs, 250),
      capMs: positive('backoff.capMs', config.backoff?.capMs, 30_000),
    },
    maxRetryAfterMs: positive('maxRetryAfterMs', config.maxRetryAfterMs, 120_000),
    maxResponseBytes: positive('maxResponseBytes', config.maxResponseBytes, 16_384),
    tokenRefreshSkewMs: positive('tokenRefreshSkewMs', config.tokenRefreshSkewMs, 60_000),
  };
  if (problems.length > 0) {
    throw new DeliveryError(
      'EXR_DELIVERY_CONFIG_INVALID',
      `notifications client configuration is invalid: ${problems.map((p) => p.code).join(', ')}`,
      problems,
    );
  }
  return resolved;
}

/** Returns the URL without a trailing slash, or undefined after recording why it is unusable. */
function checkUrl(
  value: unknown,
  name: string,
  allowInsecure: boolean,
  problems: Diagnostic[],
): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(
      deliveryDiagnostic(
        'EXR_DELIVERY_BAD_URL',
        `${name} is missing; give an absolute https URL`,
        `/${name}`,
      ),
    );
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(
      deliveryDiagnostic(
        'EXR_DELIVERY_BAD_URL',
        `${name} is not an absolute URL; write it like https://api.example.com`,
        `/${name}`,
      ),
    );
    return undefined;
  }
  // The URL is never echoed: it could carry user:password.
  if (url.username !== '' || url.password !== '') {
    problems.push(
      deliveryDiagnostic(
        'EXR_DELIVERY_BAD_URL',
        `${name} must not contain user:password@; pass clientId and clientSecret instead`,
        `/${name}`,
      ),
    );
    return undefined;
  }
  if (url.search !== '' || url.hash !== '') {
    problems.push(
      deliveryDiagnostic(
        'EXR_DELIVERY_BAD_URL',
        `${name} must not have a query or fragment`,
        `/${name}`,
      ),
    );
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(
      deliveryDiagnostic(
        'EXR_DELIVERY_BAD_URL',
        `${name} must use https (got ${url.protocol})`,
        `/${name}`,
      ),
    );
    return undefined;
  }
  if (url.protocol === 'http:' && !allowInsecure && !LOOPBACK_HOSTS.has(url.hostname)) {
    problems.push(
      deliveryDiagnostic(
        'EXR_DELIVERY_INSECURE_URL',
        `${name} uses plain http to ${url.hostname}; use https, or set allowInsecureHttp for a test server`,
        `/${name}`,
      ),
    );
    return undefined;
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
