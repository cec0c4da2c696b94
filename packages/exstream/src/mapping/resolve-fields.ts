import { PRIORITIES } from '@exroute/core';
import type { Priority } from '@exroute/core';
import type { FieldReader } from '../raw/field-reader.js';
import { childPointer } from '../raw/json-pointer.js';
import { compileGlob } from './glob.js';
import type { GlobMatcher } from './glob.js';
import type { MappedFields, Mapping, MatchContext } from './model.js';

interface CompiledClause {
  /** The MatchContext key read, or undefined for a `manifest.<Field>` clause. */
  key: keyof MatchContext | undefined;
  /** The output-manifest field read by a `manifest.<Field>` clause. */
  manifestField: string | undefined;
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
    clauses: Object.entries(rule.match).map(([key, patterns]) => {
      const manifest = key.startsWith('manifest.');
      return {
        key: manifest ? undefined : (key as keyof MatchContext),
        manifestField: manifest ? key.slice('manifest.'.length) : undefined,
        matchers: (patterns ?? []).map(compileGlob),
      };
    }),
  }));
  compiled.set(mapping, rules);
  return rules;
}

function clauseValue(clause: CompiledClause, context: MatchContext): string | undefined {
  if (clause.key === undefined) return manifestText(context.manifest, clause.manifestField!);
  const value = contextValue(context, clause.key);
  return typeof value === 'string' ? value : undefined;
}

// Named reads, not context[key]: each normalizer builds its context with other fields, and a
// keyed read across those shapes was the slowest step of matching a rule.
function contextValue(context: MatchContext, key: keyof MatchContext): unknown {
  switch (key) {
    case 'communicationId':
      return context.communicationId;
    case 'campaignId':
      return context.campaignId;
    case 'domain':
      return context.domain;
    case 'resourceName':
      return context.resourceName;
    case 'resourceType':
      return context.resourceType;
    case 'tenant':
      return context.tenant;
    case 'channel':
      return context.channel;
    case 'channelName':
      return context.channelName;
    case 'eventType':
      return context.eventType;
    case 'source':
      return context.source;
    case 'schemaType':
      return context.schemaType;
    case 'flowModel':
      return context.flowModel;
    case 'manifest':
      return undefined;
  }
}

function manifestText(
  manifest: Readonly<Record<string, unknown>> | undefined,
  field: string,
): string | undefined {
  if (manifest === undefined) return undefined;
  const value = manifest[field];
  // Most names looked up are absent: only a value found is checked to be the manifest's own.
  if (value === undefined || !Object.prototype.hasOwnProperty.call(manifest, field)) {
    return undefined;
  }
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
  // Runs once per event: one local per field and plain loops, no per-event arrays or closures.
  const { explicit, fallback } = inputs;
  let documentType = explicit?.documentType;
  let priority = explicit?.priority;
  let region = explicit?.region;
  let tenant = explicit?.tenant;
  const rules = compileRules(mapping);
  for (let r = 0; r < rules.length; r++) {
    if (
      documentType !== undefined &&
      priority !== undefined &&
      region !== undefined &&
      tenant !== undefined
    ) {
      break;
    }
    const rule = rules[r]!;
    if (!ruleMatches(rule, context)) continue;
    const set = rule.set;
    documentType ??= set.documentType;
    if (priority === undefined && isPriority(set.priority)) priority = set.priority;
    region ??= set.region;
    tenant ??= set.tenant;
  }
  const names = mapping.fromManifest;
  documentType ??= readManifestField(context.manifest, names.documentType);
  if (priority === undefined) priority = manifestPriority(names.priority, context, inputs);
  region ??= readManifestField(context.manifest, names.region);
  tenant ??= readManifestField(context.manifest, names.tenant);

  const defaults = mapping.defaults;
  documentType ??= fallback?.documentType ?? defaults.documentType;
  if (priority === undefined) {
    if (isPriority(fallback?.priority)) priority = fallback.priority;
    else if (isPriority(defaults.priority)) priority = defaults.priority;
  }
  region ??= fallback?.region ?? defaults.region;
  tenant ??= fallback?.tenant ?? defaults.tenant;

  const result: MappedFields = {};
  if (documentType !== undefined) result.documentType = documentType;
  if (priority !== undefined) result.priority = priority;
  if (region !== undefined) result.region = region;
  if (tenant !== undefined) result.tenant = tenant;
  return result;
}

function ruleMatches(rule: CompiledRule, context: MatchContext): boolean {
  const clauses = rule.clauses;
  for (let c = 0; c < clauses.length; c++) {
    const clause = clauses[c]!;
    const value = clauseValue(clause, context);
    if (value === undefined) return false;
    let matched = false;
    const matchers = clause.matchers;
    for (let m = 0; m < matchers.length && !matched; m++) matched = matchers[m]!(value);
    if (!matched) return false;
  }
  return true;
}

/**
 * The priority from the first manifest field in `names` that has a value; a value that is not a
 * priority is reported (never guessed) and leaves the priority to the fallbacks.
 */
function manifestPriority(
  names: readonly string[],
  context: MatchContext,
  inputs: ResolveInputs,
): Priority | undefined {
  for (const name of names) {
    const text = manifestText(context.manifest, name);
    if (text === undefined) continue;
    if (isPriority(text)) return text;
    inputs.reader.invalid(
      childPointer(inputs.manifestPointer, name),
      `manifest field '${name}' must be one of ${PRIORITIES.join(', ')} to set the priority, got '${text}'`,
      'fix the output manifest, or drop the field from fromManifest.priority in the mapping',
    );
    return undefined;
  }
  return undefined;
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

/** True for one of the four event priorities. */
export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
}
