// The audit trail of the service (issue #16 part 3): records in a rotated file and a capped Redis
// stream, written for every routed event and every delivery; rule sets kept by version so an
// audited event is re-explained under the rules that routed it, not the current ones.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter, loadRuleSet } from '@exroute/core';
import { hasRedis, redisSkipReason, startRedis } from '@exroute/dispatch/testing';
import type { RedisServer } from '@exroute/dispatch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createService,
  explainAudited,
  openAuditRedis,
  readAuditTrail,
  RotatingFile,
  rotatedFiles,
} from '../src/index.js';
import type { AuditRecord, DecisionAuditRecord, Service } from '../src/index.js';
import { INGEST, post, RULE_PATHS, sampleRaw, testConfig, waitFor } from './helpers.js';

async function collect(sources: Parameters<typeof readAuditTrail>[0]) {
  const records: AuditRecord[] = [];
  const problems: string[] = [];
  for await (const result of readAuditTrail(sources)) {
    if ('record' in result) records.push(result.record);
    else
      problems.push(
        `${result.diagnostic.code} ${result.diagnostic.file}:${result.diagnostic.line}`,
      );
  }
  return { records, problems };
}

const decisions = (records: AuditRecord[]): DecisionAuditRecord[] =>
  records.filter((r): r is DecisionAuditRecord => r.kind === 'decision');

const repoRules = RULE_PATHS[0]!.replace(/\/regions-and-calendars\.yaml$/, '');

describe('the audit file sink rotates by size', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exroute-rotate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps maxFiles rotated files, never splits a batch, drops only the oldest', async () => {
    const path = join(dir, 'audit.jsonl');
    const file = await RotatingFile.open(path, 1000, 3);
    const written: string[] = [];
    for (let i = 0; i < 60; i++) {
      const batch = [`{"n":${i},"pad":"${'x'.repeat(40)}"}`, `{"n":${i},"second":true}`];
      written.push(...batch);
      await file.append(`${batch.join('\n')}\n`);
    }
    await file.close();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['audit.jsonl', 'audit.jsonl.1', 'audit.jsonl.2', 'audit.jsonl.3']);
    const kept: string[] = [];
    for (const name of rotatedFiles(path, 3)) {
      const text = await readFile(name, 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
      expect(text.endsWith('\n')).toBe(true);
      // A batch (two lines of one n) is never split between files.
      const lines = text.trimEnd().split('\n');
      expect(lines[0]).not.toContain('"second"');
      kept.push(...lines);
    }
    expect(kept).toEqual(written.slice(written.length - kept.length));
    expect(kept.length).toBeGreaterThan(20);
  });

  it('reopening appends to the existing file', async () => {
    const path = join(dir, 'again.jsonl');
    for (let i = 0; i < 2; i++) {
      const file = await RotatingFile.open(path, 10_000, 2);
      await file.append(`{"round":${i}}\n`);
      await file.close();
    }
    expect(await readFile(path, 'utf8')).toBe('{"round":0}\n{"round":1}\n');
  });

  it('a line cut by a crash is ended on reopen, so the next record keeps a line of its own', async () => {
    const path = join(dir, 'cut.jsonl');
    await writeFile(path, '{"whole":1}\n{"cut-by-a-cr');
    const file = await RotatingFile.open(path, 10_000, 2);
    await file.append('{"next":2}\n');
    await file.close();
    expect((await readFile(path, 'utf8')).split('\n')).toEqual([
      '{"whole":1}',
      '{"cut-by-a-cr',
      '{"next":2}',
      '',
    ]);
  });
});

describe('embedded service with a file audit trail and a rule archive', () => {
  let dir: string;
  let service: Service;
  let rules: string;
  const audited: { id: string; source: string }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exroute-audit-svc-'));
    rules = join(dir, 'rules');
    await cp(repoRules, rules, { recursive: true });
    service = await createService(
      testConfig({
        rules: [rules],
        audit: {
          eventData: 'referenced',
          file: { path: join(dir, 'audit', 'audit.jsonl'), maxBytes: 64 * 1024, maxFiles: 50 },
          rules: { directory: join(dir, 'archive'), retentionMs: 60_000 },
        },
      }),
    );
  });
  afterAll(async () => {
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a decision record per accepted event and delivery records with job ids', async () => {
    const response = await post(
      `${service.url}/v1/events`,
      JSON.stringify(sampleRaw(200, 3)),
      INGEST,
    );
    expect(response.status).toBe(202);
    audited.push(...(response.body as { accepted: { id: string; source: string }[] }).accepted);
    const emulator = service.emulator!;
    const trail = { files: [join(dir, 'audit', 'audit.jsonl')] };
    await waitFor(
      async () => {
        const { records } = await collect(trail);
        const delivered = records.filter((r) => r.kind === 'delivery').length;
        return (
          decisions(records).length >= audited.length &&
          delivered >= emulator.stats().accepted &&
          delivered > 0
        );
      },
      30_000,
      'a decision record per event and a delivery record per job',
    );
    const { records, problems } = await collect(trail);
    expect(problems).toEqual([]);
    const byEvent = new Set(decisions(records).map((r) => `${r.event.source}/${r.event.id}`));
    for (const e of audited) expect(byEvent.has(`${e.source}/${e.id}`)).toBe(true);
    for (const r of decisions(records)) expect(r.ruleSetVersion).toBe(service.ruleSetVersion());
    const deliveries = records.filter((r) => r.kind === 'delivery');
    for (const d of deliveries) {
      expect(d.outcome).toBe('delivered');
      expect(emulator.jobBySubmitId(d.key)).toBeDefined();
      expect(d.jobId).toMatch(/.+/);
    }
    // 200 events at about 1 KiB each rotate a 64 KiB file.
    expect((await readdir(join(dir, 'audit'))).length).toBeGreaterThan(1);
    expect(await readdir(join(dir, 'archive'))).toEqual([
      `${service.ruleSetVersion().replace(':', '-')}.json`,
    ]);
  });

  it('--explain answers under the version that routed the event, not the changed rules', async () => {
    const trail = { files: [join(dir, 'audit', 'audit.jsonl')] };
    const target = decisions((await collect(trail)).records).find((r) => r.matched.length > 0)!;
    const oldVersion = service.ruleSetVersion();
    // The compliance team changes the rules: a new top rule takes every event of this type.
    await writeFile(
      join(rules, 'zz-override.yaml'),
      [
        'apiVersion: exroute/v1',
        'recipients:',
        '  override-desk: { email: [override@example.com] }',
        'templates:',
        '  override: { id: EXS-OVERRIDE, channels: [email] }',
        'rules:',
        '  - id: override-everything',
        '    priority: 100000',
        `    when: { type: ${target.event.type} }`,
        '    notify: [{ to: [override-desk], template: override }]',
        '    stop: true',
        '',
      ].join('\n'),
    );
    expect((await service.reload()).outcome).toBe('applied');
    const newVersion = service.ruleSetVersion();
    expect(newVersion).not.toBe(oldVersion);

    const [explained] = await explainAudited(trail, target.event.id, {
      directory: join(dir, 'archive'),
    });
    expect(explained!.ruleSet.version).toBe(oldVersion);
    expect(explained!.agrees).toBe(true);
    const underOld = explained!.explanation.decision.matched.map((m) => m.ruleId);
    expect(underOld).toEqual(target.matched.map((m) => m.ruleId));
    const current = createRouter(await loadRuleSet([rules]), {
      clock: () => new Date(target.at),
    }).explain({ ...target.event, data: target.event.data ?? {} });
    const underNew = current.decision.matched.map((m) => m.ruleId);
    expect(underNew).toEqual(['override-everything']);
    expect(underNew).not.toEqual(underOld);
    // The new version is archived too.
    expect((await readdir(join(dir, 'archive'))).sort()).toEqual(
      [oldVersion, newVersion].map((v) => `${v.replace(':', '-')}.json`).sort(),
    );
  });

  it('an unavailable version is reported with a stable code, never explained under another', async () => {
    const trail = { files: [join(dir, 'audit', 'audit.jsonl')] };
    const target = decisions((await collect(trail)).records)[0]!;
    await expect(
      explainAudited(trail, target.event.id, { directory: join(dir, 'empty-archive') }),
    ).rejects.toMatchObject({ code: 'EXR_AUDIT_VERSION_UNAVAILABLE' });
    await expect(
      explainAudited(trail, 'no-such-event', { directory: join(dir, 'archive') }),
    ).rejects.toMatchObject({ code: 'EXR_AUDIT_EVENT_NOT_FOUND' });
  });

  it('--git finds the revision whose rule files hash to the recorded version', async () => {
    const repo = join(dir, 'repo');
    await cp(repoRules, join(repo, 'rules'), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', repo, ...args], {
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@example.com',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@example.com',
        },
      })
        .toString()
        .trim();
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'rules as audited');
    const audited = git('rev-parse', 'HEAD');
    await cp(join(rules, 'zz-override.yaml'), join(repo, 'rules', 'zz-override.yaml'));
    git('add', '.');
    git('commit', '-qm', 'override');
    const trail = { files: [join(dir, 'audit', 'audit.jsonl')] };
    const target = decisions((await collect(trail)).records).find((r) => r.matched.length > 0)!;
    const [explained] = await explainAudited(trail, target.event.id, {
      git: { cwd: repo, paths: ['rules'] },
    });
    expect(explained!.from).toBe(`git:${audited}`);
    expect(explained!.agrees).toBe(true);
  });
});

describe.skipIf(!hasRedis)(`service with a Redis audit stream ${redisSkipReason}`, () => {
  let redis: RedisServer;
  let service: Service;
  const prefix = `audit-${process.pid}`;

  beforeAll(async () => {
    redis = await startRedis();
    service = await createService(
      testConfig({
        redis: { url: redis.url, prefix },
        audit: {
          eventData: 'referenced',
          redis: { maxLength: 100_000, retentionMs: 3_600_000 },
          rules: { retentionMs: 120_000 },
        },
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    await redis?.close();
  });

  it('writes every decision to the capped stream and keeps the rule set with a TTL', async () => {
    const response = await post(
      `${service.url}/v1/events`,
      JSON.stringify(sampleRaw(100, 5)),
      INGEST,
    );
    expect(response.status).toBe(202);
    const accepted = (response.body as { accepted: { id: string; source: string }[] }).accepted;
    const connection = await openAuditRedis(redis.url, undefined);
    try {
      const trail = { redis: { connection, prefix } };
      await waitFor(
        async () => decisions((await collect(trail)).records).length >= accepted.length,
        30_000,
        'a decision record per accepted event in Redis',
      );
      const { records, problems } = await collect(trail);
      expect(problems).toEqual([]);
      const seen = new Set(decisions(records).map((r) => r.event.id));
      for (const e of accepted) expect(seen.has(e.id)).toBe(true);
      const ttl = Number(
        await connection.sendCommand(['PTTL', `${prefix}:audit:rules:${service.ruleSetVersion()}`]),
      );
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(120_000);
      const [explained] = await explainAudited(trail, accepted[0]!.id, {
        redis: { connection, prefix },
      });
      expect(explained!.from).toBe(`redis:${prefix}:audit:rules:${service.ruleSetVersion()}`);
      // Foreign entries on the stream are reported at the stream and entry, never thrown.
      const key = `${prefix}:audit`;
      await connection.sendCommand([
        'XADD',
        key,
        '*',
        'r',
        '{"schema":"exroute/audit/v1","__proto__":{}}',
      ]);
      await connection.sendCommand(['XADD', key, '*', 'other', 'field']);
      await connection.sendCommand(['XADD', key, '*', 'r', 'x'.repeat(100_000)]);
      const after = await collect(trail);
      expect(after.problems.map((p) => p.split(' ')[0])).toEqual([
        'EXR_AUDIT_FORBIDDEN_KEY',
        'EXR_AUDIT_NOT_A_RECORD',
        'EXR_AUDIT_INVALID_JSON',
      ]);
      expect(after.problems[0]).toContain(`redis:${key}:`);
    } finally {
      connection.destroy();
    }
  }, 60_000);
});
