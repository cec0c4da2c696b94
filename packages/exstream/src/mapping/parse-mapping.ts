import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { duplicateKeyOffsets, schemaErrorsItemByItem } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';
import { MappingError } from '../errors.js';
import { checkRawStructure } from '../raw/raw-structure.js';
import { DEFAULT_MAPPING } from './default-mapping.js';
import type { MappedFields, Mapping, MappingRule, ManifestFieldNames, MatchKey } from './model.js';
import { MATCH_KEYS } from './model.js';
import { positionOf } from './yaml-positions.js';

/** Mapping files larger than this are refused before parsing. */
export const MAX_MAPPING_BYTES = 1024 * 1024;

const MAX_ALIAS_COUNT = 50;

let validators: { mapping: ValidateFunction; rule: ValidateFunction } | undefined;

// The schema ships as a file (package export `./schema/mapping.schema.json`) so editors can use it
// too; it sits two levels above this module in both src/ and dist/.
function mappingValidators(): { mapping: ValidateFunction; rule: ValidateFunction } {
  if (validators === undefined) {
    const schemaUrl = new URL('../../schema/mapping.schema.json', import.meta.url);
    const schema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    const mapping = ajv.compile(schema);
    const rule = ajv.getSchema(`${String(schema['$id'])}#/definitions/rule`);
    if (rule === undefined) throw new Error('mapping.schema.json has no definitions/rule');
    validators = { mapping, rule };
  }
  return validators;
}

/** The schema's `maxItems` of `rules`: beyond it the whole file is validated at once. */
const MAX_RULES = 5_000;

/**
 * The mapping's schema errors with its rules validated one at a time (the first one with the
 * rest of the file): ajv with allErrors concatenates the accumulated error list at every failing
 * `$ref` call, which is quadratic in the number of faulty rules (20,000 took about 12 s).
 */
function mappingSchemaErrors(value: unknown): ErrorObject[] {
  const { mapping, rule } = mappingValidators();
  return schemaErrorsItemByItem(mapping, rule, value, 'rules', MAX_RULES);
}

interface RawRule {
  description?: string;
  match: Record<string, string | string[]>;
  set: MappedFields;
}

interface RawMapping {
  rules?: RawRule[];
  fromManifest?: Partial<Record<keyof ManifestFieldNames, string | string[]>>;
  channels?: Record<string, string>;
  defaults?: MappedFields;
}

/**
 * Parses a mapping file (YAML 1.2 core schema) and validates it against
 * `schema/mapping.schema.json`; throws MappingError with every problem at file:line:column.
 * File rules are tried before the built-in ones, `fromManifest` entries replace the built-in
 * field lists one field at a time, and `channels` add to the built-in channel-name table.
 */
export function parseMapping(text: string, options: { filename?: string } = {}): Mapping {
  const file = options.filename ?? '<mapping>';
  const diagnostics: Diagnostic[] = [];
  const report = (
    code: string,
    message: string,
    at: { line: number; column: number },
    pointer?: string,
    hint?: string,
  ): void => {
    diagnostics.push({
      code,
      severity: 'error',
      message,
      file,
      line: at.line,
      column: at.column,
      ...(pointer !== undefined ? { pointer } : {}),
      ...(hint !== undefined ? { hint } : {}),
    });
  };
  if (Buffer.byteLength(text, 'utf8') > MAX_MAPPING_BYTES) {
    report(
      'EXR_MAPPING_TOO_LARGE',
      `mapping file is larger than ${MAX_MAPPING_BYTES} bytes; split or shorten it`,
      { line: 1, column: 1 },
    );
    throw new MappingError(diagnostics);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    schema: 'core',
    merge: false,
    // Checked below in linear time: yaml's own check is quadratic in a mapping's size.
    uniqueKeys: false,
    resolveKnownTags: false,
    stringKeys: true,
    lineCounter,
  });
  if (doc.errors.length === 0) {
    for (const offset of duplicateKeyOffsets(doc)) {
      const at = lineCounter.linePos(offset);
      report('EXR_MAPPING_SYNTAX', 'Map keys must be unique', { line: at.line, column: at.col });
    }
  }
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const at = lineCounter.linePos(problem.pos[0]);
    const firstLine = (problem.message.split('\n')[0] ?? '').replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    report('EXR_MAPPING_SYNTAX', firstLine, {
      line: at.line,
      column: at.col,
    });
  }
  if (diagnostics.length > 0) throw new MappingError(diagnostics);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    report(
      'EXR_MAPPING_SYNTAX',
      `too many alias references (more than ${MAX_ALIAS_COUNT}); write the values out`,
      { line: 1, column: 1 },
    );
    throw new MappingError(diagnostics);
  }
  for (const problem of checkRawStructure(value)) {
    const segments = splitPointer(problem.pointer ?? '');
    report(
      problem.code === 'EXR_FORBIDDEN_KEY' ? 'EXR_MAPPING_FORBIDDEN_KEY' : 'EXR_MAPPING_SCHEMA',
      problem.message.replace('a raw event', 'a mapping file'),
      positionOf(doc, lineCounter, segments, true),
      problem.pointer,
    );
  }
  if (diagnostics.length > 0) throw new MappingError(diagnostics);
  const schemaErrors = mappingSchemaErrors(value);
  if (schemaErrors.length > 0) {
    for (const error of schemaErrors) {
      const described = describeSchemaError(error);
      if (described === undefined) continue;
      const segments = splitPointer(described.pointer);
      report(
        'EXR_MAPPING_SCHEMA',
        described.message,
        positionOf(doc, lineCounter, segments, described.atKey),
        described.pointer,
        described.hint,
      );
    }
    diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    throw new MappingError(diagnostics);
  }
  return buildMapping(value as RawMapping, file, (pointer) =>
    positionOf(doc, lineCounter, splitPointer(pointer)),
  );
}

/** Reads and parses a mapping file; an unreadable file is a MappingError (EXR_MAPPING_UNREADABLE), not a crash. */
export async function loadMapping(path: string): Promise<Mapping> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_MAPPING_BYTES) {
      throw new MappingError([
        {
          code: 'EXR_MAPPING_TOO_LARGE',
          severity: 'error',
          message: `mapping file is larger than ${MAX_MAPPING_BYTES} bytes; split or shorten it`,
          file: path,
          line: 1,
          column: 1,
        },
      ]);
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof MappingError) throw error;
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'read error';
    throw new MappingError([
      {
        code: 'EXR_MAPPING_UNREADABLE',
        severity: 'error',
        message: `cannot read mapping file (${reason}); check the path and permissions`,
        file: path,
      },
    ]);
  }
  return parseMapping(text, { filename: path });
}

function buildMapping(
  raw: RawMapping,
  file: string,
  locate: (pointer: string) => { line: number; column: number },
): Mapping {
  const rules: MappingRule[] = (raw.rules ?? []).map((rule, index) => {
    const pointer = `/rules/${index}`;
    const match: Partial<Record<MatchKey, readonly string[]>> = {};
    for (const [key, patterns] of Object.entries(rule.match)) {
      match[key as MatchKey] = typeof patterns === 'string' ? [patterns] : patterns;
    }
    return {
      match,
      set: { ...rule.set },
      ...(rule.description !== undefined ? { description: rule.description } : {}),
      location: { file, ...locate(pointer), pointer },
    };
  });
  const fromManifest: ManifestFieldNames = { ...DEFAULT_MAPPING.fromManifest };
  for (const [field, names] of Object.entries(raw.fromManifest ?? {})) {
    fromManifest[field as keyof ManifestFieldNames] = typeof names === 'string' ? [names] : names;
  }
  return {
    rules: [...rules, ...DEFAULT_MAPPING.rules],
    fromManifest,
    channels: { ...DEFAULT_MAPPING.channels, ...raw.channels },
    defaults: { ...raw.defaults },
    file,
  };
}

function describeSchemaError(
  error: ErrorObject,
): { pointer: string; message: string; atKey: boolean; hint?: string } | undefined {
  const pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return {
        pointer: `${pointer}/${escapeToken(key)}`,
        message: `unknown key '${key}'; remove it or check its spelling`,
        atKey: true,
      };
    }
    case 'propertyNames':
      return undefined;
    case 'pattern':
      if (error.propertyName !== undefined) {
        return {
          pointer: `${pointer}/${escapeToken(error.propertyName)}`,
          message: `'${error.propertyName}' is not a field a mapping rule can match on`,
          atKey: true,
          hint: `use one of ${MATCH_KEYS.join(', ')} or manifest.<Field>`,
        };
      }
      return { pointer, message: `must match ${String(params.pattern)}`, atKey: false };
    case 'required':
      return {
        pointer,
        message: `missing required key '${String(params.missingProperty)}'`,
        atKey: false,
      };
    case 'const':
      return { pointer, message: `must be '${String(params.allowedValue)}'`, atKey: false };
    case 'enum':
      return {
        pointer,
        message: `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
        atKey: false,
      };
    case 'type':
      return {
        pointer,
        message: `must be ${Array.isArray(params.type) ? params.type.join(' or ') : String(params.type)}`,
        atKey: false,
      };
    case 'minLength':
    case 'minItems':
    case 'minProperties':
      return { pointer, message: 'must not be empty', atKey: false };
    default:
      return { pointer, message: error.message ?? `violates '${error.keyword}'`, atKey: false };
  }
}

function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
