import { resolve } from 'node:path';
import type { Diagnostic } from '@exroute/core';
import { formatExplanation } from '@exroute/testing';
import {
  explainAudited,
  loadServiceConfig,
  openAuditRedis,
  queryAuditTrail,
} from '@exroute/service';
import type {
  AuditFilter,
  AuditRecord,
  AuditRedis,
  AuditSources,
  RuleVersionSources,
  ServiceConfig,
} from '@exroute/service';
import type { Command, ParsedCommand } from '../command.js';
import {
  TEXT_OR_JSON_FORMAT_OPTION,
  flag,
  outputFormat,
  stringValue,
  stringValues,
} from '../command.js';
import { colorEnabled } from '../cli-io.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { printDiagnosticLines } from '../output/diagnostics.js';

/** `exroute audit`: filter the decision audit trail, or re-explain one audited event. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'Search the decision audit trail; re-explain an event under the rules that routed it.',
  usage: 'exroute audit (--config FILE | --file PATH...) [filters] [--explain EVENT_ID [--git]]',
  details: `
Reads the audit records the service wrote (docs/governance.md, "Audit trail"): the file sinks
given with --file (their rotated files PATH.N … PATH.1 first), or, with --config, the service's
audit.file and its Redis stream. Each record is one decision (event, rule-set version, matched
rules with file:line, invariants, notifications with recipients, dispatch verdicts) or one
delivery (outgoing key, Notifications job id or failure). A record written twice after a crash
is shown once.

Filters (all must hold): --event, --correlation, --customer, --recipient (key or address),
--rule, --since/--until (RFC 3339, on the record time), --kind decision|delivery. A delivery
record is shown with the decision of an event it carries.

--explain EVENT_ID explains the event again under the rule-set version recorded in its
decision, with $now at the recorded time: from the service's copies (--config: Redis and
audit.rules.directory; --archive DIR), else with --git the commit whose rule files (--rules, or
the configuration's rules) hash to that version. When no source holds it, it says so
(EXR_AUDIT_VERSION_UNAVAILABLE) and never explains under another version.

Exit codes: 0 done, 1 some lines are not valid records (listed with file:line), 2 usage error,
unknown event or unavailable version.`,
  options: {
    config: { type: 'string', short: 'c', valueName: 'FILE', description: 'service configuration' },
    file: { type: 'string', multiple: true, valueName: 'PATH', description: 'an audit file sink' },
    archive: { type: 'string', valueName: 'DIR', description: 'a rule archive directory' },
    event: { type: 'string', valueName: 'ID', description: 'event id (id or source/id)' },
    correlation: { type: 'string', valueName: 'ID', description: 'correlation (job/batch) id' },
    customer: { type: 'string', valueName: 'REF', description: 'customer reference' },
    recipient: { type: 'string', valueName: 'KEY', description: 'recipient key or address' },
    rule: { type: 'string', valueName: 'ID', description: 'a rule that matched' },
    since: { type: 'string', valueName: 'TIME', description: 'records at or after (RFC 3339)' },
    until: { type: 'string', valueName: 'TIME', description: 'records before (RFC 3339)' },
    kind: { type: 'string', valueName: 'decision|delivery', description: 'one kind only' },
    explain: { type: 'string', valueName: 'EVENT_ID', description: 're-explain this event' },
    git: { type: 'boolean', description: 'with --explain: search git history for the version' },
    rules: {
      type: 'string',
      multiple: true,
      valueName: 'PATH',
      description: 'rule paths for --git',
    },
    format: TEXT_OR_JSON_FORMAT_OPTION,
  },
  async run(parsed, io) {
    if (parsed.positionals.length > 0)
      throw new CliUsageError(`unexpected argument '${parsed.positionals[0]}'`, 'audit');
    const format = outputFormat(parsed, 'audit');
    const configPath = stringValue(parsed, 'config');
    const config =
      configPath !== undefined
        ? await loadServiceConfig(resolve(io.cwd, configPath), { env: io.env })
        : undefined;
    const files = [
      ...stringValues(parsed, 'file').map((f) => resolve(io.cwd, f)),
      ...(config?.audit?.file !== undefined ? [config.audit.file.path] : []),
    ];
    const redis = await openRedisOf(config);
    if (files.length === 0 && redis === undefined)
      throw new CliUsageError(
        'give --file PATH (an audit file) or --config FILE (a service configuration with an audit section)',
        'audit',
      );
    const trail: AuditSources = {
      files,
      ...(redis !== undefined ? { redis } : {}),
    };
    try {
      const eventId = stringValue(parsed, 'explain');
      if (eventId !== undefined)
        return await explain(parsed, io, trail, eventId, config, redis, format);
      const filter = readFilter(parsed);
      const diagnostics: Diagnostic[] = [];
      let count = 0;
      for await (const result of queryAuditTrail(trail, filter)) {
        if ('diagnostic' in result) {
          diagnostics.push(result.diagnostic);
          continue;
        }
        count++;
        io.stdout.write(
          format === 'json' ? `${JSON.stringify(result.record)}\n` : `${tableRow(result.record)}\n`,
        );
      }
      if (format === 'text') io.stdout.write(`${count} record(s)\n`);
      printDiagnosticLines(io.stderr, diagnostics.slice(0, 100), colorEnabled(io.stderr, io.env));
      if (diagnostics.length > 100)
        io.stderr.write(`… and ${diagnostics.length - 100} more line(s) that are not records\n`);
      return diagnostics.length > 0 ? ExitCode.failures : ExitCode.ok;
    } finally {
      redis?.connection.destroy();
    }
  },
};

async function openRedisOf(
  config: ServiceConfig | undefined,
): Promise<{ connection: AuditRedis; prefix: string } | undefined> {
  if (config?.redis === undefined || config.audit?.redis === undefined) return undefined;
  const connection = await openAuditRedis(config.redis.url, config.redis.password);
  return { connection, prefix: config.redis.prefix };
}

async function explain(
  parsed: ParsedCommand,
  io: Parameters<Command['run']>[1],
  trail: AuditSources,
  eventId: string,
  config: ServiceConfig | undefined,
  redis: { connection: AuditRedis; prefix: string } | undefined,
  format: 'text' | 'json',
): Promise<number> {
  const archive = stringValue(parsed, 'archive') ?? config?.audit?.rules.directory;
  const rulePaths = stringValues(parsed, 'rules');
  const gitPaths =
    rulePaths.length > 0 ? rulePaths.map((p) => resolve(io.cwd, p)) : (config?.rules ?? []);
  if (flag(parsed, 'git') && gitPaths.length === 0)
    throw new CliUsageError('--git needs the rule paths: --rules PATH or --config FILE', 'audit');
  const versions: RuleVersionSources = {
    ...(archive !== undefined ? { directory: resolve(io.cwd, archive) } : {}),
    ...(redis !== undefined ? { redis } : {}),
    ...(flag(parsed, 'git') ? { git: { cwd: io.cwd, paths: gitPaths } } : {}),
  };
  const explained = await explainAudited(trail, eventId, versions);
  const color = colorEnabled(io.stdout, io.env);
  for (const item of explained) {
    if (format === 'json') {
      io.stdout.write(
        `${JSON.stringify({ record: item.record, from: item.from, agrees: item.agrees, explanation: item.explanation })}\n`,
      );
      continue;
    }
    io.stdout.write(
      `decision ${item.record.id} at ${item.record.at}, rule-set version ${item.record.ruleSetVersion} (from ${item.from})\n` +
        `${formatExplanation(item.explanation, { color, verbose: false })}\n`,
    );
    if (!item.agrees)
      io.stdout.write(
        `EXR_AUDIT_REPLAY_DIFFERS  the replay matched [${item.explanation.decision.matched.map((m) => m.ruleId).join(', ')}] but the record says [${item.record.matched.map((m) => m.ruleId).join(', ')}]: the record keeps too little of the event (eventData: ${item.record.eventData})\n`,
      );
  }
  return explained.every((item) => item.agrees) ? ExitCode.ok : ExitCode.failures;
}

function readFilter(parsed: ParsedCommand): AuditFilter {
  const time = (name: 'since' | 'until'): Date | undefined => {
    const raw = stringValue(parsed, name);
    if (raw === undefined) return undefined;
    const instant = new Date(raw);
    if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(raw) || Number.isNaN(instant.getTime()))
      throw new CliUsageError(
        `--${name} must be an RFC 3339 date or date-time such as 2026-03-03 or 2026-03-03T09:00:00Z, got '${raw}'`,
        'audit',
      );
    return instant;
  };
  const kind = stringValue(parsed, 'kind');
  if (kind !== undefined && kind !== 'decision' && kind !== 'delivery')
    throw new CliUsageError(`--kind must be 'decision' or 'delivery', got '${kind}'`, 'audit');
  const filter: AuditFilter = {};
  const set = (
    key: 'eventId' | 'correlationId' | 'customerReference' | 'recipient' | 'rule',
    option: string,
  ) => {
    const value = stringValue(parsed, option);
    if (value !== undefined) filter[key] = value;
  };
  set('eventId', 'event');
  set('correlationId', 'correlation');
  set('customerReference', 'customer');
  set('recipient', 'recipient');
  set('rule', 'rule');
  const since = time('since');
  const until = time('until');
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  if (kind !== undefined) filter.kind = kind;
  return filter;
}

function tableRow(record: AuditRecord): string {
  if (record.kind === 'delivery') {
    const outcome =
      record.outcome === 'delivered'
        ? `delivered job=${record.jobId ?? '?'}`
        : `dead-lettered ${record.failure ?? ''}`;
    return [
      record.at,
      'delivery',
      record.eventIds.join(','),
      `${record.template}/${record.channel}`,
      `to=${record.recipients.map((r) => r.key).join(',')}`,
      outcome,
      `key=${record.key}`,
    ].join('  ');
  }
  const notifications = record.notifications
    .map((n, i) => {
      const verdict = record.verdicts[i]?.kind ?? '?';
      return `${n.template}/${n.channel}→${n.recipients.map((r) => r.key).join(',')} [${verdict}]`;
    })
    .join('; ');
  return [
    record.at,
    'decision',
    `${record.event.source}/${record.event.id}`,
    record.ruleSetVersion,
    `rules=${record.matched.map((m) => `${m.ruleId}@${m.file.split('/').pop() ?? m.file}:${m.line}`).join(',') || '-'}`,
    ...(record.invariants !== undefined && record.invariants.length > 0
      ? [`invariants=${record.invariants.join(',')}`]
      : []),
    notifications || 'no notifications',
  ].join('  ');
}
