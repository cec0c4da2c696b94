import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** A response whose body was read up to a byte cap. */
export interface CappedResponse {
  kind: 'response';
  status: number;
  headers: IncomingHttpHeaders;
  /** UTF-8 body, cut at the cap. */
  body: string;
  /** True when the body was longer than the cap and the rest was discarded. */
  truncated: boolean;
}

/** Why a POST produced no response: `timeout`, or a network failure with the OS/Node code. */
export interface TransportFailure {
  kind: 'timeout' | 'network';
  code?: string;
}

/** Keep-alive connection pools for one client; `destroy` closes idle sockets. */
export interface ConnectionPools {
  http: HttpAgent;
  https: HttpsAgent;
  destroy(): void;
}

/** Pools holding at most `maxSockets` connections per origin. */
export function createConnectionPools(maxSockets: number): ConnectionPools {
  const http = new HttpAgent({ keepAlive: true, maxSockets });
  const https = new HttpsAgent({ keepAlive: true, maxSockets });
  return {
    http,
    https,
    destroy: () => {
      http.destroy();
      https.destroy();
    },
  };
}

/**
 * POSTs `body` with node:http(s): never follows redirects, aborts after `timeoutMs` (connection,
 * upload and download included), and reads at most `maxResponseBytes` of the answer. Resolves
 * with the response or a {@link TransportFailure}; never rejects, and never keeps an error
 * message that could quote headers.
 */
export function postCapped(
  url: URL,
  options: {
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
    maxResponseBytes: number;
    pools: ConnectionPools;
  },
): Promise<CappedResponse | TransportFailure> {
  const payload = Buffer.from(options.body, 'utf8');
  const secure = url.protocol === 'https:';
  const signal = AbortSignal.timeout(options.timeoutMs);
  return new Promise<CappedResponse | TransportFailure>((resolve) => {
    const fail = (error: unknown): void => {
      resolve(describeFailure(error, signal.aborted));
    };
    const onResponse = (response: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let total = 0;
      let truncated = false;
      const finish = (): void => {
        resolve({
          kind: 'response',
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: new TextDecoder('utf-8').decode(Buffer.concat(chunks, total)),
          truncated,
        });
      };
      response.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = options.maxResponseBytes - total;
        if (chunk.byteLength > room) {
          chunks.push(chunk.subarray(0, room));
          total += room;
          truncated = true;
          // The rest is never read: drop the connection rather than drain a huge body.
          response.destroy();
          finish();
          return;
        }
        chunks.push(chunk);
        total += chunk.byteLength;
      });
      response.on('end', finish);
      response.on('error', (error) => {
        if (!truncated) fail(error);
      });
      response.on('aborted', () => {
        if (!truncated) fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }));
      });
    };
    const request = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': String(payload.byteLength) },
        agent: secure ? options.pools.https : options.pools.http,
        signal,
      },
      onResponse,
    );
    request.on('error', fail);
    request.end(payload);
  });
}

function describeFailure(error: unknown, timedOut: boolean): TransportFailure {
  if (timedOut) return { kind: 'timeout' };
  const code =
    error instanceof Error && 'code' in error && typeof error.code === 'string'
      ? error.code
      : error instanceof Error
        ? error.name
        : undefined;
  return { kind: 'network', ...(code !== undefined ? { code } : {}) };
}
