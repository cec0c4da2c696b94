/** Capped exponential backoff settings; delays are drawn with full jitter. */
export interface BackoffPolicy {
  /** Ceiling of the first retry's delay, in ms. */
  baseMs: number;
  /** No delay ever exceeds this, in ms. */
  capMs: number;
}

/**
 * Full-jitter delay before retry number `retry` (1-based): uniform in
 * `[0, min(capMs, baseMs · 2^(retry-1)))`, as in the AWS "Exponential Backoff and Jitter" note.
 * `random` must return values in [0, 1).
 */
export function fullJitterDelay(
  retry: number,
  policy: BackoffPolicy,
  random: () => number,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(retry - 1, 52));
  return Math.floor(random() * ceiling);
}

/**
 * Milliseconds a `Retry-After` header asks for: delta-seconds or an HTTP-date relative to `now`
 * (RFC 9110 §10.2.3). A date in the past gives 0; anything unparsable gives undefined.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** How one HTTP status is handled by the client. */
export type StatusDisposition =
  'delivered' | 'retry' | 'reauthorize' | 'reject' | 'redirect' | 'conflict';

/**
 * The retry table: 2xx delivered; 401 re-authorize once; 429 and 5xx retried; 409 decided by
 * its body (see the client); 3xx refused (redirects are never followed); every other status —
 * 400, 403, 404, 422 … — rejected without retry.
 */
export function dispositionOf(status: number): StatusDisposition {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 401) return 'reauthorize';
  if (status === 409) return 'conflict';
  if (status === 429 || (status >= 500 && status < 600)) return 'retry';
  if (status >= 300 && status < 400) return 'redirect';
  return 'reject';
}
