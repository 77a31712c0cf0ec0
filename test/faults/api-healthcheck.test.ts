import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startApiHarness } from '../helpers/api-harness.ts';
import { testRedisUrl } from '../helpers/redis.ts';

/** The container HEALTHCHECK of the API, as Docker runs it with the container's HOST and PORT. */
function healthcheck(host: string, port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/healthcheck.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        ROLE: 'api',
        REDIS_URL: testRedisUrl(),
        HOST: host,
        PORT: String(port),
      },
      stdio: 'ignore',
    });
    child.on('exit', (code) => resolve(code));
  });
}

describe('API healthcheck', () => {
  it('asks the address the API listens on, so an API bound to one interface stays healthy', async () => {
    const harness = await startApiHarness();
    try {
      // 127.0.0.2 stands for a container's own non-loopback address: nothing answers on 127.0.0.1 then.
      await harness.app.listen({ host: '127.0.0.2', port: 0 });
      const { port } = harness.app.server.address() as AddressInfo;
      expect(await healthcheck('127.0.0.2', port)).toBe(0);
    } finally {
      await harness.close();
    }
  });

  it.each(['0.0.0.0', '::', '::1'])('asks the API listening on HOST=%s', async (host) => {
    const harness = await startApiHarness();
    try {
      await harness.app.listen({ host, port: 0 });
      const { port } = harness.app.server.address() as AddressInfo;
      expect(await healthcheck(host, port)).toBe(0);
    } finally {
      await harness.close();
    }
  });
});
