// The `audit` section of the service configuration: defaults, located schema errors, and the
// problems only the resolver sees (a Redis sink without Redis, a section without a sink).
import { describe, expect, it } from 'vitest';
import { parseServiceConfig, ServiceConfigError } from '../src/index.js';

const MINIMAL = 'apiVersion: exroute/service/v1\nrules: [rules/]\n';

function diagnosticsOf(text: string) {
  try {
    parseServiceConfig(text, { filename: 'svc.yaml', env: {}, baseDir: '/srv' });
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceConfigError);
    return (error as ServiceConfigError).diagnostics;
  }
  throw new Error('expected the configuration to be refused');
}

describe('service configuration: audit', () => {
  it('applies defaults and resolves paths against the file', () => {
    const config = parseServiceConfig(
      `${MINIMAL}redis: { url: "redis://127.0.0.1:6379" }\naudit:\n  file: { path: audit/audit.jsonl }\n  redis: {}\n  rules: { directory: archive }\n`,
      { baseDir: '/srv/exroute', env: {} },
    );
    expect(config.audit).toEqual({
      eventData: 'referenced',
      file: { path: '/srv/exroute/audit/audit.jsonl', maxBytes: 64 * 1024 * 1024, maxFiles: 10 },
      redis: { maxLength: 1_000_000, retentionMs: 30 * 86_400_000 },
      rules: { directory: '/srv/exroute/archive', retentionMs: 400 * 86_400_000 },
    });
    expect(parseServiceConfig(MINIMAL, { env: {} }).audit).toBeUndefined();
  });

  it('reads retention, sizes and eventData', () => {
    const config = parseServiceConfig(
      `${MINIMAL}redis: { url: "redis://127.0.0.1:6379" }\naudit:\n  eventData: none\n  redis: { maxLength: 5000, retention: 48h }\n  rules: { retention: 720h }\n`,
      { env: {} },
    );
    expect(config.audit).toMatchObject({
      eventData: 'none',
      redis: { maxLength: 5000, retentionMs: 48 * 3_600_000 },
      rules: { retentionMs: 720 * 3_600_000 },
    });
  });

  it('locates schema errors at line and column', () => {
    expect(
      diagnosticsOf(`${MINIMAL}audit:\n  file: { path: a.jsonl, maxFiles: 0 }\n`)[0],
    ).toMatchObject({
      file: 'svc.yaml',
      line: 4,
      pointer: '/audit/file/maxFiles',
    });
    expect(diagnosticsOf(`${MINIMAL}audit:\n  eventData: everything\n`)[0]).toMatchObject({
      line: 4,
      pointer: '/audit/eventData',
    });
    expect(
      diagnosticsOf(`${MINIMAL}audit:\n  file: { path: a.jsonl, rotate: daily }\n`)[0],
    ).toMatchObject({
      line: 4,
    });
    expect(diagnosticsOf(`${MINIMAL}audit:\n  redis: { retention: 30d }\n`)[0]).toMatchObject({
      line: 4,
      pointer: '/audit/redis/retention',
    });
  });

  it('refuses a Redis sink without Redis and a section without a sink', () => {
    expect(
      diagnosticsOf(`${MINIMAL}audit:\n  redis: {}\n`).map((d) => [d.code, d.pointer]),
    ).toEqual([['EXR_CONFIG_AUDIT_NEEDS_REDIS', '/audit/redis']]);
    expect(diagnosticsOf(`${MINIMAL}audit: { eventData: full }\n`).map((d) => d.code)).toEqual([
      'EXR_CONFIG_AUDIT_NO_SINK',
    ]);
  });

  it('survives hostile values: prototype keys, deep nesting, long strings, wrong types', () => {
    expect(
      diagnosticsOf(`${MINIMAL}audit:\n  __proto__: { polluted: true }\n`).map((d) => d.code),
    ).toContain('EXR_FORBIDDEN_KEY');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(
      diagnosticsOf(`${MINIMAL}audit:\n  constructor: { prototype: 1 }\n`).map((d) => d.code),
    ).toContain('EXR_FORBIDDEN_KEY');
    expect(
      diagnosticsOf(`${MINIMAL}audit: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)[0]!.code,
    ).toMatch(/^EXR_(YAML|SCHEMA)_/);
    expect(
      diagnosticsOf(`${MINIMAL}audit:\n  file: { path: "${'a'.repeat(5000)}" }\n`)[0]!.pointer,
    ).toBe('/audit/file/path');
    expect(diagnosticsOf(`${MINIMAL}audit:\n  file: "audit.jsonl"\n`)[0]!.code).toBe(
      'EXR_SCHEMA_TYPE',
    );
    expect(
      diagnosticsOf(`${MINIMAL}audit:\n  file: { path: a.jsonl, maxBytes: "64M" }\n`)[0]!.code,
    ).toBe('EXR_SCHEMA_TYPE');
  });
});
