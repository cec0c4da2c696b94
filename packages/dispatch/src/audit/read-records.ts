import { createReadStream, readFileSync } from 'node:fs';
import { FORBIDDEN_KEYS } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { AUDIT_SCHEMA } from './record.js';
import type { AuditRecord } from './record.js';

/** A line longer than this is reported (`EXR_AUDIT_LINE_TOO_LONG`) and skipped, never buffered whole. */
export const MAX_AUDIT_LINE_BYTES = 4 * 1024 * 1024;

let schema: object | undefined;
let validator: ValidateFunction | undefined;

/** The JSON Schema of one audit line, as shipped in `schema/audit-record.schema.json`. */
export function auditRecordSchema(): object {
  schema ??= JSON.parse(
    readFileSync(new URL('../../schema/audit-record.schema.json', import.meta.url), 'utf8'),
  ) as object;
  return schema;
}

function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(auditRecordSchema());
  return validator;
}

/** Where a line came from: a file (or a stream key) and its 1-based line (or entry id). */
export interface AuditLineOrigin {
  file: string;
  line: number;
  /** For records read from a Redis stream: the entry id. */
  entry?: string;
}

/** One line read: a checked record, or why it is not one (located, never thrown). */
export type AuditLineResult =
  | { record: AuditRecord; origin: AuditLineOrigin }
  | { diagnostic: Diagnostic; origin: AuditLineOrigin };

/**
 * Parses and checks one audit line: JSON, no prototype keys (`__proto__`, `constructor`,
 * `prototype`) at any depth, the `schema` version, then the record schema. Never throws.
 */
export function parseAuditLine(text: string, origin: AuditLineOrigin): AuditLineResult {
  const problem = (code: string, message: string, pointer?: string): AuditLineResult => ({
    diagnostic: {
      code,
      severity: 'error',
      message,
      file: origin.file,
      line: origin.line,
      column: 1,
      ...(pointer !== undefined ? { pointer } : {}),
    },
    origin,
  });
  let value: unknown;
  let forbidden: string | undefined;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden ??= key;
      return v;
    });
  } catch {
    return problem(
      'EXR_AUDIT_INVALID_JSON',
      'this audit line is not valid JSON (truncated by a crash or edited by hand?); it is skipped',
    );
  }
  if (forbidden !== undefined)
    return problem(
      'EXR_AUDIT_FORBIDDEN_KEY',
      `the line holds the key '${forbidden}', which exroute never writes; it is skipped`,
    );
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return problem('EXR_AUDIT_NOT_A_RECORD', 'an audit line must be one JSON object');
  const version = (value as { schema?: unknown }).schema;
  if (version !== AUDIT_SCHEMA)
    return problem(
      'EXR_AUDIT_UNKNOWN_SCHEMA',
      `schema ${JSON.stringify(version)?.slice(0, 80) ?? 'missing'} is not ${AUDIT_SCHEMA}; a newer exroute may read it`,
      '/schema',
    );
  const check = validate();
  if (!check(value)) {
    const first =
      check.errors?.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'const') ??
      check.errors?.[0];
    return problem(
      'EXR_AUDIT_INVALID_RECORD',
      `not an ${AUDIT_SCHEMA} record: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`,
      first?.instancePath ?? '',
    );
  }
  return { record: value as AuditRecord, origin };
}

/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line:
 * a longer line is reported as `tooLong` and skipped up to its newline. A last line without a
 * newline (a write cut by a crash) is still yielded.
 */
export async function* splitLines(
  chunks: AsyncIterable<Buffer | string>,
  maxLineBytes = MAX_AUDIT_LINE_BYTES,
): AsyncGenerator<{ line: number; text: string } | { line: number; tooLong: true }> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let line = 1;
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline < 0 ? chunk.length : newline;
      if (!skipping) {
        if (size + end - start > maxLineBytes) {
          skipping = true;
          parts = [];
          size = 0;
        } else {
          parts.push(chunk.subarray(start, end));
          size += end - start;
        }
      }
      if (newline < 0) break;
      if (skipping) yield { line, tooLong: true };
      else yield { line, text: Buffer.concat(parts, size).toString('utf8') };
      parts = [];
      size = 0;
      skipping = false;
      line++;
      start = newline + 1;
    }
  }
  if (skipping) yield { line, tooLong: true };
  else if (size > 0) yield { line, text: Buffer.concat(parts, size).toString('utf8') };
}

/**
 * Reads audit lines from any byte stream, yielding each checked record or a located diagnostic;
 * blank lines are skipped. Never throws for bad content.
 */
export async function* readAuditLines(
  chunks: AsyncIterable<Buffer | string>,
  file: string,
  maxLineBytes = MAX_AUDIT_LINE_BYTES,
): AsyncGenerator<AuditLineResult> {
  for await (const item of splitLines(chunks, maxLineBytes)) {
    const origin = { file, line: item.line };
    if ('tooLong' in item) {
      yield {
        diagnostic: {
          code: 'EXR_AUDIT_LINE_TOO_LONG',
          severity: 'error',
          message: `this line is longer than ${maxLineBytes} bytes; no exroute record is, so it is skipped`,
          file,
          line: item.line,
          column: 1,
        },
        origin,
      };
      continue;
    }
    if (item.text.trim() === '') continue;
    yield parseAuditLine(item.text.replace(/\r$/, ''), origin);
  }
}

/** Reads one audit file (see {@link readAuditLines}); an unreadable file is one diagnostic. */
export async function* readAuditFile(path: string): AsyncGenerator<AuditLineResult> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  const chunks = (async function* () {
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } finally {
      stream.destroy();
    }
  })();
  try {
    yield* readAuditLines(chunks, path);
  } catch (error) {
    yield {
      diagnostic: {
        code: 'EXR_AUDIT_UNREADABLE',
        severity: 'error',
        message: `cannot read the audit file (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path`,
        file: path,
      },
      origin: { file: path, line: 0 },
    };
  }
}
