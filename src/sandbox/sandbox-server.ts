import Fastify, { type FastifyInstance } from 'fastify';
import type { SandboxPart } from './sandbox-part.ts';

export interface SandboxServer {
  app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:41234; each part lives under its own prefix. */
  url: string;
  close(): Promise<void>;
}

/** Serves sandbox trackers on loopback only: end-to-end tests, the demo and benchmarks run against it. */
export async function startSandboxServer(parts: readonly SandboxPart[], port = 0): Promise<SandboxServer> {
  // trello.js sends comment text in the query string: long Markdown comments need more than Node's 16 KiB.
  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024, http: { maxHeaderSize: 1024 * 1024 } });
  for (const part of parts) part.register(app);
  const url = await app.listen({ port, host: '127.0.0.1' });
  return { app, url, close: () => app.close() };
}
