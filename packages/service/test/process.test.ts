// `exroute serve` as a real process: --check, the embedded mode a newcomer starts with,
// SIGHUP reload and a clean SIGTERM exit within the grace period.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAPPING_PATH, RULE_PATHS, post, sampleRaw, waitFor } from './helpers.js';
import { CLI_BIN, hasBuiltCli, startServiceProcess } from './service-process.js';

describe.skipIf(!hasBuiltCli)(
  `exroute serve as a process${hasBuiltCli ? '' : ' SKIPPED: build the CLI first'}`,
  () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'exroute-serve-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('--check validates configuration and rules and exits', async () => {
      const good = join(dir, 'good.yaml');
      await writeFile(
        good,
        `apiVersion: exroute/service/v1\nrules: ${JSON.stringify(RULE_PATHS)}\nmapping: ${JSON.stringify(MAPPING_PATH)}\n`,
      );
      const ok = spawnSync(process.execPath, [CLI_BIN, 'serve', '--config', good, '--check'], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/^configuration ok: \d+ rule file\(s\), rule-set version sha256:/);

      const bad = join(dir, 'bad.yaml');
      await writeFile(
        bad,
        'apiVersion: exroute/service/v1\nrules: [rules]\nhttp:\n  listen: 127.0.0.1:8080\n  ingestTokn: { env: X }\n',
      );
      const refused = spawnSync(process.execPath, [CLI_BIN, 'serve', '--config', bad, '--check'], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(`${bad}:5:3`);
      expect(refused.stderr).toContain('EXR_SCHEMA_UNKNOWN_KEY');

      const badRules = join(dir, 'bad-rules.yaml');
      await writeFile(join(dir, 'broken.yaml'), 'apiVersion: exroute/v1\nrules: [ { id: x } ]\n');
      await writeFile(badRules, 'apiVersion: exroute/service/v1\nrules: [broken.yaml]\n');
      const rules = spawnSync(
        process.execPath,
        [CLI_BIN, 'serve', '--config', badRules, '--check'],
        { encoding: 'utf8', timeout: 20_000 },
      );
      expect(rules.status).toBe(2);
      expect(rules.stderr).toContain('broken.yaml:2:');
    }, 60_000);

    it('--embedded takes events at once, reloads on SIGHUP, exits 0 on SIGTERM', async () => {
      const rulesDir = join(dir, 'rules');
      await mkdir(rulesDir);
      for (const path of RULE_PATHS)
        await cp(path, join(rulesDir, path.split('/').pop()!), { recursive: true });
      const config = join(dir, 'embedded.yaml');
      await writeFile(
        config,
        `apiVersion: exroute/service/v1\nrules: [rules]\nmapping: ${JSON.stringify(MAPPING_PATH)}\nhttp: { listen: 127.0.0.1:0 }\nreload: { watch: false }\nshutdown: { grace: 5s }\n`,
      );
      const service = await startServiceProcess(['--embedded', '--config', config]);
      const answer = await post(`${service.url}/v1/events`, JSON.stringify(sampleRaw(20)));
      expect(answer.status).toBe(202);
      const firstVersion = service.logs[0]!['ruleSetVersion'];
      expect(firstVersion).toMatch(/^sha256:/);

      await writeFile(
        join(rulesDir, 'extra.yaml'),
        [
          'apiVersion: exroute/v1',
          'metadata: { name: extra, owner: ops@example.com }',
          'recipients:',
          '  reload-ops: { email: [reload-ops@example.com] }',
          'templates:',
          '  reload-failed: { id: EXS-RELOAD, channels: [email], subject: Failed }',
          'rules:',
          '  - id: reload-failed-to-ops',
          '    when: { type: delivery.failed }',
          '    notify: [{ to: [reload-ops], template: reload-failed }]',
          '',
        ].join('\n'),
      );
      service.child.kill('SIGHUP');
      await waitFor(
        () => service.logs.some((l) => l['msg'] === 'rules reloaded'),
        10_000,
        'the reload log line',
      );
      const reloaded = service.logs.find((l) => l['msg'] === 'rules reloaded')!;
      expect(reloaded['previous']).toBe(firstVersion);
      expect(reloaded['ruleSetVersion']).not.toBe(firstVersion);

      const stoppedAt = Date.now();
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(8000);
      expect(service.logs.at(-1)?.['msg']).toBe('service stopped');
      for (const line of service.logs) expect(line['ruleSetVersion']).toMatch(/^sha256:/);
    }, 60_000);
  },
);
