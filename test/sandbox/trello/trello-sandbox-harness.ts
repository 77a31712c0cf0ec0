import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import {
  createTrelloSandbox,
  type TrelloSandboxOptions,
} from '../../../src/sandbox/trello/trello-sandbox.ts';
import type { OutboundLimiter } from '../../../src/trackers/rate-limit/outbound-limiter.ts';
import { createTrelloTracker } from '../../../src/trackers/trello/trello-tracker.ts';

export const noLimit: OutboundLimiter = { acquire: async () => {} };

export async function startSandbox(options: TrelloSandboxOptions = {}) {
  const sandbox = createTrelloSandbox(options);
  const app: FastifyInstance = Fastify();
  sandbox.register(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const tracker = (limiter: OutboundLimiter = noLimit) =>
    createTrelloTracker({
      apiUrl: `${origin}${sandbox.prefix}`,
      apiKey: 'sandbox-key',
      apiToken: 'sandbox-token',
      log: pino({ level: 'silent' }),
      limiter,
      // The Jira site configured beside Trello, whose issues the cards' attachments name.
      jiraSiteUrl: 'https://acme.atlassian.net',
    });
  return { sandbox, app, origin, tracker };
}

export interface Delivery {
  raw: Buffer;
  signature: string | undefined;
}

/** A bare HTTP receiver that keeps the raw bytes, as a signature check needs them. */
export async function startReceiver(
  status = 200,
): Promise<{ url: string; deliveries: Delivery[]; server: Server }> {
  const deliveries: Delivery[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({
        raw: Buffer.concat(chunks),
        signature: request.headers['x-trello-webhook'] as string | undefined,
      });
      response.statusCode = status;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/trello?tenant=a`;
  return { url, deliveries, server };
}
