import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRuleSet, loadRuleSources } from '@exroute/core';
import type { Diagnostic, RuleSet } from '@exroute/core';
import { ServiceError } from '../errors.js';
import type { AuditRedis } from './redis-connection.js';
import { auditKeys } from './redis-connection.js';

/** The `schema` of an archived rule set. */
export const RULE_ARCHIVE_SCHEMA = 'exroute/rule-archive/v1';

/** A copy of the rule files that produced one rule-set version, kept to re-explain audited decisions. */
export interface ArchivedRuleSet {
  schema: typeof RULE_ARCHIVE_SCHEMA;
  version: string;
  archivedAt: string;
  /** The files in load order, as read: the name they were loaded under and their text. */
  files: { file: string; text: string }[];
}

/**
 * Reads the rule files under `paths` again and returns their copy when they still hash to
 * `version` (a file edited since the load is not archived under the wrong version: the reload
 * it triggers archives the new one).
 */
export async function archiveRuleFiles(
  paths: readonly string[],
  version: string,
  now = new Date(),
): Promise<ArchivedRuleSet | undefined> {
  const { sources, diagnostics } = await loadRuleSources(paths);
  if (diagnostics.some((d) => d.severity === 'error')) return undefined;
  const check = checkRuleSet(sources);
  if (check.ruleSet?.version !== version) return undefined;
  return {
    schema: RULE_ARCHIVE_SCHEMA,
    version,
    archivedAt: now.toISOString(),
    files: sources.map((s) => ({ file: s.filename, text: s.text })),
  };
}

/** The directory file name of a version (`sha256:ab…` → `sha256-ab….json`). */
export function archiveFileName(version: string): string {
  return `${version.replace(/[^A-Za-z0-9._-]/g, '-')}.json`;
}

/** Writes an archive to a directory (once per version, atomically) and/or Redis (refreshing its TTL). */
export async function storeRuleArchive(
  archive: ArchivedRuleSet,
  target: { directory?: string; redis?: AuditRedis; prefix?: string; retentionMs: number },
): Promise<void> {
  if (target.directory !== undefined) {
    await mkdir(target.directory, { recursive: true });
    const path = join(target.directory, archiveFileName(archive.version));
    const present = await stat(path).then(
      () => true,
      () => false,
    );
    if (!present) {
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(archive)}\n`, { mode: 0o640 });
      await rename(temporary, path);
    }
  }
  if (target.redis !== undefined && target.prefix !== undefined) {
    await target.redis.sendCommand([
      'SET',
      auditKeys(target.prefix).rules(archive.version),
      JSON.stringify(archive),
      'PX',
      String(target.retentionMs),
    ]);
  }
}

/** Extends the Redis TTL of an archived version (it stays while the version serves). */
export async function refreshRuleArchive(
  redis: AuditRedis,
  prefix: string,
  version: string,
  retentionMs: number,
): Promise<void> {
  await redis.sendCommand(['PEXPIRE', auditKeys(prefix).rules(version), String(retentionMs)]);
}

/** Where to look for archived versions. */
export interface RuleArchiveSources {
  directory?: string;
  redis?: AuditRedis;
  prefix?: string;
}

/** The archive of `version` from the directory or Redis, whichever has it; undefined when neither. */
export async function findRuleArchive(
  version: string,
  sources: RuleArchiveSources,
): Promise<{ archive: ArchivedRuleSet; from: string } | undefined> {
  if (sources.directory !== undefined) {
    const path = join(sources.directory, archiveFileName(version));
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) return { archive: checkArchive(text, path, version), from: path };
  }
  if (sources.redis !== undefined && sources.prefix !== undefined) {
    const key = auditKeys(sources.prefix).rules(version);
    const text = await sources.redis.sendCommand<string | null>(['GET', key]);
    if (text !== null)
      return { archive: checkArchive(text, `redis:${key}`, version), from: `redis:${key}` };
  }
  return undefined;
}

function checkArchive(text: string, where: string, version: string): ArchivedRuleSet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const archive = value as Partial<ArchivedRuleSet> | undefined;
  if (
    archive === undefined ||
    archive === null ||
    archive.schema !== RULE_ARCHIVE_SCHEMA ||
    archive.version !== version ||
    !Array.isArray(archive.files) ||
    !archive.files.every(
      (f: unknown) =>
        f !== null &&
        typeof f === 'object' &&
        typeof (f as { file?: unknown }).file === 'string' &&
        typeof (f as { text?: unknown }).text === 'string',
    )
  ) {
    throw new ServiceError(
      'EXR_AUDIT_ARCHIVE_INVALID',
      `${where} is not an ${RULE_ARCHIVE_SCHEMA} copy of ${version}; delete it (the service writes it again while that version serves)`,
    );
  }
  return archive as ArchivedRuleSet;
}

/**
 * The rule set of an archive, checked to hash to the archived version: a copy that does not is
 * refused (`EXR_AUDIT_ARCHIVE_MISMATCH`), never used to explain under the wrong version.
 */
export function ruleSetOfArchive(archive: ArchivedRuleSet): RuleSet {
  const check = checkRuleSet(archive.files.map((f) => ({ filename: f.file, text: f.text })));
  if (check.ruleSet === undefined) {
    const first: Diagnostic | undefined = check.diagnostics.find((d) => d.severity === 'error');
    throw new ServiceError(
      'EXR_AUDIT_ARCHIVE_MISMATCH',
      `the archived rule files of ${archive.version} no longer load with this exroute (${first?.code ?? 'error'}${first?.file !== undefined ? ` at ${first.file}:${first.line ?? 1}` : ''})`,
    );
  }
  if (check.ruleSet.version !== archive.version) {
    throw new ServiceError(
      'EXR_AUDIT_ARCHIVE_MISMATCH',
      `the archived rule files hash to ${check.ruleSet.version}, not ${archive.version} (a different exroute version computes versions differently?); refusing to explain under them`,
    );
  }
  return check.ruleSet;
}
