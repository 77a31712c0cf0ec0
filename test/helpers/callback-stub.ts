import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackStub {
  /** What tests give as PUBLIC_URL. */
  url: string;
  close(): Promise<void>;
}

/**
 * The service's public address in tests that run no API: it answers 200 to everything, as the webhook routes
 * answer Trello's HEAD check of a new webhook's callback (the sandbox makes that check, like Trello).
 */
export async function startCallbackStub(): Promise<CallbackStub> {
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
