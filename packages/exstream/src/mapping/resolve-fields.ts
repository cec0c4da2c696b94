import { PRIORITIES } from '@exroute/core';
import type { Priority } from '@exroute/core';
import type { FieldReader } from '../raw/field-reader.js';
import { childPointer } from '../raw/json-pointer.js';
import { compileGlob } from './glob.js';
import type { GlobMatcher } from './glob.js';
import type { MappedFields, Mapping, MatchContext } from './model.js';

type Field = keyof MappedFields;
const FIELDS: readonly Field[] = ['documentType', 'priority', 'region', 'tenant'];

interface CompiledClause {
  read: (context: MatchContext) => string | undefined;
  matchers: readonly GlobMatcher[];
}

interface CompiledRule {
  clauses: readonly CompiledClause[];
  set: MappedFields;
}

// Compiled once per Mapping object: normalizing a stream must not re-compile globs per event.
const compiled = new WeakMap<Mapping, readonly CompiledRule[]>();

function compileRules(mapping: Mapping): readonly CompiledRule[] {
  const cached = compiled.get(mapping);
  if (cached) return cached;
  const rules = mapping.rules.map((rule) => ({
    set: rule.set,
    clauses: Object.entries(rule.match).map(([key, patterns]) => ({
      read: contextReader(key),
      matchers: (patterns ?? []).map(compileGlob),
    })),
  }));
  compiled.set(mapping, rules);
  return rules;
}

function contextReader(key: string): (context: MatchContext) => string | undefined {
  if (key.startsWith('manifest.')) {
    const field = key.slice('manifest.'.length);
    return (context) => manifestText(context.manifest, field);
  }
  return (context) => {
    const value = (context as unknown as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  };
}

function manifestText(
  manifest: Readonly<Record<string, unknown>> | undefined,
  field: string,
): string | undefined {
  if (manifest === undefined || !Object.prototype.hasOwnProperty.call(manifest, field)) {
    return undefined;
  }
  const value = manifest[field];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Where resolution starts and ends for one event, and where manifest problems are reported. */
export interface ResolveInputs {
  /** Values the raw event states itself; they win over everything. */
  explicit?: MappedFields;
  /** Values from the raw event used only when no rule or manifest field applies (e.g. the raw tenant). */
  fallback?: MappedFields;
  reader: FieldReader;
  /** JSON Pointer of the output manifest (`/user`) in the raw event. */
  manifestPointer: string;
}

/**
 * Derives documentType, priority, region and tenant for one event: explicit values first, then
 * the first matching rule that sets each field, then manifest fields, then fallbacks, then the
 * mapping defaults. An invalid manifest priority is reported through the reader, never guessed.
 */
export function resolveMappedFields(
  mapping: Mapping,
  context: MatchContext,
  inputs: ResolveInputs,
): MappedFields {
  const { reader, manifestPointer } = inputs;
  const result: MappedFields = { ...inputs.explicit };
  let open = FIELDS.filter((field) => result[field] === undefined);
  for (const rule of compileRules(mapping)) {
    if (open.length === 0) break;
    if (!rule.clauses.every((clause) => clauseMatches(clause, context))) continue;
    for (const field of open) assign(result, field, rule.set[field]);
    open = open.filter((field) => result[field] === undefined);
  }
  for (const field of open) {
    for (const name of mapping.fromManifest[field]) {
      const text = manifestText(context.manifest, name);
      if (text === undefined) continue;
      if (field === 'priority' && !isPriority(text)) {
        reader.invalid(
          childPointer(manifestPointer, name),
          `manifest field '${name}' must be one of ${PRIORITIES.join(', ')} to set the priority, got '${text}'`,
          'fix the output manifest, or drop the field from fromManifest.priority in the mapping',
        );
        break;
      }
      assign(result, field, text);
      break;
    }
  }
  for (const field of FIELDS) {
    if (result[field] === undefined) assign(result, field, inputs.fallback?.[field]);
    if (result[field] === undefined) assign(result, field, mapping.defaults[field]);
  }
  return result;
}

/** The first non-empty output-manifest value among `names`, as a string. */
export function readManifestField(
  manifest: Readonly<Record<string, unknown>> | undefined,
  names: readonly string[],
): string | undefined {
  for (const name of names) {
    const text = manifestText(manifest, name);
    if (text !== undefined) return text;
  }
  return undefined;
}

function clauseMatches(clause: CompiledClause, context: MatchContext): boolean {
  const value = clause.read(context);
  return value !== undefined && clause.matchers.some((matches) => matches(value));
}

function assign(target: MappedFields, field: Field, value: string | undefined): void {
  if (value === undefined) return;
  if (field === 'priority') {
    if (isPriority(value)) target.priority = value;
  } else {
    target[field] = value;
  }
}

/** True for one of the four event priorities. */
export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
}
