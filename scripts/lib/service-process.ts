import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from '../../src/queue/connection.ts';
import { readHeartbeats } from '../../workers/heartbeat.ts';

const SERVICE_ENTRY = fileURLToPath(new URL('../../bin/service.ts', import.meta.url));
/**
 * The Node flags the image and the npm scripts give the service too. V8 lets the young generation grow to 64 MB
 * here (twice the usual: Node runs without pointer compression), and it grows to that while the service loads its
 * modules and stays: 60 MB resident idle, 105 under load. Half holds what a request or a job allocates between
 * collections at no measurable cost in CPU (docs/operations.md#memory).
 */
const SERVICE_NODE_FLAGS = ['--max-semi-space-size=16'];

export interface ServiceProcess {
  child: ChildProcess;
  role: string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ServiceProcessOptions {
  env: Record<string, string>;
  /** Where the process's JSON log lines go (appended). */
  logFile?: string;
  /** Polled until true: the process is up (the API answers /healthz, a worker's heartbeat is in Redis). */
  isReady: (pid: number) => Promise<boolean>;
  timeoutMs?: number;
}

/** Runs the real service entrypoint (`node bin/service.ts`) as its own process, as production does. */
export function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const log: WriteStream | undefined = options.logFile
    ? createWriteStream(options.logFile, { flags: 'a' })
    : undefined;
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, SERVICE_ENTRY], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const role = options.env.ROLE ?? 'all';
  let output = '';
  const capture = (chunk: Buffer) => {
    log?.write(chunk);
    if (output.length < 100_000) output += chunk.toString();
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const handle: ServiceProcess = {
    child,
    role,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      log?.end();
      return code;
    },
  };
  return (async () => {
    // Generous: on a loaded 2-core machine (two test files at a time beside other work) a start took up to 21 s.
    const deadline = Date.now() + (options.timeoutMs ?? 40_000);
    while (!(await options.isReady(child.pid ?? -1).catch(() => false))) {
      if (child.exitCode !== null)
        throw new Error(`${role} process exited with ${child.exitCode}:\n${output.slice(-2_000)}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${role} process not ready in time:\n${output.slice(-2_000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return handle;
  })();
}

/** Ready when the API answers /healthz. */
export function apiReady(url: string): () => Promise<boolean> {
  return async () => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) })).ok;
}

/** Ready when the worker process has written its heartbeat. */
export function workerReady(redis: RedisClient, prefix: string): (pid: number) => Promise<boolean> {
  return async (pid) => (await readHeartbeats(redis, prefix)).some((beat) => beat.pid === pid);
}
