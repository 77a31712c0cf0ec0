import { buildUrl, type Client, type SendRequestOptions } from 'trello.js/core';
import { type Logger, redactUrl } from '../../logger.ts';
import { hashSubject, type OutboundLimiter } from '../rate-limit/outbound-limiter.ts';
import { guardWrite } from '../write-guard.ts';
import { TrelloHttpError } from './trello-errors.ts';

export interface TrelloTransportOptions {
  apiUrl: string;
  apiKey: string;
  apiToken: string;
  log: Logger;
  limiter: OutboundLimiter;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A trello.js `Client` (createTrelloClient accepts one) that paces every request through the shared limiter.
 * It replaces the library's transport because that one retries 429 on its own with 2/4/8 s sleeps, which would
 * hide rate limits from the queue and double with BullMQ's retries; parsing with the library's schemas stays on.
 */
export function createTrelloTransport(options: TrelloTransportOptions): Client {
  const baseUrl = options.apiUrl.replace(/\/$/, '');
  // Limiter keys name the rules `token` and `key` (Trello's two 10 s budgets); subjects are hashes, never secrets.
  const keys = [`token:${hashSubject(options.apiToken)}`, `key:${hashSubject(options.apiKey)}`];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    async sendRequest<T>(request: SendRequestOptions<T>): Promise<T> {
      const method = request.method ?? 'GET';
      await options.limiter.acquire(keys);
      if (method !== 'GET') await guardWrite();
      const url = buildUrl(baseUrl + request.url, {
        ...request.searchParams,
        key: options.apiKey,
        token: options.apiToken,
      });
      options.log.debug({ method, url: redactUrl(url) }, 'Trello request');
      const response = await fetch(url, {
        method,
        headers: request.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        const body = await response.text();
        throw new TrelloHttpError(
          response.status,
          response.statusText,
          body,
          response.headers.get('retry-after'),
        );
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (response.status === 204 || !contentType.includes('application/json')) return undefined as T;
      const data: unknown = await response.json();
      return request.schema ? request.schema.parse(data) : (data as T);
    },
  };
}
