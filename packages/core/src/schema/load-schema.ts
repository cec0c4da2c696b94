import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';

/**
 * Reads a JSON Schema shipped in the package's `schema/` folder. The relative URL has the same
 * depth from `src/schema/` and `dist/schema/`, so tests (from source) and the build both find it.
 */
export function readShippedSchema(name: 'ruleset.schema.json' | 'event.schema.json'): object {
  const url = new URL(`../../schema/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as object;
}

// RFC 3339 date-time: a calendar date, `T`, a time with optional fraction, and `Z` or an offset.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** Whether `text` is an RFC 3339 date-time with a real calendar date and time. */
export function isRfc3339DateTime(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return true;
}

/**
 * Compiles a shipped schema with ajv in strict mode, `$data` off, and the one format exroute's
 * schemas use (`date-time`, checked without regular-expression backtracking risk).
 */
export function compileShippedSchema(
  name: 'ruleset.schema.json' | 'event.schema.json',
  allErrors: boolean,
): ValidateFunction {
  const ajv = new Ajv({
    strict: true,
    allowUnionTypes: true,
    $data: false,
    allErrors,
    verbose: true,
  });
  ajv.addFormat('date-time', { type: 'string', validate: isRfc3339DateTime });
  return ajv.compile(readShippedSchema(name));
}
