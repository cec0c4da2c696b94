import { afterAll, afterEach } from 'vitest';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';

/**
 * One emulator for the calling test file (await it at the top of the file): closed after the
 * file's last test and reset after each test, so tests share a server but never its script or
 * recorded requests.
 */
export async function startEmulatorForFile(): Promise<NotificationsEmulator> {
  const emulator = await startEmulator();
  afterAll(async () => {
    await emulator.close();
  });
  afterEach(() => {
    emulator.reset();
  });
  return emulator;
}
