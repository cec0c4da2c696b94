import type { IncomingMessage } from 'node:http';
import { ExrouteError } from '@exroute/core';
import type { Diagnostic, NormalizedEvent } from '@exroute/core';
import { normalize, normalizeLine } from '@exroute/exstream';
import type { Mapping } from '@exroute/exstream';
import { HttpError } from './http-error.js';
import { mediaType, readBody } from './read-body.js';

/** One event of a request: normalized, or refused with its diagnostics. */
export type IngestItem =
  { index: number; event: NormalizedEvent } | { index: number; diagnostics: Diagnostic[] };

const JSON_LINES_TYPES = new Set([
  'application/x-ndjson',
  'application/jsonl',
  'application/x-jsonlines',
]);

/**
 * Reads `POST /v1/events`: a JSON object, a JSON array, or JSON Lines; normalizes every event.
 * Refuses the whole request (HttpError) for a wrong media type (415), a body or event count over
 * the limits (413), or a body that is not JSON at all (400); per-event problems come back as items.
 */
export async function readEvents(
  request: IncomingMessage,
  limits: { maxBodyBytes: number; maxEventsPerRequest: number },
  mapping: Mapping | undefined,
): Promise<IngestItem[]> {
  const type = mediaType(request);
  const jsonLines = JSON_LINES_TYPES.has(type);
  if (type !== 'application/json' && !jsonLines) {
    throw new HttpError(
      415,
      'EXR_HTTP_UNSUPPORTED_MEDIA_TYPE',
      'send events as application/json (an object or an array) or application/x-ndjson (JSON Lines)',
    );
  }
  const body = (await readBody(request, limits.maxBodyBytes)).toString('utf8');
  const options = mapping !== undefined ? { mapping } : {};
  const tooMany = (): HttpError =>
    new HttpError(
      413,
      'EXR_HTTP_TOO_MANY_EVENTS',
      `at most ${limits.maxEventsPerRequest} events per request; split the batch`,
    );
  if (jsonLines) {
    const items: IngestItem[] = [];
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const item = normalizeLine(lines[i]!, i + 1, options);
      if (item === undefined) continue;
      if (items.length >= limits.maxEventsPerRequest) throw tooMany();
      items.push(
        'event' in item
          ? { index: items.length, event: item.event }
          : { index: items.length, diagnostics: item.error.diagnostics },
      );
    }
    if (items.length === 0)
      throw new HttpError(400, 'EXR_HTTP_NO_EVENTS', 'the body holds no event');
    return items;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    const detail = error instanceof Error ? error.message.slice(0, 160) : 'syntax error';
    throw new HttpError(400, 'EXR_HTTP_INVALID_JSON', `the body is not valid JSON (${detail})`);
  }
  const raws = Array.isArray(parsed) ? parsed : [parsed];
  if (raws.length === 0) throw new HttpError(400, 'EXR_HTTP_NO_EVENTS', 'the array holds no event');
  if (raws.length > limits.maxEventsPerRequest) throw tooMany();
  return raws.map((raw: unknown, index) => {
    try {
      return { index, event: normalize(raw, options) };
    } catch (error) {
      if (error instanceof ExrouteError) return { index, diagnostics: error.diagnostics };
      return {
        index,
        diagnostics: [
          {
            code: 'EXR_INTERNAL_ERROR',
            severity: 'error' as const,
            message: 'the event could not be normalized',
          },
        ],
      };
    }
  });
}
