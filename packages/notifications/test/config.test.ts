import { describe, expect, it } from 'vitest';
import { createNotificationsClient, DeliveryError } from '@exroute/notifications';
import type { NotificationsClientConfig } from '@exroute/notifications';
import { emailRequests } from './support/fixtures.js';

const valid: NotificationsClientConfig = {
  baseUrl: 'https://t2api.us.cloudmessaging.opentext.com',
  authUrl: 'https://us.api.opentext.com',
  tenant: 'acme',
  clientId: 'client',
  clientSecret: 'secret-value',
};

function configError(config: NotificationsClientConfig): DeliveryError {
  try {
    createNotificationsClient(config);
  } catch (error) {
    if (error instanceof DeliveryError) return error;
    throw error;
  }
  throw new Error('expected a DeliveryError');
}

describe('client configuration', () => {
  it('accepts https URLs and loopback http', () => {
    expect(() => createNotificationsClient(valid)).not.toThrow();
    expect(() =>
      createNotificationsClient({
        ...valid,
        baseUrl: 'http://127.0.0.1:8080',
        authUrl: 'http://localhost:9',
      }),
    ).not.toThrow();
  });

  it.each([
    [{ baseUrl: 'not a url' }, 'EXR_DELIVERY_BAD_URL', '/baseUrl'],
    [{ authUrl: '' }, 'EXR_DELIVERY_BAD_URL', '/authUrl'],
    [{ baseUrl: 'ftp://example.com' }, 'EXR_DELIVERY_BAD_URL', '/baseUrl'],
    [{ baseUrl: 'https://u:p@example.com' }, 'EXR_DELIVERY_BAD_URL', '/baseUrl'],
    [{ baseUrl: 'https://example.com/?x=1' }, 'EXR_DELIVERY_BAD_URL', '/baseUrl'],
    [{ baseUrl: 'http://api.example.com' }, 'EXR_DELIVERY_INSECURE_URL', '/baseUrl'],
    [{ clientSecret: '' }, 'EXR_DELIVERY_MISSING_CREDENTIALS', '/clientSecret'],
    [{ clientId: '  ' }, 'EXR_DELIVERY_MISSING_CREDENTIALS', '/clientId'],
    [{ tenant: '' }, 'EXR_DELIVERY_MISSING_CREDENTIALS', '/tenant'],
    [{ maxInFlight: 0 }, 'EXR_DELIVERY_BAD_OPTION', '/maxInFlight'],
    [{ attemptTimeoutMs: 1.5 }, 'EXR_DELIVERY_BAD_OPTION', '/attemptTimeoutMs'],
    [{ backoff: { baseMs: -1, capMs: 10 } }, 'EXR_DELIVERY_BAD_OPTION', '/backoff/baseMs'],
  ] as const)('%j → %s at %s', (override, code, pointer) => {
    const error = configError({ ...valid, ...override });
    expect(error.code).toBe('EXR_DELIVERY_CONFIG_INVALID');
    expect(error.diagnostics.map((d) => [d.code, d.pointer, d.severity])).toEqual([
      [code, pointer, 'error'],
    ]);
  });

  it('reports every problem at once', () => {
    const error = configError({ ...valid, baseUrl: '', clientId: '', maxAttempts: 0 });
    expect(error.diagnostics.map((d) => d.code)).toEqual([
      'EXR_DELIVERY_BAD_URL',
      'EXR_DELIVERY_MISSING_CREDENTIALS',
      'EXR_DELIVERY_BAD_OPTION',
    ]);
  });

  it('allows plain http to a remote host only when asked', () => {
    expect(() =>
      createNotificationsClient({
        ...valid,
        baseUrl: 'http://api.example.com',
        allowInsecureHttp: true,
      }),
    ).not.toThrow();
  });
});

describe('send input checks', () => {
  it('rejects malformed requests with pointers, before anything is sent', async () => {
    const client = createNotificationsClient(valid);
    const [request] = emailRequests(1);
    const bad = [
      request!,
      { ...request!, key: 'has space' },
      { ...request!, path: '/mra/v1/outbound/pigeons' },
    ];
    const error = await client.send(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).code).toBe('EXR_DELIVERY_REQUEST_INVALID');
    expect((error as DeliveryError).diagnostics.map((d) => d.pointer)).toEqual([
      '/1/key',
      '/2/path',
    ]);
  });

  it('refuses to send after close', async () => {
    const client = createNotificationsClient(valid);
    await client.close();
    await expect(client.send([])).rejects.toMatchObject({ code: 'EXR_DELIVERY_CLOSED' });
  });

  it('an empty batch resolves to no results', async () => {
    const client = createNotificationsClient(valid);
    await expect(client.send([])).resolves.toEqual([]);
  });
});
