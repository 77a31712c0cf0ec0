import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxFault } from '../sandbox-part.ts';
import { SandboxInputError } from './issue-changes.ts';
import type { JiraState } from './state.ts';

/** Jira's error body: `{ errorMessages: [...], errors: { field: message } }`. */
export function jiraError(
  reply: FastifyReply,
  status: number,
  messages: string[],
  errors: Record<string, string> = {},
) {
  return reply.code(status).send({ errorMessages: messages, errors });
}

export function issueNotFound(reply: FastifyReply) {
  return jiraError(reply, 404, ['Issue does not exist or you do not have permission to see it.']);
}

export type Paged = { startAt?: string; maxResults?: string };

/** The page size Jira answers: what `maxResults` asks for (else the default), never above the list's limit. */
export function pageSize(asked: unknown, fallback: number, limit = Number.POSITIVE_INFINITY): number {
  return Math.min(Math.max(Number(asked ?? fallback) || fallback, 1), limit);
}

/** Jira's offset page (`startAt`, `maxResults`, `total`, `isLast`, `values`), as its admin lists answer. */
export function offsetPage<T>(site: string, path: string, query: Paged, all: T[], limit?: number) {
  const startAt = Number(query.startAt ?? 0);
  const maxResults = pageSize(query.maxResults, 50, limit);
  const values = all.slice(startAt, startAt + maxResults);
  return {
    self: `${site}/rest/api/3/${path}?startAt=${startAt}&maxResults=${maxResults}`,
    maxResults,
    startAt,
    total: all.length,
    isLast: startAt + values.length >= all.length,
    values,
  };
}

/** Jira's `nextPageToken` is opaque; the sandbox's carries the offset of the next page. */
export const encodePageToken = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
export const decodePageToken = (token: string | undefined) =>
  token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace('offset:', '')) || 0 : 0;

/** Basic auth decides the actor: the bot's email or a seeded person's; anything else is a 401 like Jira's. */
export function actorOf(state: JiraState, request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return undefined;
  const [email, token] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  if (!email || !token) return undefined;
  return [...state.users.values()].find((user) => user.email === email)?.accountId;
}

/** Runs a change; bad input becomes Jira's 400 instead of a 500. */
export function guarded<T>(reply: FastifyReply, run: () => T): T | FastifyReply {
  try {
    return run();
  } catch (error) {
    if (error instanceof SandboxInputError) return jiraError(reply, 400, [error.message]);
    throw error;
  }
}

/** Which limit a 429 names, how big it is when known, and how long to wait when Jira says it. */
export interface RateLimitAnswer {
  /** `jira-burst-based` unless given. */
  reason?: string;
  limit?: number;
  retryAfterSeconds?: number;
}

/**
 * Jira Cloud's 429 (developer.atlassian.com/cloud/jira/platform/rate-limiting), whether a fault injects it or the
 * sandbox's own per-issue write limit refuses a write: which limit was hit (`RateLimit-Reason`), its size
 * (`X-RateLimit-Limit`: the burst limit's requests a second for the method, the per-issue short window's 20 writes,
 * the global pool's 65,000 points an hour), nothing left, and when it resets.
 */
export function tooManyRequests(reply: FastifyReply, answer: RateLimitAnswer, method: string, now: Date) {
  const reason = answer.reason ?? 'jira-burst-based';
  const limit =
    answer.limit ??
    (reason === 'jira-burst-based'
      ? method === 'PUT' || method === 'DELETE'
        ? 50
        : 100
      : reason === 'jira-per-issue-on-write'
        ? 20
        : 65_000);
  reply.headers({
    'RateLimit-Reason': reason,
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': '0',
  });
  if (answer.retryAfterSeconds !== undefined) {
    const reset = new Date(now.getTime() + answer.retryAfterSeconds * 1_000);
    reply.headers({
      'Retry-After': String(answer.retryAfterSeconds),
      'X-RateLimit-Reset': `${reset.toISOString().slice(0, 19)}Z`,
    });
  }
  return jiraError(reply, 429, ['Rate limit exceeded.']);
}

export function takeFault(faults: SandboxFault[], method: string, path: string): SandboxFault | undefined {
  const index = faults.findIndex(
    (fault) =>
      (fault.path === undefined ? path.startsWith(fault.pathPrefix) : path === fault.path) &&
      (!fault.method || fault.method.toUpperCase() === method),
  );
  const fault = faults[index];
  if (!fault) return undefined;
  if (fault.skip) {
    fault.skip -= 1;
    return undefined;
  }
  fault.count -= 1;
  if (fault.count <= 0) faults.splice(index, 1);
  return fault;
}

export function queryList(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** A JSON body's list of ids or keys. */
export const strings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'string');
