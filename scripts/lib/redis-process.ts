import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface RedisProcessOptions {
  dir: string;
  port?: number;
  /** Extra `redis-server` arguments, e.g. ['--appendfsync', 'always']. */
  args?: string[];
}

export interface RedisProcess {
  url: string;
  port: number;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Installs Debian's redis-server when it is missing and we may (root), so a new machine needs no manual step. */
export function ensureRedisInstalled(): void {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return;
  } catch {
    if (process.getuid?.() !== 0)
      throw new Error('redis-server is not installed: run `apt-get install -y redis-server`');
  }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** Whether a server may listen on the port now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The lowest port the kernel gives outgoing connections (Linux; elsewhere its usual default). */
function lowestEphemeralPort(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (low > 0) return low;
  } catch {}
  return 32_768;
}

/**
 * A port free now, for a server started a moment later. Chosen below the kernel's range for outgoing connections:
 * a port the kernel handed out (`listen(0)`) was soon taken by one of the tests' many client sockets before the
 * server listened on it ("the port is taken by another process", seen with several test runs at once).
 */
export async function freePort(): Promise<number> {
  const low = lowestEphemeralPort();
  const from = Math.max(1_024, low - 20_000);
  for (let tries = 0; tries < 100; tries++) {
    const port = from + Math.floor(Math.random() * (low - from));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${from} and ${low - 1}`);
}

/**
 * Asks the server itself (redis-cli PING) rather than opening a socket from this process: under the test suite
 * nock's socket interception reports a connection as made before anything listens.
 */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      'redis-cli',
      ['-h', '127.0.0.1', '-p', String(port), 'PING'],
      { timeout: 2_000 },
      (error, stdout) => resolve(!error && stdout.trim() === 'PONG'),
    );
  });
}

/**
 * Runs a private redis-server on loopback with the settings BullMQ asks for in production: AOF persistence and
 * `noeviction` (an evicted job key is a lost job).
 */
export async function startRedis(options: RedisProcessOptions): Promise<RedisProcess> {
  mkdirSync(options.dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      options.dir,
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      ...(options.args ?? []),
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('redis-server did not start within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    child,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
