import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SERVICE_ENTRY = fileURLToPath(new URL('../../bin/service.ts', import.meta.url));

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
  /** Resolve once a log line contains this text (e.g. 'API listening', 'Worker started'). */
  readyText: string;
  timeoutMs?: number;
}

/** Runs the real service entrypoint (`node bin/service.ts`) as its own process, as production does. */
export function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const log: WriteStream | undefined = options.logFile
    ? createWriteStream(options.logFile, { flags: 'a' })
    : undefined;
  const child = spawn(process.execPath, [SERVICE_ENTRY], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const role = options.env.ROLE ?? 'all';
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${role} process not ready within ${options.timeoutMs ?? 20_000} ms:\n${output.slice(-2_000)}`,
        ),
      );
    }, options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      log?.write(chunk);
      if (output.length < 200_000) output += chunk.toString();
      if (output.includes(options.readyText)) {
        clearTimeout(timer);
        resolve({
          child,
          role,
          exited,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            const code = await exited;
            log?.end();
            return code;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${role} process exited with ${code} before it was ready:\n${output.slice(-2_000)}`));
    });
  });
}
