import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkYamlDocument } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';
import type { AuditEventData } from '@exroute/dispatch/audit';
import { ServiceConfigError } from '../errors.js';
import { parseDurationMs } from './duration.js';

/** Where a secret comes from: an environment variable or a file; never the configuration itself. */
export type SecretSource = { env: string } | { file: string };

/** The configuration file as written (`apiVersion: exroute/service/v1`); see `schema/service.schema.json`. */
export interface ServiceConfigFile {
  apiVersion: 'exroute/service/v1';
  rules: string[];
  mapping?: string;
  http?: {
    listen?: string;
    ingestToken?: SecretSource;
    adminToken?: SecretSource;
    maxBodyBytes?: number;
    maxEventsPerRequest?: number;
    partialBatches?: 'reject' | 'accept-valid';
  };
  redis?: { url: string; password?: SecretSource; prefix?: string; partitions?: number };
  notifications?: {
    emulator?: boolean;
    baseUrl?: string;
    authUrl?: string;
    tenant?: string;
    clientId?: string;
    clientSecret?: SecretSource;
    maxInFlight?: number;
    attemptsPerDelivery?: number;
  };
  workers?: {
    concurrency?: number;
    batchSize?: number;
    claimIdle?: string;
    deliveryAttempts?: number;
    tickInterval?: string;
  };
  streams?: { maxLength?: number; deadLetterMaxLength?: number };
  reload?: { watch?: boolean; debounce?: string };
  shutdown?: { grace?: string };
  log?: { level?: LogLevel };
  audit?: {
    eventData?: AuditEventData;
    file?: { path: string; maxBytes?: number; maxFiles?: number };
    redis?: { maxLength?: number; retention?: string };
    rules?: { directory?: string; retention?: string };
  };
}

/** pino log levels accepted by `log.level`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Connection to a real OpenText Notifications tenant, secrets resolved. */
export interface NotificationsEndpoint {
  emulator: false;
  baseUrl: string;
  authUrl: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
}

/** A resolved, validated configuration: absolute paths, milliseconds, secrets read. */
export interface ServiceConfig {
  /** Rule files and directories (absolute). */
  rules: string[];
  mapping?: string;
  http: {
    host: string;
    /** 0 picks a free port (tests, embedded demo). */
    port: number;
    ingestToken?: string;
    adminToken?: string;
    maxBodyBytes: number;
    maxEventsPerRequest: number;
    partialBatches: 'reject' | 'accept-valid';
  };
  /** Absent: embedded mode (in-process queue and memory store, one instance only). */
  redis?: { url: string; password?: string; prefix: string; partitions?: number };
  /** `{ emulator: true }` starts the Notifications emulator in-process. */
  notifications: { emulator: true } | NotificationsEndpoint;
  delivery: { maxInFlight: number; attemptsPerDelivery: number };
  workers: {
    concurrency: number;
    batchSize: number;
    claimIdleMs: number;
    deliveryAttempts: number;
    tickIntervalMs: number;
  };
  streams: { maxLength: number; deadLetterMaxLength: number };
  reload: { watch: boolean; debounceMs: number };
  shutdownGraceMs: number;
  logLevel: LogLevel;
  /** Absent: no audit trail is written. */
  audit?: AuditConfig;
}

/** Where the audit trail goes (docs/service.md, "Audit trail"); at least one of `file` and `redis`. */
export interface AuditConfig {
  /** How much of each event's `data` a decision record keeps. */
  eventData: AuditEventData;
  /** A JSON Lines file (absolute path), rotated at `maxBytes`, keeping `maxFiles` rotated files. */
  file?: { path: string; maxBytes: number; maxFiles: number };
  /** The stream `{prefix}:audit`, capped at about `maxLength` entries and trimmed past `retentionMs`. */
  redis?: { maxLength: number; retentionMs: number };
  /** Copies of every loaded rule set's files, by version: a directory and/or Redis (when `redis` is on). */
  rules: { directory?: string; retentionMs: number };
}

let schema: object | undefined;

/** The JSON Schema of the configuration file, as shipped in `schema/service.schema.json`. */
export function serviceConfigSchema(): object {
  schema ??= JSON.parse(
    readFileSync(new URL('../../schema/service.schema.json', import.meta.url), 'utf8'),
  ) as object;
  return schema;
}

/** Where to read secrets and relative paths from when resolving a configuration. */
export interface ResolveOptions {
  /** Relative rule, mapping and secret-file paths are taken from here (default: the process cwd). */
  baseDir?: string;
  /** Environment for `{ env: NAME }` secrets (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reported as the file of diagnostics. */
  filename?: string;
}

/**
 * Reads and checks a configuration file: YAML with the rule files' hardened reader, the JSON
 * Schema with located diagnostics, then secrets and paths. Throws ServiceConfigError listing
 * every problem; secret values never appear in diagnostics.
 */
export async function loadServiceConfig(
  path: string,
  options: Omit<ResolveOptions, 'baseDir' | 'filename'> = {},
): Promise<ServiceConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ServiceConfigError([
      {
        code: 'EXR_CONFIG_UNREADABLE',
        severity: 'error',
        message: `cannot read the configuration file (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path given to --config`,
        file: path,
      },
    ]);
  }
  return parseServiceConfig(text, {
    ...options,
    filename: path,
    baseDir: dirname(resolve(path)),
  });
}

/** Like {@link loadServiceConfig} for configuration text already in memory. */
export function parseServiceConfig(text: string, options: ResolveOptions = {}): ServiceConfig {
  const filename = options.filename ?? '<service-config>';
  const checked = checkYamlDocument({ text, filename }, serviceConfigSchema());
  if (checked.value === undefined) throw new ServiceConfigError(checked.diagnostics);
  return resolveServiceConfig(checked.value as ServiceConfigFile, { ...options, filename });
}

/**
 * Applies defaults, resolves paths against `baseDir` and reads secrets; throws
 * ServiceConfigError (with JSON Pointers) for missing secrets and incomplete endpoints. The input
 * must already satisfy the schema (use {@link parseServiceConfig} for untrusted text).
 */
export function resolveServiceConfig(
  file: ServiceConfigFile,
  options: ResolveOptions = {},
): ServiceConfig {
  const baseDir = options.baseDir ?? process.cwd();
  const env = options.env ?? process.env;
  const filename = options.filename ?? '<service-config>';
  const diagnostics: Diagnostic[] = [];
  const problem = (code: string, message: string, pointer: string): void => {
    diagnostics.push({ code, severity: 'error', message, file: filename, pointer });
  };
  const secret = (source: SecretSource | undefined, pointer: string): string | undefined => {
    if (source === undefined) return undefined;
    if ('env' in source) {
      const value = env[source.env];
      if (value === undefined || value === '') {
        problem(
          'EXR_CONFIG_SECRET_MISSING',
          `environment variable ${source.env} is not set or empty; export it before starting the service`,
          `${pointer}/env`,
        );
        return undefined;
      }
      return value;
    }
    try {
      const value = readFileSync(resolve(baseDir, source.file), 'utf8').replace(/\r?\n$/, '');
      if (value === '') {
        problem('EXR_CONFIG_SECRET_MISSING', 'the secret file is empty', `${pointer}/file`);
        return undefined;
      }
      return value;
    } catch (error) {
      problem(
        'EXR_CONFIG_SECRET_MISSING',
        `cannot read the secret file (${(error as NodeJS.ErrnoException).code ?? 'error'}); check its path and permissions`,
        `${pointer}/file`,
      );
      return undefined;
    }
  };

  const http = file.http ?? {};
  const [host, port] = splitListen(http.listen ?? '127.0.0.1:8080');
  if (port > 65_535)
    problem('EXR_CONFIG_BAD_LISTEN', 'the port must be at most 65535', '/http/listen');
  const ingestToken = secret(http.ingestToken, '/http/ingestToken');
  const adminToken = secret(http.adminToken, '/http/adminToken');
  if (ingestToken !== undefined && ingestToken === adminToken) {
    problem(
      'EXR_CONFIG_SHARED_TOKEN',
      'the admin token must differ from the ingest token: producers must not be able to silence or acknowledge',
      '/http/adminToken',
    );
  }

  let redis: ServiceConfig['redis'];
  if (file.redis !== undefined) {
    const password = secret(file.redis.password, '/redis/password');
    redis = {
      url: file.redis.url,
      prefix: file.redis.prefix ?? 'exroute',
      partitions: file.redis.partitions ?? 1,
      ...(password !== undefined ? { password } : {}),
    };
  }

  const n = file.notifications ?? {};
  let notifications: ServiceConfig['notifications'];
  if (n.emulator === true || (n.baseUrl === undefined && n.emulator !== false)) {
    notifications = { emulator: true };
  } else {
    const clientSecret = secret(n.clientSecret, '/notifications/clientSecret');
    for (const key of ['baseUrl', 'authUrl', 'tenant', 'clientId', 'clientSecret'] as const) {
      if (n[key] === undefined) {
        problem(
          'EXR_CONFIG_INCOMPLETE',
          `notifications.${key} is required unless notifications.emulator is true`,
          `/notifications`,
        );
      }
    }
    notifications = {
      emulator: false,
      baseUrl: n.baseUrl ?? '',
      authUrl: n.authUrl ?? '',
      tenant: n.tenant ?? '',
      clientId: n.clientId ?? '',
      clientSecret: clientSecret ?? '',
    };
  }
  if (file.audit?.redis !== undefined && redis === undefined) {
    problem(
      'EXR_CONFIG_AUDIT_NEEDS_REDIS',
      "audit.redis writes to the service's Redis: add a redis section, or use audit.file only",
      '/audit/redis',
    );
  }
  if (file.audit !== undefined && file.audit.file === undefined && file.audit.redis === undefined) {
    problem(
      'EXR_CONFIG_AUDIT_NO_SINK',
      'the audit section names no sink: add audit.file (a JSON Lines file) and/or audit.redis (a stream)',
      '/audit',
    );
  }
  if (diagnostics.length > 0) throw new ServiceConfigError(diagnostics);

  const workers = file.workers ?? {};
  return {
    rules: file.rules.map((p) => resolve(baseDir, p)),
    ...(file.mapping !== undefined ? { mapping: resolve(baseDir, file.mapping) } : {}),
    http: {
      host,
      port,
      ...(ingestToken !== undefined ? { ingestToken } : {}),
      ...(adminToken !== undefined ? { adminToken } : {}),
      maxBodyBytes: http.maxBodyBytes ?? 1024 * 1024,
      maxEventsPerRequest: http.maxEventsPerRequest ?? 1000,
      partialBatches: http.partialBatches ?? 'reject',
    },
    ...(redis !== undefined ? { redis } : {}),
    notifications,
    delivery: { maxInFlight: n.maxInFlight ?? 8, attemptsPerDelivery: n.attemptsPerDelivery ?? 4 },
    workers: {
      concurrency: workers.concurrency ?? 4,
      batchSize: workers.batchSize ?? 100,
      claimIdleMs: parseDurationMs(workers.claimIdle ?? '30s'),
      deliveryAttempts: workers.deliveryAttempts ?? 5,
      tickIntervalMs: parseDurationMs(workers.tickInterval ?? '1s'),
    },
    streams: {
      maxLength: file.streams?.maxLength ?? 1_000_000,
      deadLetterMaxLength: file.streams?.deadLetterMaxLength ?? 100_000,
    },
    reload: {
      watch: file.reload?.watch ?? true,
      debounceMs: parseDurationMs(file.reload?.debounce ?? '300ms'),
    },
    shutdownGraceMs: parseDurationMs(file.shutdown?.grace ?? '10s'),
    logLevel: file.log?.level ?? 'info',
    ...(file.audit !== undefined ? { audit: resolveAudit(file.audit, baseDir) } : {}),
  };
}

const DAY_MS = 86_400_000;

function resolveAudit(
  audit: NonNullable<ServiceConfigFile['audit']>,
  baseDir: string,
): AuditConfig {
  return {
    eventData: audit.eventData ?? 'referenced',
    ...(audit.file !== undefined
      ? {
          file: {
            path: resolve(baseDir, audit.file.path),
            maxBytes: audit.file.maxBytes ?? 64 * 1024 * 1024,
            maxFiles: audit.file.maxFiles ?? 10,
          },
        }
      : {}),
    ...(audit.redis !== undefined
      ? {
          redis: {
            maxLength: audit.redis.maxLength ?? 1_000_000,
            retentionMs:
              audit.redis.retention !== undefined
                ? parseDurationMs(audit.redis.retention)
                : 30 * DAY_MS,
          },
        }
      : {}),
    rules: {
      ...(audit.rules?.directory !== undefined
        ? { directory: resolve(baseDir, audit.rules.directory) }
        : {}),
      retentionMs:
        audit.rules?.retention !== undefined
          ? parseDurationMs(audit.rules.retention)
          : 400 * DAY_MS,
    },
  };
}

function splitListen(listen: string): [string, number] {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return [host, Number(listen.slice(colon + 1))];
}
