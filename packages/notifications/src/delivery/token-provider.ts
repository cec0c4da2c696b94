import { postCapped } from './http-post.js';
import type { ConnectionPools } from './http-post.js';

/** A bearer token and the instant (ms since epoch) after which it must not be used. */
export interface AccessToken {
  value: string;
  refreshAt: number;
}

/** Outcome of asking for a token: never throws, so callers classify it like any attempt. */
export type TokenOutcome =
  | { ok: true; token: AccessToken }
  | {
      ok: false;
      /** Network error, timeout, 429 or 5xx from the token endpoint: worth retrying later. */
      retryable: boolean;
      /** `EXR_DELIVERY_TOKEN_UNAVAILABLE` or `EXR_DELIVERY_AUTH_FAILED`. */
      code: string;
      status?: number;
      body?: string;
    };

/** Settings of a {@link TokenProvider}. */
export interface TokenProviderOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Refresh this long before `expires_in` runs out (never more than half the lifetime). */
  refreshSkewMs: number;
  now: () => number;
  pools: ConnectionPools;
}

const DEFAULT_EXPIRES_IN_SECONDS = 300;

/**
 * OAuth2 client-credentials tokens for one tenant: fetched once, shared by every caller,
 * refreshed before expiry, and dropped when a 401 shows the server no longer accepts it.
 * Concurrent callers share one in-flight token request.
 */
export class TokenProvider {
  readonly #options: TokenProviderOptions;
  readonly #basic: string;
  #cached: AccessToken | undefined;
  #pending: Promise<TokenOutcome> | undefined;
  #fetches = 0;

  constructor(options: TokenProviderOptions) {
    this.#options = options;
    this.#basic = Buffer.from(`${options.clientId}:${options.clientSecret}`, 'utf8').toString(
      'base64',
    );
  }

  /** How many times the token endpoint was called. */
  get fetches(): number {
    return this.#fetches;
  }

  /** A token valid now, from cache when possible. */
  get(): Promise<TokenOutcome> {
    const cached = this.#cached;
    if (cached !== undefined && this.#options.now() < cached.refreshAt) {
      return Promise.resolve({ ok: true, token: cached });
    }
    this.#pending ??= this.#fetchToken().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forgets `value` if it is still the cached token (a 401 proved it stale). */
  invalidate(value: string): void {
    if (this.#cached?.value === value) this.#cached = undefined;
  }

  async #fetchToken(): Promise<TokenOutcome> {
    this.#fetches += 1;
    const requestedAt = this.#options.now();
    const response = await postCapped(new URL(this.#options.tokenUrl), {
      headers: {
        authorization: `Basic ${this.#basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
      timeoutMs: this.#options.timeoutMs,
      maxResponseBytes: this.#options.maxResponseBytes,
      pools: this.#options.pools,
    });
    if (response.kind !== 'response') {
      return { ok: false, retryable: true, code: 'EXR_DELIVERY_TOKEN_UNAVAILABLE' };
    }
    const text = response.body;
    const status = response.status;
    if (status === 429 || status >= 500) {
      return {
        ok: false,
        retryable: true,
        code: 'EXR_DELIVERY_TOKEN_UNAVAILABLE',
        status,
        body: text,
      };
    }
    if (status !== 200) {
      return { ok: false, retryable: false, code: 'EXR_DELIVERY_AUTH_FAILED', status, body: text };
    }
    const parsed = parseTokenResponse(text);
    if (parsed === undefined) {
      // The body may hold a token, so it is not kept.
      return { ok: false, retryable: true, code: 'EXR_DELIVERY_TOKEN_UNAVAILABLE', status };
    }
    const lifetimeMs = parsed.expiresInSeconds * 1000;
    const skew = Math.min(this.#options.refreshSkewMs, lifetimeMs / 2);
    this.#cached = { value: parsed.accessToken, refreshAt: requestedAt + lifetimeMs - skew };
    return { ok: true, token: this.#cached };
  }
}

function parseTokenResponse(
  text: string,
): { accessToken: string; expiresInSeconds: number } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  const accessToken = record['access_token'];
  if (typeof accessToken !== 'string' || accessToken === '') return undefined;
  const expiresIn = record['expires_in'];
  const expiresInSeconds =
    typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
      ? expiresIn
      : typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) && Number(expiresIn) > 0
        ? Number(expiresIn)
        : DEFAULT_EXPIRES_IN_SECONDS;
  return { accessToken, expiresInSeconds };
}
