import type { IncomingMessage } from 'node:http';
import { findStructureProblems } from '@exroute/core';
import { HttpError } from './http-error.js';

/**
 * Reads the request body up to `maxBytes`; a larger body (announced or actual) is refused with
 * 413 as soon as it is known, without buffering the rest.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const announced = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(announced) && announced > maxBytes) {
    throw new HttpError(
      413,
      'EXR_HTTP_BODY_TOO_LARGE',
      `the body is larger than ${maxBytes} bytes; send fewer events per request`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new HttpError(
        413,
        'EXR_HTTP_BODY_TOO_LARGE',
        `the body is larger than ${maxBytes} bytes; send fewer events per request`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** The media type of a request without parameters, lower-cased (`application/json`). */
export function mediaType(request: IncomingMessage): string {
  const header = request.headers['content-type'];
  return (typeof header === 'string' ? (header.split(';')[0] ?? '') : '').trim().toLowerCase();
}

/** Reads and parses a small JSON object body (admin API); 415 / 400 / 413 otherwise. */
export async function readJsonObject(
  request: IncomingMessage,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  if (mediaType(request) !== 'application/json') {
    throw new HttpError(
      415,
      'EXR_HTTP_UNSUPPORTED_MEDIA_TYPE',
      'send the body as application/json',
    );
  }
  const body = await readBody(request, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'EXR_HTTP_INVALID_JSON', 'the body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'EXR_HTTP_INVALID_BODY', 'the body must be a JSON object');
  }
  const [problem] = findStructureProblems(value, 32);
  if (problem !== undefined) {
    throw new HttpError(
      400,
      problem.problem === 'forbidden-key' ? 'EXR_HTTP_FORBIDDEN_KEY' : 'EXR_HTTP_INVALID_BODY',
      problem.problem === 'forbidden-key'
        ? 'the body holds a __proto__, constructor or prototype key; remove it'
        : 'the body nests too deeply',
    );
  }
  return value as Record<string, unknown>;
}
