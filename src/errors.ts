import type { TrackerName } from './domain/events.ts';

/** What went wrong with a tracker call, sorted by whether a retry can help. */
export const ErrorKind = {
  Auth: 'auth',
  Forbidden: 'forbidden',
  /** Not there: deleted, or (on trackers that answer both alike, like Jira) hidden from the service. */
  NotFound: 'notFound',
  /** The tracker says the thing no longer exists, as only some trackers can (Trello: a deleted card). */
  Deleted: 'deleted',
  Validation: 'validation',
  Conflict: 'conflict',
  RateLimit: 'rateLimit',
  Server: 'server',
  Network: 'network',
  /** The tracker answered with a shape its published API does not have. */
  Schema: 'schema',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

/**
 * What a rate limit holds back: the whole tracker (a quota, or a limit we cannot tell), or one endpoint and method,
 * or one item, where work on the others goes on (Jira names the limit in `RateLimit-Reason`).
 */
export type RateLimitScope = 'tracker' | 'endpoint' | 'item';

export interface TrackerErrorOptions {
  cause?: unknown;
  status?: number;
  retryAfterMs?: number;
  rateLimitScope?: RateLimitScope;
}

/** The only error adapters throw; nothing above them sees jira.js or trello.js errors. */
export class TrackerError extends Error {
  readonly kind: ErrorKind;
  readonly tracker: TrackerName;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly rateLimitScope: RateLimitScope;

  constructor(kind: ErrorKind, tracker: TrackerName, message: string, options: TrackerErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'TrackerError';
    this.kind = kind;
    this.tracker = tracker;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.rateLimitScope = options.rateLimitScope ?? 'tracker';
  }
}

export function isRetryable(kind: ErrorKind): boolean {
  return kind === ErrorKind.Server || kind === ErrorKind.Network || kind === ErrorKind.RateLimit;
}

/** The thing asked about is not there for the service, whether the tracker can say it was deleted or not. */
export function isAbsent(kind: ErrorKind): boolean {
  return kind === ErrorKind.NotFound || kind === ErrorKind.Deleted;
}

/** A 429, or a 503 with Retry-After (it asks the same): come back after that long, not at the next backoff step. */
export function asksToWait(error: unknown): error is TrackerError {
  return (
    error instanceof TrackerError &&
    (error.kind === ErrorKind.RateLimit ||
      (error.kind === ErrorKind.Server && error.retryAfterMs !== undefined))
  );
}

/** Maps an HTTP status to an error kind, the same way for every tracker. */
export function errorKindForStatus(status: number): ErrorKind {
  if (status === 401) return ErrorKind.Auth;
  if (status === 403) return ErrorKind.Forbidden;
  if (status === 404 || status === 410) return ErrorKind.NotFound;
  if (status === 409) return ErrorKind.Conflict;
  if (status === 429) return ErrorKind.RateLimit;
  if (status >= 500) return ErrorKind.Server;
  return ErrorKind.Validation;
}

/** Retry-After is seconds or an HTTP date; rounded up so a retry never lands before the tracker allows. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait a tracker's answer asks for: Retry-After on a 429, and on a 5xx (a 503 in maintenance or overload asks
 * the same); on any other status it asks nothing of a retry.
 */
export function waitAskedBy(status: number, retryAfter: string | null | undefined): number | undefined {
  return status === 429 || status >= 500 ? parseRetryAfter(retryAfter) : undefined;
}

/** A configuration problem found at start: the process stops with this message. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Why an address cannot be listened on, as something the operator changes (HOST, PORT, the other process). */
interface ListenProblem {
  problem: string;
  fix: string;
}

const LISTEN_PROBLEMS: Readonly<Record<string, ListenProblem>> = {
  EADDRINUSE: {
    problem: 'the port is taken by another process',
    fix: 'Stop it, or set PORT (and HOST) to a free address.',
  },
  EADDRNOTAVAIL: {
    problem: 'HOST is not an address of this machine',
    fix: 'Set HOST to one of its addresses, or 0.0.0.0 for every interface.',
  },
};

/**
 * Why listening on `port` failed with `code`, in words with the fix, when it is something a person can act on.
 * Linux refuses ports below net.ipv4.ip_unprivileged_port_start (1024 unless lowered) to unprivileged processes;
 * above it, EACCES comes from a security module.
 */
export function listenProblem(code: string | undefined, port: number): ListenProblem | undefined {
  if (code !== 'EACCES') return LISTEN_PROBLEMS[code ?? ''];
  return port < 1024
    ? {
        problem: 'ports below 1024 need root or CAP_NET_BIND_SERVICE',
        fix: 'Set PORT=3000 (the default) and put a reverse proxy in front for 80 or 443.',
      }
    : {
        problem: "this machine's security policy (SELinux, AppArmor) refuses the port",
        fix: `Allow the service this port in the policy (on SELinux: \`semanage port -a -t http_port_t -p tcp ${port}\`), or set PORT to one it allows.`,
      };
}

/**
 * The API cannot take its address at start. The configuration is valid; something on this machine is in the way,
 * so the message says that rather than "Invalid configuration", and the process stops like on a bad one.
 */
export class ListenError extends Error {
  constructor(address: string, why: ListenProblem) {
    super(`Cannot listen on ${address}: ${why.problem}. ${why.fix}`);
    this.name = 'ListenError';
  }
}

/** A rules file that does not validate at start: the process stops with the list, like a bad environment. */
export class RulesFileError extends Error {
  readonly problems: string[];

  constructor(path: string | undefined, problems: string[]) {
    super(`Invalid rules file ${path ?? ''}:\n  ${problems.join('\n  ')}`);
    this.name = 'RulesFileError';
    this.problems = problems;
  }
}
