// A throw-away `redis-server` for tests and benchmarks: its own loopback port and temp dir, so a
// test never touches a shared Redis, and stop/restart on the same port and dir so AOF and
// "Redis restarted mid-run" scenarios can be played for real.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Options of {@link startRedis}. */
export interface RedisServerOptions {
  /** `true` turns on the append-only file (`appendfsync always`), so data survives a restart. */
  readonly appendonly?: boolean;
  /**
   * `true` starts a one-node Redis Cluster (`cluster-enabled yes`, every slot assigned to it):
   * a script whose keys are in different slots then fails with CROSSSLOT, as on a real cluster.
   */
  readonly cluster?: boolean;
  /** Milliseconds to wait for the server to answer PING before giving up (default 10,000). */
  readonly startTimeoutMs?: number;
}

/** A running test `redis-server`; `url` stays the same across `restart()`. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The loopback port, kept across restarts. */
  readonly port: number;
  /** The server's working dir (AOF files live here), kept across restarts. */
  readonly dir: string;
  /** Whether the server process is running now. */
  readonly running: boolean;
  /** Stops the server gracefully (SIGTERM: an AOF is flushed); resolves once it has exited. */
  stop(): Promise<void>;
  /** Kills the server with SIGKILL (nothing is flushed); resolves once it has exited. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and dir (stopping it first if it runs). */
  restart(): Promise<void>;
  /** Stops the server and removes its dir; safe to call twice. */
  close(): Promise<void>;
}

/** Raised when the test `redis-server` cannot be started (`code` says why). */
export class RedisServerStartError extends Error {
  /** `EXR_TEST_REDIS_MISSING` or `EXR_TEST_REDIS_START_FAILED`. */
  readonly code: 'EXR_TEST_REDIS_MISSING' | 'EXR_TEST_REDIS_START_FAILED';
  constructor(code: RedisServerStartError['code'], message: string) {
    super(message);
    this.name = 'RedisServerStartError';
    this.code = code;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

/** Path of the `redis-server` binary: `$EXROUTE_REDIS_SERVER` or the first on PATH; undefined if none. */
export const redisServerBinary: string | undefined =
  process.env['EXROUTE_REDIS_SERVER'] ?? findOnPath('redis-server');

/** Whether tests that need a real Redis can run here; use `describe.skipIf(!hasRedis)`. */
export const hasRedis: boolean = redisServerBinary !== undefined;

/** Why Redis tests are skipped on this machine (empty when they run); put it in the suite title. */
export const redisSkipReason: string = hasRedis
  ? ''
  : 'SKIPPED: no redis-server on PATH (apt-get install redis-server, or set EXROUTE_REDIS_SERVER)';

/** Finds a free loopback TCP port (redis-server does not support `--port 0`). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** Sends one inline command and resolves with the first reply line ('' on failure). */
function inlineCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (answer: string): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(''));
    socket.once('error', () => done(''));
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      // A bulk reply ($n) ends after its payload; a simple/error reply after its first line.
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      if (bulk !== null) {
        if (reply.length >= bulk[0].length + Number(bulk[1]) + 2) done(reply);
      } else if (reply.includes('\r\n')) done(reply);
    });
  });
}

/** Assigns every slot to the one node (kept in nodes.conf across restarts) and waits for state ok. */
async function clusterReady(port: number, deadline: number): Promise<boolean> {
  const info = await inlineCommand(port, 'CLUSTER INFO');
  if (!info.includes('cluster_slots_assigned:16384')) {
    await inlineCommand(port, 'CLUSTER ADDSLOTSRANGE 0 16383');
  }
  while (Date.now() < deadline) {
    if ((await inlineCommand(port, 'CLUSTER INFO')).includes('cluster_state:ok')) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test worker that ends without closing its servers must not leave redis-server processes behind.
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a private `redis-server` on a free 127.0.0.1 port in a new temp dir and resolves once it
 * answers PING; throws {@link RedisServerStartError} when no binary exists or it does not come up.
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = redisServerBinary;
  if (binary === undefined) {
    throw new RedisServerStartError('EXR_TEST_REDIS_MISSING', redisSkipReason);
  }
  killAllOnExit();
  const dir = mkdtempSync(join(tmpdir(), 'exroute-redis-'));
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;
  let stderr = '';

  const launch = async (port: number): Promise<boolean> => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      options.appendonly === true ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
      '--logfile',
      '',
      ...(options.cluster === true
        ? ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')]
        : []),
    ];
    stderr = '';
    const started = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    started.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4_000) stderr += chunk.toString('utf8');
    });
    started.on('error', (error) => {
      stderr += String(error);
    });
    child = started;
    live.add(started);
    started.once('exit', () => live.delete(started));
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) return false;
      if (await answersPing(port)) {
        if (options.cluster !== true) return true;
        if (await clusterReady(port, deadline)) return true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    started.kill('SIGKILL');
    await waitForExit(started);
    return false;
  };

  // Another process may take the probed port before redis-server binds it: try a few ports.
  let port = 0;
  for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
    const candidate = await freeLoopbackPort();
    if (await launch(candidate)) port = candidate;
  }
  if (port === 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new RedisServerStartError(
      'EXR_TEST_REDIS_START_FAILED',
      `redis-server did not answer PING within ${startTimeoutMs} ms: ${stderr.trim()}`,
    );
  }

  const isRunning = (): boolean =>
    child !== undefined && child.exitCode === null && child.signalCode === null;
  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    if (current === undefined || !isRunning()) return;
    current.kill(signal);
    const timer = setTimeout(() => current.kill('SIGKILL'), 5_000);
    await waitForExit(current);
    clearTimeout(timer);
  };
  let closed = false;

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get running() {
      return isRunning();
    },
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    async restart() {
      if (closed) throw new Error('restart() after close()');
      await terminate('SIGTERM');
      // The old socket may linger for a moment: retry the same port until the bind succeeds.
      const deadline = Date.now() + startTimeoutMs;
      while (!(await launch(port))) {
        if (Date.now() > deadline) {
          throw new RedisServerStartError(
            'EXR_TEST_REDIS_START_FAILED',
            `redis-server did not restart on port ${port}: ${stderr.trim()}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await terminate('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
