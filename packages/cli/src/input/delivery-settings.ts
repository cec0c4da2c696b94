import { resolve } from 'node:path';
import type { NotificationsClientConfig } from '@exroute/notifications';
import type { CliIo } from '../cli-io.js';
import type { ParsedCommand } from '../command.js';
import { flag, stringValue } from '../command.js';

/** Environment variables `exroute route --send` reads, by client setting. */
export const DELIVERY_ENV = {
  baseUrl: 'EXROUTE_NOTIFICATIONS_URL',
  authUrl: 'EXROUTE_AUTH_URL',
  tenant: 'EXROUTE_TENANT',
  clientId: 'EXROUTE_CLIENT_ID',
  clientSecret: 'EXROUTE_CLIENT_SECRET',
  outbox: 'EXROUTE_OUTBOX',
  deadLetters: 'EXROUTE_DEAD_LETTERS',
} as const;

/** Delivery settings from flags, falling back to EXROUTE_* variables; flags win. */
export interface DeliverySettings {
  client: NotificationsClientConfig;
  outbox?: string;
  deadLetters?: string;
}

/**
 * Collects the Notifications client settings. The client secret comes only from the
 * environment (a flag would end up in shell history and process listings), and no setting is
 * ever printed: the client's own validation reports problems by field name.
 */
export function deliverySettings(parsed: ParsedCommand, io: CliIo): DeliverySettings {
  const pick = (option: string, env: string): string =>
    stringValue(parsed, option) ?? io.env[env] ?? '';
  const outbox = stringValue(parsed, 'outbox') ?? io.env[DELIVERY_ENV.outbox];
  const deadLetters = stringValue(parsed, 'dead-letters') ?? io.env[DELIVERY_ENV.deadLetters];
  return {
    client: {
      baseUrl: pick('notifications-url', DELIVERY_ENV.baseUrl),
      authUrl: pick('auth-url', DELIVERY_ENV.authUrl),
      tenant: pick('tenant', DELIVERY_ENV.tenant),
      clientId: pick('client-id', DELIVERY_ENV.clientId),
      clientSecret: io.env[DELIVERY_ENV.clientSecret] ?? '',
      ...(flag(parsed, 'allow-insecure-http') ? { allowInsecureHttp: true } : {}),
    },
    ...(outbox !== undefined && outbox !== '' ? { outbox: resolve(io.cwd, outbox) } : {}),
    ...(deadLetters !== undefined && deadLetters !== ''
      ? { deadLetters: resolve(io.cwd, deadLetters) }
      : {}),
  };
}
