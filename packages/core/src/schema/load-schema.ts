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
// Digits sit at fixed offsets, so after this test the fields are read by position (no captures).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * Whether `text` is an RFC 3339 date-time with a real calendar date and time. It runs on every
 * routed event (the `time` field), so it reads digits in place instead of allocating.
 */
export function isRfc3339DateTime(text: string): boolean {
  if (!RFC3339.test(text)) return false;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  const days =
    month === 2 ? new Date(Date.UTC(year, 2, 0)).getUTCDate() : DAYS_IN_MONTH[month - 1]!;
  if (day > days) return false;
  if (digitsAt(text, 11, 2) > 23 || digitsAt(text, 14, 2) > 59 || digitsAt(text, 17, 2) > 60) {
    return false;
  }
  const zone = text.charCodeAt(text.length - 6);
  if (zone === 43 /* + */ || zone === 45 /* - */) {
    if (digitsAt(text, text.length - 5, 2) > 23 || digitsAt(text, text.length - 2, 2) > 59) {
      return false;
    }
  }
  return true;
}

function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

/**
 * ajv's console logger, minus its notice that the `unicode` option is deprecated: exroute sets it
 * on purpose for `quickEventValidator`, and a library must not print on every start.
 */
const QUIET_ABOUT_UNICODE = {
  log: console.log.bind(console),
  warn: (...args: unknown[]): void => {
    if (!String(args[0]).includes('option unicode')) console.warn(...args);
  },
  error: console.error.bind(console),
};

/**
 * Compiles a shipped schema with ajv in strict mode, `$data` off, and the one format exroute's
 * schemas use (`date-time`, checked without regular-expression backtracking risk); string
 * lengths in code points, as JSON Schema defines them, unless told to count UTF-16 units.
 */
export function compileShippedSchema(
  name: 'ruleset.schema.json' | 'event.schema.json',
  allErrors: boolean,
  lengthIn: 'code points' | 'UTF-16 units' = 'code points',
): ValidateFunction {
  return shippedSchemaAjv(allErrors, lengthIn).compile(readShippedSchema(name));
}

function shippedSchemaAjv(
  allErrors: boolean,
  lengthIn: 'code points' | 'UTF-16 units' = 'code points',
): Ajv {
  const ajv = new Ajv({
    strict: true,
    allowUnionTypes: true,
    $data: false,
    allErrors,
    verbose: true,
    // JSON Schema counts code points; `.length` (UTF-16 units) is cheaper and never fewer.
    ...(lengthIn === 'code points' ? {} : { unicode: false, logger: QUIET_ABOUT_UNICODE }),
  });
  ajv.addFormat('date-time', { type: 'string', validate: isRfc3339DateTime });
  return ajv;
}

/** Like `compileShippedSchema`, for one entry of the schema's `definitions`. */
export function compileShippedSchemaDefinition(
  name: 'ruleset.schema.json',
  definition: string,
  allErrors: boolean,
): ValidateFunction {
  const ajv = shippedSchemaAjv(allErrors);
  const schema = readShippedSchema(name) as { $id?: string };
  ajv.addSchema(schema);
  const validate = ajv.getSchema(`${schema.$id ?? ''}#/definitions/${definition}`);
  if (validate === undefined) throw new Error(`schema ${name} has no definition ${definition}`);
  return validate;
}
