import { createClient } from 'redis';

/** The few commands the audit trail sends (node-redis, RESP2 replies). */
export interface AuditRedis {
  sendCommand<T = unknown>(args: string[]): Promise<T>;
  multi(): { addCommand(args: string[]): unknown; exec(): Promise<unknown> };
  destroy(): void;
}

/** The audit trail's Redis keys: the stream, and one key per archived rule-set version. */
export function auditKeys(prefix: string): { stream: string; rules: (version: string) => string } {
  return {
    stream: `${prefix}:audit`,
    rules: (version) => `${prefix}:audit:rules:${version}`,
  };
}

/** Opens a connection of its own for the audit trail (the queue's is busy with blocking reads). */
export async function openAuditRedis(
  url: string,
  password: string | undefined,
  onError?: (error: Error) => void,
): Promise<AuditRedis> {
  const client = createClient({
    url,
    RESP: 2,
    ...(password !== undefined ? { password } : {}),
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) },
  });
  client.on('error', (error: Error) => onError?.(error));
  await client.connect();
  return client;
}
