import { createServer } from 'node:net';
import Value from 'typebox/value';
import { LivenessSchema } from '../http/routes/health.ts';
import { localAddress } from '../runtime/address.ts';
import type { PortFacts } from './check-port.ts';

async function answersAsThisService(host: string, port: number): Promise<boolean> {
  const url = `http://${localAddress(host, port)}/healthz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok && Value.Check(LivenessSchema, await response.json());
  } catch {
    // No HTTP, no JSON, no answer in time: some other process.
    return false;
  }
}

/**
 * Listens on the API's address for a moment and lets it go, so the service can take it next; where something
 * holds it already, asks its /healthz whether that is this service.
 */
export async function probeListenAddress(host: string, port: number): Promise<PortFacts> {
  const server = createServer();
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once('error', resolve);
    server.listen({ host, port }, () => resolve(undefined));
  });
  if (!error) {
    await new Promise((resolve) => server.close(resolve));
    return 'free';
  }
  if (error.code === 'EADDRINUSE' && (await answersAsThisService(host, port))) return 'ours';
  return { code: error.code ?? '', message: error.message };
}
