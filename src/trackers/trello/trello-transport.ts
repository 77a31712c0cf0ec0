import { buildUrl, type Client, type SendRequestOptions } from 'trello.js/core';
import { parseRetryAfter } from '../../errors.ts';
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
/** Arguments that hold free text: up to 16,384 characters, too long for a URL. */
const TEXT_ARGUMENTS = ['text', 'desc'];

/**
 * trello.js sends comment texts and descriptions in the query string, where a long one exceeds what servers take
 * in a URL (414/431). Trello reads arguments from a JSON body as well, so on writes they travel there.
 */
function textInBody(method: string, searchParams: Record<string, unknown> | undefined, body: unknown) {
  const moved = Object.entries(searchParams ?? {}).filter(
    ([name, value]) => TEXT_ARGUMENTS.includes(name) && typeof value === 'string',
  );
  if (method === 'GET' || moved.length === 0 || (body !== undefined && typeof body !== 'object')) {
    return { query: searchParams, body };
  }
  const query = Object.fromEntries(
    Object.entries(searchParams ?? {}).filter(([name]) => !TEXT_ARGUMENTS.includes(name)),
  );
  return { query, body: { ...(body as object | undefined), ...Object.fromEntries(moved) } };
}

/**
 * A trello.js `Client` (createTrelloClient accepts one) that paces every request through the shared limiter.
 * It replaces the library's transport because that one retries 429 on its own with 2/4/8 s sleeps, which would
 * hide rate limits from the queue and double with BullMQ's retries; parsing with the library's schemas stays on.
 */
export function createTrelloTransport(options: TrelloTransportOptions): Client {
  const baseUrl = options.apiUrl.replace(/\/$/, '');
  // Limiter keys name the rules `token` and `key` (Trello's two 10 s budgets); subjects are hashes, never secrets.
  const tokenKey = `token:${hashSubject(options.apiToken)}`;
  const keys = [tokenKey, `key:${hashSubject(options.apiKey)}`];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const log = options.log.child({ tracker: 'trello' });

  return {
    async sendRequest<T>(request: SendRequestOptions<T>): Promise<T> {
      const method = request.method ?? 'GET';
      await options.limiter.checkShut?.(tokenKey);
      await options.limiter.acquire(keys);
      if (method !== 'GET') await guardWrite();
      const { query, body } = textInBody(method, request.searchParams, request.body);
      const url = buildUrl(baseUrl + request.url, { ...query, key: options.apiKey, token: options.apiToken });
      log.debug({ method, url: redactUrl(url) }, 'Trello request');
      const response = await fetch(url, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        const body = await response.text();
        const retryAfter = response.headers.get('retry-after');
        // Trello names no Retry-After on its 10 s windows; one that asks for longer holds back the whole token.
        const waitMs = response.status === 429 ? parseRetryAfter(retryAfter) : undefined;
        if (waitMs)
          await options.limiter.shut?.(tokenKey, waitMs).catch((failure: Error) => {
            log.warn({ err: { message: failure.message } }, 'Trello rate-limit wait not shared');
          });
        throw new TrelloHttpError(response.status, response.statusText, body, retryAfter);
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (response.status === 204 || !contentType.includes('application/json')) return undefined as T;
      const data: unknown = await response.json();
      return request.schema ? request.schema.parse(data) : (data as T);
    },
  };
}
