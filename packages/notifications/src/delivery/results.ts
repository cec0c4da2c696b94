/** What happened on one HTTP attempt of one request; never holds credentials or tokens. */
export interface AttemptRecord {
  /** 1-based. */
  attempt: number;
  /** RFC 3339 instant the attempt started. */
  startedAt: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /**
   * Why there was no usable answer: `EXR_DELIVERY_NETWORK_ERROR`, `EXR_DELIVERY_TIMEOUT`,
   * `EXR_DELIVERY_TOKEN_UNAVAILABLE`, `EXR_DELIVERY_AUTH_FAILED`.
   */
  error?: string;
  /** Low-level cause such as `ECONNRESET` or `UND_ERR_SOCKET`, when known. */
  cause?: string;
  /** The response body, cut at `maxResponseBytes`. */
  body?: string;
  /** The wait before the next attempt, when there was one. */
  delayMs?: number;
  /** True when the wait came from `Retry-After`. */
  retryAfter?: boolean;
}

/** The request reached OpenText Notifications, which answered with a job id. */
export interface DeliveredResult {
  status: 'delivered';
  key: string;
  jobId: string;
  /** Number of HTTP attempts, including the successful one. */
  attempts: number;
}

/** The request finally failed and is in the dead-letter sink. */
export interface DeadLetteredResult {
  status: 'dead-lettered';
  key: string;
  /**
   * `EXR_DELIVERY_REJECTED` (400/403/404/422 …), `EXR_DELIVERY_CONFLICT` (409 with a conflicting
   * body), `EXR_DELIVERY_UNAUTHORIZED` (401 after a fresh token), `EXR_DELIVERY_AUTH_FAILED`
   * (credentials refused), `EXR_DELIVERY_REDIRECT_REFUSED`, `EXR_DELIVERY_BAD_RESPONSE`
   * (2xx without `job_id`), `EXR_DELIVERY_RETRIES_EXHAUSTED`.
   */
  reason: string;
  attempts: number;
  lastStatus?: number;
  lastBody?: string;
}

/** Per-request outcome of `send`: every request ends delivered or dead-lettered. */
export type DeliveryResult = DeliveredResult | DeadLetteredResult;
