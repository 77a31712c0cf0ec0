import { isRateLimitError } from 'jira.js';
import type { Client, SendRequestOptions } from 'jira.js/core';
import {
  ApiError,
  AuthError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  SchemaMismatchError,
  ServerError,
} from 'jira.js/core';
import { type RateLimitScope, waitAskedBy } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { hashSubject, type OutboundLimiter } from '../rate-limit/outbound-limiter.ts';
import { guardWrite } from '../write-guard.ts';

export interface JiraTransportOptions {
  siteUrl: string;
  email: string;
  apiToken: string;
  onSchemaMismatch: 'warn' | 'throw';
  log: Logger;
  /** Paces writes: Jira's burst limit (per endpoint and method) and its per-issue write limit. */
  limiter?: OutboundLimiter;
  /** Longest wait for Jira's answer, body included (TRACKER_TIMEOUT_MS); the wait for the limiter is bounded by it. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * `Retry-After` of 5xx answers. jira.js keeps the header only on 429s, yet Jira sends it on some 503s too ("can be
 * handled with similar logic"); the error boundary reads it from here.
 */
export const serverRetryHints = new WeakMap<object, number>();

/**
 * What each `RateLimit-Reason` of a 429 holds back (Atlassian, "Rate limiting"): a burst 429 one endpoint and method
 * ("Requests to other endpoints are unaffected"), a per-issue one the writes to that issue; a quota
 * (`jira-quota-global-based`, `jira-quota-tenant-based`), or a reason we do not know, the whole site.
 */
const SCOPE_OF_REASON: Record<string, RateLimitScope> = {
  'jira-burst-based': 'endpoint',
  'jira-per-issue-on-write': 'item',
};

/** The scope of 429 answers that hold back less than the whole site; the error boundary reads it from here. */
export const rateLimitScopes = new WeakMap<object, RateLimitScope>();

/**
 * How long Jira asks to wait. `Retry-After` is not always on a 429 (JRACLOUD-82801); `X-RateLimit-Reset`, the
 * minute the budget comes back ("yyyy-MM-ddTHH:mmZ"), then says it, e.g. an hour away for a quota limit, where a
 * guessed pause would only ask again and again.
 */
function waitAsked(response: Response): number | undefined {
  const { headers } = response;
  const retryAfter = waitAskedBy(response.status, headers.get('retry-after'));
  if (retryAfter !== undefined || response.status !== 429) return retryAfter;
  const reset = Date.parse(headers.get('x-ratelimit-reset') ?? '');
  return Number.isNaN(reset) ? undefined : Math.max(0, reset - Date.now());
}

/**
 * Jira takes a token it no longer accepts (expired, revoked) for no login at all: it serves the request as to an
 * anonymous visitor (an issue "does not exist", a search finds nothing, some reads answer 200) and says why only in
 * `X-Seraph-LoginReason` (MrRefactoring/jira.js#418). After many failed logins it refuses them outright until a
 * person solves a CAPTCHA: a 403 with `AUTHENTICATION_DENIED` and `X-Authentication-Denied-Reason:
 * CAPTCHA_CHALLENGE; login-url=…`. Either says which header told.
 */
function failedLogin(response: Response): string | undefined {
  const { headers } = response;
  const denied = headers.get('x-authentication-denied-reason')?.split(';')[0]?.trim();
  if (denied) return `X-Authentication-Denied-Reason: ${denied}`;
  const reason = /AUTHENTICATED_FAILED|AUTHENTICATION_DENIED/i.exec(
    headers.get('x-seraph-loginreason') ?? '',
  );
  return reason ? `X-Seraph-LoginReason: ${reason[0]}` : undefined;
}

/** The error classes jira.js throws, so the adapter's error boundary stays the same. */
function apiError(response: Response, text: string, body: unknown): ApiError {
  const { status, statusText } = response;
  const message = `Request failed: ${status} ${statusText}${text ? ` - ${text}` : ''}`;
  const hint = waitAsked(response);
  if (status === 401) return new AuthError(message, statusText, body);
  if (status === 403) return new ForbiddenError(message, statusText, body);
  if (status === 404) return new NotFoundError(message, statusText, body);
  if (status === 429) {
    const error = new RateLimitError(message, statusText, body, { retryAfterMs: hint });
    const scope = SCOPE_OF_REASON[response.headers.get('ratelimit-reason') ?? ''];
    if (scope) rateLimitScopes.set(error, scope);
    return error;
  }
  if (status < 500) return new ApiError(message, status, statusText, body);
  const error = new ServerError(message, status, statusText, body);
  if (hint !== undefined) serverRetryHints.set(error, hint);
  return error;
}

const ISSUE_PATH = /^\/rest\/api\/[23]\/issue\/([^/?]+)/;

/** The limiter window a 429 of that scope closes: the endpoint's burst window, or the issue's short one. */
const WINDOW_OF_SCOPE: Partial<Record<RateLimitScope, string>> = {
  endpoint: 'jira-burst:',
  item: 'jira-issue:',
};

/** Limiter keys of one request: none for reads; for writes the endpoint's burst window and the issue's two. */
export function jiraWriteKeys(site: string, method: string, url: string): string[] {
  if (method === 'GET') return [];
  const path = url.split('?')[0] ?? '';
  // One window per endpoint and method, as Jira counts its burst limit: ids and keys do not make new endpoints.
  const endpoint = path.replace(/(?<!\/api)\/(?:\d+|[A-Z][A-Z0-9_]*-\d+)(?=\/|$)/g, '/{id}');
  const keys = [`jira-burst:${site}:${method} ${endpoint}`];
  const issue = ISSUE_PATH.exec(path)?.[1];
  if (issue && issue !== 'createmeta')
    keys.push(`jira-issue:${site}:${issue}`, `jira-issue-30s:${site}:${issue}`);
  return keys;
}

function searchString(params: Record<string, unknown> | undefined): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) query.append(key, String(item));
    else query.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/**
 * A jira.js `Client` of our own (createCloudClient accepts one), as the Trello adapter has: it paces writes
 * through the shared limiter and keeps `Retry-After` on 5xx answers. Responses are still checked against the
 * library's schemas, with the same choice between throwing and warning.
 */
export function createJiraTransport(options: JiraTransportOptions): Client {
  const authorization = `Basic ${Buffer.from(`${options.email}:${options.apiToken}`).toString('base64')}`;
  const site = hashSubject(options.siteUrl).slice(0, 16);
  const siteSubject = `jira-site:${site}`;
  const warned = new Set<string>();
  /**
   * Asking again before Retry-After only earns a longer one: every process's next request of that window waits, or
   * of the whole site when the 429 held it all back (a spent quota). Only a help: if Redis fails here, the 429 is
   * still what the caller learns.
   */
  async function holdRefusedWindow(error: ApiError, keys: readonly string[]): Promise<void> {
    const { limiter } = options;
    if (!isRateLimitError(error) || !error.retryAfterMs || !limiter) return;
    const scope = rateLimitScopes.get(error);
    const window = scope && WINDOW_OF_SCOPE[scope];
    const key = window && keys.find((candidate) => candidate.startsWith(window));
    const held = scope
      ? key
        ? limiter.hold?.(key, error.retryAfterMs)
        : undefined
      : limiter.shut?.(siteSubject, error.retryAfterMs);
    await held?.catch((failure: Error) => {
      options.log.warn({ err: { message: failure.message } }, 'Jira rate-limit window not held');
    });
  }
  return {
    async sendRequest<T>(request: SendRequestOptions<T>): Promise<T> {
      const method = request.method ?? 'GET';
      const path = request.url.startsWith('/') ? request.url : `/${request.url}`;
      const keys = jiraWriteKeys(site, method, path);
      await options.limiter?.checkShut?.(siteSubject);
      if (options.limiter && keys.length > 0) await options.limiter.acquire(keys);
      // After the limiter's wait (up to a minute), right before the request: the job may have lost its lock meanwhile.
      if (method !== 'GET') await guardWrite();
      const url = `${options.siteUrl}${path}${searchString(request.searchParams)}`;
      const hasBody = request.body !== undefined && request.body !== null;
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      // Aborts the request itself: a request only given up on stays open, and a write in it may land after the retry.
      const signal = AbortSignal.timeout(timeoutMs);
      const failed = (error: unknown) => {
        const timedOut = (error as Error).name === 'TimeoutError';
        const code = timedOut ? 'ETIMEDOUT' : (error as { cause?: { code?: string } }).cause?.code;
        const message = timedOut
          ? `timed out after ${timeoutMs} ms`
          : `Request to ${url} failed: ${(error as Error).message}`;
        return new NetworkError(message, { cause: error, code, transient: true });
      };
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          signal,
          method,
          headers: {
            Accept: 'application/json',
            Authorization: authorization,
            // Jira accepts (and jira.js sends) the JSON type on bodiless writes too.
            ...((hasBody || (method !== 'GET' && method !== 'HEAD')) && {
              'Content-Type': 'application/json',
            }),
            ...request.headers,
          },
          body: hasBody ? JSON.stringify(request.body) : undefined,
        });
        text = await response.text();
      } catch (error) {
        throw failed(error);
      }
      let data: unknown = text || undefined;
      try {
        data = text ? JSON.parse(text) : undefined;
      } catch {}
      const loginFailed = failedLogin(response);
      if (loginFailed) {
        const reason = `Jira did not take the API token (${loginFailed}) and answered ${response.status} as it answers anyone not signed in: the token may have expired or been revoked, or after failed logins a person must sign in once in a browser (CAPTCHA)`;
        throw new AuthError(`Request failed: ${reason}`, response.statusText, reason);
      }
      if (!response.ok) {
        const error = apiError(response, text, data);
        await holdRefusedWindow(error, keys);
        throw error;
      }
      if (response.status === 204 || data === undefined || !request.schema) return data as T;
      const parsed = request.schema.safeParse(data);
      if (parsed.success) return parsed.data;
      const endpoint = `${method} ${request.url.split('?')[0]}`;
      const report = {
        endpoint,
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          expected: issue.code,
          received: issue.message,
        })),
      };
      if (options.onSchemaMismatch === 'throw') {
        throw new SchemaMismatchError(`Response did not match the schema for ${endpoint}`, report, {
          cause: parsed.error,
        });
      }
      if (!warned.has(endpoint)) {
        warned.add(endpoint);
        options.log.warn(
          { endpoint, issues: report.issues.slice(0, 5) },
          'Jira answer differs from its schema',
        );
      }
      return data as T;
    },
  };
}
