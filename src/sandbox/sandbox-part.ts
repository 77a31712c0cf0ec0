import type { FastifyInstance } from 'fastify';

/** Where a sandbox part sends the signed webhooks its state changes cause. */
export interface SandboxWebhookTarget {
  url: string;
  secret: string;
}

/** One recorded write through the tracker's public API: what tests and the demo assert on. */
export interface RecordedWrite {
  at: string;
  method: string;
  path: string;
  body: unknown;
  /** Credential that made the write (account id / member id), so tests can tell the bot from people. */
  actor: string;
}

/** A fault the next matching requests get instead of the normal answer. */
export interface SandboxFault {
  /** Path prefix (after the part's prefix) the fault applies to; '' for every path. */
  pathPrefix: string;
  /** Only this path, not the longer ones it starts (`/rest/api/3/issue` is the create, not a bulk fetch). Jira only. */
  path?: string;
  method?: string;
  status: number;
  /** How many requests it applies to. */
  count: number;
  retryAfterSeconds?: number;
  /** Delay before answering (timeouts); with status 0 the request is answered normally after the delay. */
  delayMs?: number;
  /**
   * With status 0: the request is handled at once (a write lands) and only its answer waits this long, so a
   * client that dies meanwhile never learns its write succeeded.
   */
  delayAfterMs?: number;
  /** Matching requests let through untouched before the fault applies (the second GET, not the first). Jira only. */
  skip?: number;
  /**
   * A 429's `RateLimit-Reason`: `jira-burst-based` (the default), `jira-per-issue-on-write`, `jira-quota-global-based`
   * or `jira-quota-tenant-based`. Jira only.
   */
  rateLimitReason?: string;
}

/**
 * A stateful fake of one tracker's public HTTP API on loopback, answering with the real shapes.
 * `register` mounts the API routes under `prefix`, and the control routes (seed data, act as a person,
 * inject faults, read the write log) under `/_sandbox/<name>`.
 */
export interface SandboxPart {
  readonly name: 'jira' | 'trello';
  readonly prefix: string;
  register(app: FastifyInstance): void;
  readonly writes: RecordedWrite[];
  injectFault(fault: SandboxFault): void;
  reset(): void;
}
