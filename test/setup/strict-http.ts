import nock from 'nock';
import { afterEach, beforeAll } from 'vitest';

// Strict HTTP mocks: a request nobody mocked fails (no real network), and so does a mock nobody used.
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`HTTP mocks never called: ${pending.join(', ')}`);
});
