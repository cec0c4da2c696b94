import { stat } from 'node:fs/promises';
import { createRouter } from '@exroute/core';
import type { Explanation, NormalizedEvent, RuleSet } from '@exroute/core';
import {
  MAX_AUDIT_LINE_BYTES,
  createAuditFilter,
  parseAuditLine,
  readAuditFile,
} from '@exroute/dispatch/audit';
import type { AuditFilter, AuditLineResult, DecisionAuditRecord } from '@exroute/dispatch/audit';
import { ServiceError } from '../errors.js';
import { AUDIT_STREAM_FIELD } from './audit-trail.js';
import { rotatedFiles } from './file-sink.js';
import type { AuditRedis } from './redis-connection.js';
import { auditKeys } from './redis-connection.js';
import { findRuleArchive, ruleSetOfArchive } from './rule-archive.js';
import { findRevisionForVersion } from './git-revisions.js';

/** Where audit records are read from: file sinks (with their rotated files) and/or the Redis stream. */
export interface AuditSources {
  /** File sink paths; `path.N` … `path.1` are read before `path`, oldest first. */
  files?: readonly string[];
  /** Rotated files looked for per path (default 1000, the configuration's maximum). */
  maxRotated?: number;
  redis?: { connection: AuditRedis; prefix: string };
}

/**
 * Every line of the sources, in write order per source, each a checked record or a located
 * diagnostic (`file:line`, or the stream key and entry id). Records already seen (same id, a
 * replay after a crash) are skipped. Never throws for bad content.
 */
export async function* readAuditTrail(sources: AuditSources): AsyncGenerator<AuditLineResult> {
  const seen = new Set<string>();
  const fresh = (result: AuditLineResult): boolean => {
    if (!('record' in result)) return true;
    if (seen.has(result.record.id)) return false;
    if (seen.size < 5_000_000) seen.add(result.record.id);
    return true;
  };
  for (const path of sources.files ?? []) {
    let found = false;
    for (const file of rotatedFiles(path, sources.maxRotated ?? 1000)) {
      if (
        !(await stat(file).then(
          (s) => s.isFile(),
          () => false,
        ))
      )
        continue;
      found = true;
      for await (const result of readAuditFile(file)) if (fresh(result)) yield result;
    }
    if (!found)
      yield {
        diagnostic: {
          code: 'EXR_AUDIT_UNREADABLE',
          severity: 'error',
          message: 'no audit file here (nor rotated ones); check the path or audit.file.path',
          file: path,
        },
        origin: { file: path, line: 0 },
      };
  }
  if (sources.redis !== undefined) {
    const key = auditKeys(sources.redis.prefix).stream;
    let start = '-';
    let index = 0;
    for (;;) {
      const page = await sources.redis.connection.sendCommand<[string, string[]][]>([
        'XRANGE',
        key,
        start,
        '+',
        'COUNT',
        '1000',
      ]);
      for (const [id, fields] of page) {
        index++;
        const at = fields.indexOf(AUDIT_STREAM_FIELD);
        const text = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
        const origin = { file: `redis:${key}`, line: index, entry: id };
        const result: AuditLineResult =
          text === undefined
            ? {
                diagnostic: {
                  code: 'EXR_AUDIT_NOT_A_RECORD',
                  severity: 'error',
                  message: `stream entry ${id} has no '${AUDIT_STREAM_FIELD}' field`,
                  file: origin.file,
                  line: index,
                },
                origin,
              }
            : text.length > MAX_AUDIT_LINE_BYTES
              ? {
                  diagnostic: {
                    code: 'EXR_AUDIT_LINE_TOO_LONG',
                    severity: 'error',
                    message: `stream entry ${id} is longer than ${MAX_AUDIT_LINE_BYTES} bytes; no exroute record is, so it is skipped`,
                    file: origin.file,
                    line: index,
                  },
                  origin,
                }
              : parseAuditLine(text, origin);
        if (fresh(result)) yield result;
      }
      if (page.length < 1000) break;
      start = `(${page[page.length - 1]![0]}`;
    }
  }
}

/** The lines of {@link readAuditTrail} that pass `filter`, plus every diagnostic. */
export async function* queryAuditTrail(
  sources: AuditSources,
  filter: AuditFilter,
): AsyncGenerator<AuditLineResult> {
  const accepts = createAuditFilter(filter);
  for await (const result of readAuditTrail(sources)) {
    if (!('record' in result) || accepts(result.record)) yield result;
  }
}

/** Where `explainAudited` may find the rule-set version that routed an event. */
export interface RuleVersionSources {
  /** An `audit.rules.directory`. */
  directory?: string;
  /** The service's Redis (archives are `{prefix}:audit:rules:{version}`). */
  redis?: { connection: AuditRedis; prefix: string };
  /** Search git history for the revision whose rule files hash to the version. */
  git?: { cwd: string; paths: readonly string[]; maxCommits?: number };
}

/** One audited decision explained again under the rule set that made it. */
export interface AuditedExplanation {
  record: DecisionAuditRecord;
  /** Where the rule set came from: an archive path, `redis:<key>` or `git:<revision>`. */
  from: string;
  ruleSet: RuleSet;
  explanation: Explanation;
  /**
   * False when the replayed decision's matched rules differ from the recorded ones (the record
   * keeps too little of the event, e.g. `eventData: none`): then the explanation is not proof.
   */
  agrees: boolean;
}

/**
 * Re-explains every distinct decision recorded for `eventId` under the rule-set version that
 * routed it, with `$now` at the recorded instant. Throws ServiceError `EXR_AUDIT_EVENT_NOT_FOUND`
 * when no decision record names the event, `EXR_AUDIT_VERSION_UNAVAILABLE` when no source holds
 * the version; it never explains under another version.
 */
export async function explainAudited(
  trail: AuditSources,
  eventId: string,
  versions: RuleVersionSources,
): Promise<AuditedExplanation[]> {
  const records: DecisionAuditRecord[] = [];
  for await (const result of queryAuditTrail(trail, { eventId, kind: 'decision' }))
    if ('record' in result && result.record.kind === 'decision') records.push(result.record);
  if (records.length === 0)
    throw new ServiceError(
      'EXR_AUDIT_EVENT_NOT_FOUND',
      `no decision record for event '${eventId}' in the audit trail read; check the id, the files or the stream's retention`,
    );
  const explained: AuditedExplanation[] = [];
  const ruleSets = new Map<string, { ruleSet: RuleSet; from: string }>();
  for (const record of records) {
    let found = ruleSets.get(record.ruleSetVersion);
    if (found === undefined) {
      found = await findRuleSet(record.ruleSetVersion, versions);
      ruleSets.set(record.ruleSetVersion, found);
    }
    const event: NormalizedEvent = { ...record.event, data: record.event.data ?? {} };
    const explanation = createRouter(found.ruleSet, {
      clock: () => new Date(record.at),
    }).explain(event);
    const replayed = explanation.decision.matched.map((m) => m.ruleId).join('\n');
    const recorded = record.matched.map((m) => m.ruleId).join('\n');
    explained.push({ record, ...found, explanation, agrees: replayed === recorded });
  }
  return explained;
}

async function findRuleSet(
  version: string,
  sources: RuleVersionSources,
): Promise<{ ruleSet: RuleSet; from: string }> {
  const archived = await findRuleArchive(version, {
    ...(sources.directory !== undefined ? { directory: sources.directory } : {}),
    ...(sources.redis !== undefined
      ? { redis: sources.redis.connection, prefix: sources.redis.prefix }
      : {}),
  });
  if (archived !== undefined)
    return { ruleSet: ruleSetOfArchive(archived.archive), from: archived.from };
  if (sources.git !== undefined) {
    const revision = await findRevisionForVersion(sources.git, version);
    if (revision !== undefined)
      return { ruleSet: revision.ruleSet, from: `git:${revision.revision}` };
  }
  const looked = [
    sources.directory !== undefined ? `the archive directory ${sources.directory}` : undefined,
    sources.redis !== undefined ? "the service's Redis" : undefined,
    sources.git !== undefined ? `git history of ${sources.git.paths.join(', ')}` : undefined,
  ].filter((s) => s !== undefined);
  throw new ServiceError(
    'EXR_AUDIT_VERSION_UNAVAILABLE',
    `rule-set version ${version} is not available (looked in ${looked.length > 0 ? looked.join(', ') : 'nothing: give --config, --archive DIR or --git'}); not explaining under another version`,
  );
}
