import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServiceConfig, ServiceConfigError } from '../src/index.js';

function diagnosticsOf(text: string, env: Record<string, string> = {}, baseDir = '/srv') {
  try {
    parseServiceConfig(text, { filename: 'svc.yaml', env, baseDir });
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceConfigError);
    return (error as ServiceConfigError).diagnostics;
  }
  throw new Error('expected the configuration to be refused');
}

const MINIMAL = 'apiVersion: exroute/service/v1\nrules: [rules/]\n';

describe('service configuration', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exroute-config-'));
    await writeFile(join(dir, 'admin.token'), 'from-a-file\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies defaults and resolves paths against the file', () => {
    const config = parseServiceConfig(MINIMAL, { baseDir: '/srv/exroute', env: {} });
    expect(config.rules).toEqual(['/srv/exroute/rules']);
    expect(config.redis).toBeUndefined();
    expect(config.notifications).toEqual({ emulator: true });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8080, partialBatches: 'reject' });
    expect(config.workers.claimIdleMs).toBe(30_000);
  });

  it('reads secrets from the environment and from files, never from the YAML', () => {
    const config = parseServiceConfig(
      `${MINIMAL}http:\n  ingestToken: { env: INGEST }\n  adminToken: { file: admin.token }\nredis:\n  url: redis://127.0.0.1:6380/2\n  password: { env: REDIS_PW }\n  prefix: prod\nworkers: { claimIdle: 45s }\n`,
      { baseDir: dir, env: { INGEST: 'i-token', REDIS_PW: 'pw' } },
    );
    expect(config.http.ingestToken).toBe('i-token');
    expect(config.http.adminToken).toBe('from-a-file');
    expect(config.redis).toEqual({
      url: 'redis://127.0.0.1:6380/2',
      password: 'pw',
      prefix: 'prod',
      partitions: 1,
    });
    expect(config.workers.claimIdleMs).toBe(45_000);
  });

  it('refuses a secret written in the file, at its line and column', () => {
    const diagnostics = diagnosticsOf(`${MINIMAL}http:\n  ingestToken: hunter2\n`);
    expect(diagnostics[0]).toMatchObject({
      code: 'EXR_SCHEMA_TYPE',
      file: 'svc.yaml',
      line: 4,
      column: 16,
      pointer: '/http/ingestToken',
    });
    expect(JSON.stringify(diagnostics)).not.toContain('hunter2');
  });

  it('refuses credentials inside the Redis URL', () => {
    const diagnostics = diagnosticsOf(`${MINIMAL}redis:\n  url: redis://user:s3cret@host:6379\n`);
    expect(diagnostics.map((d) => d.code)).toEqual(['EXR_SCHEMA_PATTERN']);
    expect(JSON.stringify(diagnostics)).not.toContain('s3cret');
  });

  it('locates an unknown key and suggests the right one', () => {
    const [first] = diagnosticsOf(`${MINIMAL}workers:\n  concurency: 4\n`);
    expect(first).toMatchObject({
      code: 'EXR_SCHEMA_UNKNOWN_KEY',
      line: 4,
      column: 3,
      hint: "did you mean 'concurrency'?",
    });
  });

  it('reports a missing environment variable without starting', () => {
    const diagnostics = diagnosticsOf(
      `${MINIMAL}http:\n  ingestToken: { env: NOT_SET_ANYWHERE }\n`,
    );
    expect(diagnostics[0]).toMatchObject({
      code: 'EXR_CONFIG_SECRET_MISSING',
      pointer: '/http/ingestToken/env',
    });
  });

  it('refuses the same token for ingest and admin', () => {
    const diagnostics = diagnosticsOf(
      `${MINIMAL}http:\n  ingestToken: { env: T }\n  adminToken: { env: U }\n`,
      { T: 'same', U: 'same' },
    );
    expect(diagnostics[0]!.code).toBe('EXR_CONFIG_SHARED_TOKEN');
  });

  it('needs every endpoint field for a real Notifications tenant', () => {
    const diagnostics = diagnosticsOf(
      `${MINIMAL}notifications:\n  baseUrl: https://api.example.com\n`,
    );
    expect(diagnostics.map((d) => d.code)).toContain('EXR_CONFIG_INCOMPLETE');
  });

  it('survives hostile YAML: deep nesting, prototype keys, aliases, wrong types', () => {
    const deep = `${MINIMAL}log: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    expect(diagnosticsOf(deep)[0]!.code).toMatch(/^EXR_YAML_/);
    const proto = diagnosticsOf(`${MINIMAL}__proto__: { polluted: true }\n`);
    expect(proto.map((d) => d.code)).toContain('EXR_FORBIDDEN_KEY');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const laughs = `apiVersion: exroute/service/v1\nrules: &a [x, x, x, x, x, x, x, x, x, x]\nmapping: ${'*a '.repeat(1)}\n`;
    expect(diagnosticsOf(laughs).length).toBeGreaterThan(0);
    expect(diagnosticsOf('42')[0]!.code).toBe('EXR_SCHEMA_TYPE');
    expect(diagnosticsOf('')[0]!.code).toBe('EXR_SCHEMA_TYPE');
    expect(diagnosticsOf(`${MINIMAL}workers: { concurrency: "4" }\n`)[0]!.code).toBe(
      'EXR_SCHEMA_TYPE',
    );
  });
});
