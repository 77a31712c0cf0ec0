import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * A port a normal user may not listen on: Linux keeps those below net.ipv4.ip_unprivileged_port_start (1024 unless
 * lowered, as some container runtimes do) for root or CAP_NET_BIND_SERVICE.
 */
export const PRIVILEGED_PORT = 80;
export const portIsPrivileged =
  Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')) > PRIVILEGED_PORT;

/**
 * Runs a Node script as a normal user would: as `nobody` (util-linux setpriv) when the tests run as root, whom the
 * kernel lets listen anywhere. Resolves with the exit code and what it printed.
 */
export function runUnprivileged(
  script: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const node = [process.execPath, ...script];
  const [command = '', ...args] =
    process.getuid?.() === 0
      ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...node]
      : node;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    // setpriv is util-linux's, in every Debian; without it the test says so rather than waits out its timeout.
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
