import { resolve } from 'node:path';
import { loadRuleSet } from '@exroute/core';
import { loadMapping } from '@exroute/exstream';
import { createService, loadServiceConfig, resolveServiceConfig } from '@exroute/service';
import type { ServiceConfig, ServiceConfigFile } from '@exroute/service';
import type { Command } from '../command.js';
import { flag, stringValue, stringValues } from '../command.js';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

/** `exroute serve`: run the routing service (or `--check` its configuration). */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the routing service: HTTP ingest, Redis Streams workers, metrics.',
  usage: 'exroute serve --config FILE [--check] | exroute serve --embedded [--rules PATH...]',
  details: `
Runs one instance of the exroute service (docs/service.md). With --config, reads the service
configuration (YAML, schema in @exroute/service/schema/service.schema.json); run as many
instances as you like against one Redis.

--check validates the configuration, its secrets, the rule files and the mapping file, prints
every problem as file:line:column CODE message, and exits without starting anything.

--embedded runs without Redis: an in-process queue, memory state and the OpenText
Notifications emulator, listening on 127.0.0.1:8080 unless --listen says otherwise. Rules come
from --rules (or the configuration's rules when --config is given too). Nothing survives a
restart: it is for trying exroute out, not for production.

Signals: SIGHUP reloads the rules (an invalid set is reported and the old one kept); SIGTERM
and SIGINT stop reading, finish what is in flight within the grace period and exit 0.
Logs are JSON lines on stdout.

Exit codes: 0 stopped cleanly or --check passed, 2 invalid configuration, rules or mapping.`,
  options: {
    config: {
      type: 'string',
      short: 'c',
      valueName: 'FILE',
      description: 'service configuration file',
    },
    check: { type: 'boolean', description: 'validate configuration, rules and mapping, then exit' },
    embedded: {
      type: 'boolean',
      description: 'no Redis: in-process queue, memory state, Notifications emulator',
    },
    rules: {
      type: 'string',
      multiple: true,
      valueName: 'PATH',
      description: 'rule file or directory (with --embedded)',
    },
    mapping: {
      type: 'string',
      valueName: 'FILE',
      description: 'Exstream mapping file (with --embedded)',
    },
    listen: {
      type: 'string',
      valueName: 'HOST:PORT',
      description: 'listen address (with --embedded; default 127.0.0.1:8080)',
    },
  },
  async run(parsed, io) {
    const config = await serviceConfigFrom(parsed, io);
    if (flag(parsed, 'check')) {
      const ruleSet = await loadRuleSet(config.rules);
      if (config.mapping !== undefined) await loadMapping(config.mapping);
      io.stdout.write(
        `configuration ok: ${ruleSet.files.length} rule file(s), rule-set version ${ruleSet.version}, ${config.redis !== undefined ? `redis prefix '${config.redis.prefix}'` : 'embedded (no redis)'}\n`,
      );
      return ExitCode.ok;
    }
    const service = await createService(config);
    return new Promise<number>((done) => {
      const onHup = (): void => void service.reload();
      const onStop = (): void => {
        process.off('SIGHUP', onHup);
        process.off('SIGTERM', onStop);
        process.off('SIGINT', onStop);
        void service.stop().then(
          () => done(ExitCode.ok),
          () => done(ExitCode.failures),
        );
      };
      process.on('SIGHUP', onHup);
      process.on('SIGTERM', onStop);
      process.on('SIGINT', onStop);
    });
  },
};

async function serviceConfigFrom(
  parsed: Parameters<Command['run']>[0],
  io: CliIo,
): Promise<ServiceConfig> {
  const path = stringValue(parsed, 'config');
  const embedded = flag(parsed, 'embedded');
  if (!embedded) {
    if (path === undefined)
      throw new CliUsageError(
        'give --config FILE, or --embedded to try it out without Redis',
        'serve',
      );
    for (const name of ['rules', 'mapping', 'listen']) {
      if (parsed.values[name] !== undefined)
        throw new CliUsageError(
          `--${name} goes with --embedded; put it in the configuration file`,
          'serve',
        );
    }
    return loadServiceConfig(resolve(io.cwd, path), { env: io.env });
  }
  const base =
    path !== undefined
      ? await loadServiceConfig(resolve(io.cwd, path), { env: io.env })
      : undefined;
  const rules = stringValues(parsed, 'rules');
  if (base === undefined && rules.length === 0) {
    throw new CliUsageError('--embedded needs --rules PATH (or --config FILE)', 'serve');
  }
  const listen = stringValue(parsed, 'listen');
  if (listen !== undefined && !/^[A-Za-z0-9.:[\]-]+:[0-9]{1,5}$/.test(listen)) {
    throw new CliUsageError('--listen must be HOST:PORT, such as 127.0.0.1:8080', 'serve');
  }
  const mapping = stringValue(parsed, 'mapping');
  const file: ServiceConfigFile = {
    apiVersion: 'exroute/service/v1',
    rules: rules.length > 0 ? rules : ['.'],
    http: { listen: listen ?? '127.0.0.1:8080' },
    notifications: { emulator: true },
    ...(mapping !== undefined ? { mapping } : {}),
  };
  const flags = resolveServiceConfig(file, {
    baseDir: io.cwd,
    env: io.env,
    filename: '<command line>',
  });
  if (base === undefined) return flags;
  // A configuration run embedded keeps its settings and tokens, minus Redis and the real tenant.
  const { redis: _redis, ...rest } = base;
  void _redis;
  return {
    ...rest,
    notifications: { emulator: true },
    rules: rules.length > 0 ? flags.rules : base.rules,
    ...(flags.mapping !== undefined && mapping !== undefined ? { mapping: flags.mapping } : {}),
    http:
      listen !== undefined
        ? { ...base.http, host: flags.http.host, port: flags.http.port }
        : base.http,
  };
}
