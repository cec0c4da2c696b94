import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { LogLevel } from '../config/service-config.js';

/**
 * The service's JSON logger: every line carries the rule-set version in force (read at write
 * time), and credentials that could reach a log object by mistake are censored.
 */
export function createServiceLogger(options: {
  level: LogLevel;
  ruleSetVersion: () => string | undefined;
  instance: string;
  destination?: DestinationStream;
}): Logger {
  return pino(
    {
      level: options.level,
      base: { instance: options.instance },
      mixin: () => ({ ruleSetVersion: options.ruleSetVersion() ?? null }),
      redact: {
        paths: [
          'authorization',
          'headers.authorization',
          'req.headers.authorization',
          'clientSecret',
          'password',
          'token',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}
