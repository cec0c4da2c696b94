import { resolve } from 'node:path';
import {
  listDeadLetters,
  loadServiceConfig,
  openRedisQueue,
  redisQueueOptions,
  replayDeadLetter,
  showDeadLetter,
} from '@exroute/service';
import type { Command } from '../command.js';
import { TEXT_OR_JSON_FORMAT_OPTION, numberValue, outputFormat, stringValue } from '../command.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

/** `exroute dead-letters list|show|replay`: inspect and replay the service's dead-letter stream. */
export const deadLettersCommand: Command = {
  name: 'dead-letters',
  summary: "List, show and replay the service's dead letters (Redis).",
  usage: 'exroute dead-letters list|show <id>|replay <id> --config FILE [options]',
  details: `
Reads the dead-letter stream of the service configured in --config (its Redis URL and key
prefix). A dead letter is an event that could not be normalized or routed, or an outgoing
notification OpenText Notifications refused or kept failing; it carries the reason and the
diagnostics.

  list           one line per dead letter: id, stream, reason, deliveries, time
  show <id>      the whole dead letter as JSON, with the original entry
  replay <id>    puts the original entry back on its stream unchanged (an outgoing
                 notification keeps its idempotency key) and removes the dead letter

Exit codes: 0 done, 2 usage error, bad configuration or unknown id.`,
  options: {
    config: {
      type: 'string',
      short: 'c',
      valueName: 'FILE',
      description: 'service configuration file',
    },
    from: {
      type: 'string',
      valueName: 'ID',
      description: 'list from this id on (default: the oldest)',
    },
    count: { type: 'string', valueName: 'N', description: 'list at most N (default 100)' },
    format: TEXT_OR_JSON_FORMAT_OPTION,
  },
  async run(parsed, io) {
    const [action, id, ...extra] = parsed.positionals;
    if (action !== 'list' && action !== 'show' && action !== 'replay') {
      throw new CliUsageError(
        "say what to do: 'list', 'show <id>' or 'replay <id>'",
        'dead-letters',
      );
    }
    if ((action === 'list' ? id : extra[0]) !== undefined)
      throw new CliUsageError('too many arguments', 'dead-letters');
    if (action !== 'list' && id === undefined)
      throw new CliUsageError(`'${action}' needs the dead letter's id`, 'dead-letters');
    const path = stringValue(parsed, 'config');
    if (path === undefined)
      throw new CliUsageError('give --config FILE (the service configuration)', 'dead-letters');
    const format = outputFormat(parsed, 'dead-letters');
    const count = numberValue(parsed, 'count', 'dead-letters', { min: 1, max: 100_000 });
    const config = await loadServiceConfig(resolve(io.cwd, path), { env: io.env });
    if (config.redis === undefined) {
      throw new CliUsageError(
        'the configuration has no redis section: embedded dead letters live only in the running process',
        'dead-letters',
      );
    }
    const queue = await openRedisQueue(redisQueueOptions(config.redis, config.streams));
    try {
      if (action === 'list') {
        const from = stringValue(parsed, 'from');
        const records = await listDeadLetters(queue, {
          ...(from !== undefined ? { from } : {}),
          ...(count !== undefined ? { count } : {}),
        });
        if (format === 'json') {
          io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
        } else {
          for (const r of records)
            io.stdout.write(
              `${r.id}  ${r.stream}  ${r.reason}  deliveries=${r.deliveries}  ${r.at}\n`,
            );
          io.stdout.write(`${records.length} dead letter(s)\n`);
        }
        return ExitCode.ok;
      }
      if (action === 'show') {
        io.stdout.write(`${JSON.stringify(await showDeadLetter(queue, id!), null, 2)}\n`);
        return ExitCode.ok;
      }
      const entry = await replayDeadLetter(queue, id!);
      io.stdout.write(
        format === 'json'
          ? `${JSON.stringify({ replayed: id, entry })}\n`
          : `replayed ${id} as ${entry}\n`,
      );
      return ExitCode.ok;
    } finally {
      await queue.close();
    }
  },
};
