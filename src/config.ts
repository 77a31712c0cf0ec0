import { isIP } from 'node:net';
import Type, { type Static } from 'typebox';
import { ConfigError } from './errors.ts';
import { validate } from './schema/validate.ts';

const Url = (description: string) => Type.String({ pattern: '^https?://[^\\s]+$', description });
const Secret = (description: string) => Type.String({ minLength: 1, description });

/** Every environment variable the service reads; the only reader of process.env is `loadConfig`. */
export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'HTTP port of the API' }),
  HOST: Type.String({ default: '0.0.0.0', description: 'Interface the API listens on' }),
  TRUST_PROXY: Type.Optional(
    Type.String({
      description:
        'Addresses or CIDRs of the reverse proxies in front of the API, comma-separated (or loopback, linklocal, uniquelocal): their X-Forwarded-For names the client',
    }),
  ),
  REDIS_URL: Type.String({
    pattern: '^rediss?://',
    default: 'redis://127.0.0.1:6379',
    description: 'Redis for queues, dedupe records, rate limits, index and audit',
  }),
  REDIS_CLUSTER: Type.Boolean({
    default: false,
    description: 'REDIS_URL seeds a Redis Cluster (one node URL, or several separated by commas)',
  }),
  PUBLIC_URL: Type.Optional(Url('Base URL the trackers call, e.g. https://refinery.example.com')),
  ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'Bearer token of the /admin API' })),
  JIRA_BASE_URL: Type.Optional(Url('Jira Cloud site, e.g. https://acme.atlassian.net')),
  JIRA_EMAIL: Type.Optional(
    Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', description: 'Email of the Jira account' }),
  ),
  JIRA_API_TOKEN: Type.Optional(Secret('API token of the Jira account the service acts as')),
  JIRA_WEBHOOK_SECRET: Type.Optional(Secret('Secret of the Jira admin webhook (X-Hub-Signature)')),
  JIRA_WEBHOOK_SECRET_PREVIOUS: Type.Optional(Secret('Previous secret, accepted during a rotation')),
  JIRA_RESOLUTION: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Resolution set when a transition requires one (default: "Done"-like)',
    }),
  ),
  JIRA_ALLOW_UNSIGNED: Type.Boolean({
    default: false,
    description:
      'Accept unsigned Jira deliveries (no JIRA_WEBHOOK_SECRET) that carry JIRA_WEBHOOK_URL_TOKEN in the callback URL',
  }),
  JIRA_WEBHOOK_URL_TOKEN: Type.Optional(
    Type.String({
      minLength: 32,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'With JIRA_ALLOW_UNSIGNED: the token the callback URL carries (/webhooks/jira?token=...)',
    }),
  ),
  TRELLO_API_URL: Type.String({ pattern: '^https?://', default: 'https://api.trello.com/1' }),
  TRELLO_API_KEY: Type.Optional(Secret('Trello API key')),
  TRELLO_API_TOKEN: Type.Optional(Secret('Trello token of the member the service acts as')),
  TRELLO_API_SECRET: Type.Optional(Secret('Trello application secret (signs webhooks)')),
  TRELLO_API_SECRET_PREVIOUS: Type.Optional(
    Secret('Previous application secret, accepted during a rotation'),
  ),
  DRY_RUN: Type.Boolean({ default: false, description: 'Compute everything, write nothing to trackers' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  LOG_FORMAT: Type.Optional(
    Type.Union([Type.Literal('pretty'), Type.Literal('json')], {
      description: 'Log lines as readable text or JSON; default pretty on a terminal, JSON otherwise',
    }),
  ),
  ROLE: Type.Union([Type.Literal('api'), Type.Literal('worker'), Type.Literal('all')], { default: 'all' }),
  REFINERY_CONFIG: Type.Optional(
    Type.String({ minLength: 1, description: 'Path of the rules file (JSON or YAML)' }),
  ),
  QUEUE_PREFIX: Type.String({ default: 'refinery', pattern: '^[A-Za-z0-9_-]+$' }),
  DEDUPE_TTL_SECONDS: Type.Integer({ minimum: 1_800, default: 86_400 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1_024, default: 1_048_576 }),
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 8 }),
  JOB_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 50, default: 6 }),
  JOB_BACKOFF_MS: Type.Integer({ minimum: 10, default: 2_000 }),
  WORKER_LOCK_DURATION_MS: Type.Integer({
    minimum: 1_000,
    default: 30_000,
    description: 'BullMQ lockDuration: a job whose worker died is seen as stalled after this long',
  }),
  WORKER_STALLED_INTERVAL_MS: Type.Integer({
    minimum: 1_000,
    default: 30_000,
    description: 'BullMQ stalledInterval: how often workers look for stalled jobs to run again',
  }),
  ITEM_LOCK_TTL_MS: Type.Integer({
    minimum: 1_000,
    default: 15_000,
    description: 'Expiry of the per-item lock, renewed while its job runs: frees an item whose worker died',
  }),
  LINK_RECONCILE_INTERVAL_MS: Type.Integer({
    minimum: 0,
    default: 21_600_000,
    description:
      'How often the workers re-read the Jira tickets holding remote links to Trello cards (Jira sends no event when one is removed); 0: never',
  }),
  RATE_LIMIT_GIVE_UP_MS: Type.Integer({
    minimum: 1_000,
    default: 900_000,
    description:
      "Once the pauses a job's own 429s asked for add up past this, the job fails (visibly) instead of waiting again",
  }),
  RATE_LIMIT_MAX_DELAY_MS: Type.Integer({
    minimum: 1_000,
    default: 86_400_000,
    description:
      "A 429 asking to wait longer than RATE_LIMIT_GIVE_UP_MS (Jira's hourly quota) delays its job until then; once one job's waits would add up past this, it fails (visibly) instead",
  }),
  SHUTDOWN_GRACE_MS: Type.Integer({
    minimum: 1_000,
    default: 25_000,
    description:
      'On SIGTERM/SIGINT, how long jobs in flight and open requests get to finish before the process exits anyway',
  }),
  TRACKER_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    default: 30_000,
    description: 'Longest wait for one tracker request; a timed-out request is retried like a network error',
  }),
  /** Tests set it so a tracker answer that drifts from the vendor's published schema fails loudly. */
  TRACKER_STRICT_SCHEMAS: Type.Boolean({ default: false }),
  AUDIT_RETENTION_DAYS: Type.Integer({ minimum: 1, default: 400 }),
  /** Trello's rate-limit window (10 s). Only benchmarks shorten it, together with the sandbox's. */
  TRELLO_RATE_WINDOW_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  /**
   * Writes to one Jira issue per 2 s (five times as many per 30 s): Jira Cloud's published 20. Only tests lower it,
   * together with the sandbox's.
   */
  JIRA_ISSUE_WRITE_LIMIT: Type.Integer({ minimum: 1, default: 20 }),
  /**
   * How often at most a Jira field name the cached field list lacks (or Jira names otherwise) re-reads the list.
   * Tests set 0, so a field an admin makes between two commands is read at the second.
   */
  JIRA_FIELD_REFRESH_MS: Type.Integer({ minimum: 0, default: 30_000 }),
  /**
   * How often at most a Trello delivery for a board the cached list of the service's webhooks lacks re-reads the
   * list (a board connected since is heard after at most this long). Tests set 0: they seed boards as they go.
   */
  TRELLO_WEBHOOKS_REREAD_MS: Type.Integer({ minimum: 0, default: 10_000 }),
});
export type Env = Static<typeof EnvSchema>;

export interface JiraConfig {
  baseUrl: string;
  email: string;
  apiToken: string;
  webhookSecrets: string[];
  /** Resolution for transitions whose screen requires one. */
  resolution?: string;
  /**
   * Set only when the operator allowed unsigned deliveries (JIRA_ALLOW_UNSIGNED, no secret): the token every
   * delivery's URL must carry. Without a secret and without it, every delivery is refused.
   */
  unsignedUrlToken?: string;
}

export interface TrelloConfig {
  apiUrl: string;
  apiKey: string;
  apiToken: string;
  webhookSecrets: string[];
  /** PUBLIC_URL + route path: Trello signs body + this URL, byte for byte. */
  callbackUrl: string;
}

export interface Config {
  env: Env;
  port: number;
  host: string;
  redisUrl: string;
  redisCluster: boolean;
  role: Env['ROLE'];
  logLevel: Env['LOG_LEVEL'];
  logFormat?: Env['LOG_FORMAT'];
  publicUrl?: string;
  adminToken?: string;
  dryRun: boolean;
  rulesPath?: string;
  queuePrefix: string;
  dedupeTtlSeconds: number;
  bodyLimitBytes: number;
  /** The reverse proxies whose X-Forwarded-For is believed; empty: none, the socket's address is the client. */
  trustedProxies: string[];
  workerConcurrency: number;
  jobAttempts: number;
  jobBackoffMs: number;
  workerLockDurationMs: number;
  workerStalledIntervalMs: number;
  itemLockTtlMs: number;
  /** Interval of the scheduled reconcile of remote links (ms); 0 turns it off. */
  linkReconcileIntervalMs: number;
  rateLimitGiveUpMs: number;
  rateLimitMaxDelayMs: number;
  shutdownGraceMs: number;
  trackerTimeoutMs: number;
  strictTrackerSchemas: boolean;
  auditRetentionDays: number;
  trelloRateWindowMs: number;
  jiraIssueWriteLimit: number;
  jiraFieldRefreshMs: number;
  trelloWebhooksRereadMs: number;
  jira?: JiraConfig;
  trello?: TrelloConfig;
}

export const TRELLO_WEBHOOK_PATH = '/webhooks/trello';
/** Where the admin API is mounted (its audit log is where a post cut to a tracker's limit can be read whole). */
export const ADMIN_PREFIX = '/admin';
export const JIRA_WEBHOOK_PATH = '/webhooks/jira';

function pickEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of Object.keys(EnvSchema.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
}

function requireAll(env: Env, group: string, names: (keyof Env)[]): string[] {
  const missing = names.filter((name) => env[name] === undefined);
  return missing.length === 0 ? [] : [`${group} needs ${missing.join(', ')} (set all of them, or none)`];
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Each entry an IP address, a CIDR or one of proxy-addr's names; anything else (`true`, `*`) is refused. */
function proxyProblems(entries: readonly string[]): string[] {
  const bad = entries.filter((entry) => {
    if (PROXY_NAMES.has(entry)) return false;
    const [address = '', bits, ...rest] = entry.split('/');
    const version = isIP(address);
    if (version === 0 || rest.length > 0) return true;
    return bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
  });
  return bad.length === 0
    ? []
    : [
        `TRUST_PROXY: ${bad.join(', ')} is not an address, a CIDR or loopback/linklocal/uniquelocal (trusting every sender would let any client choose its address)`,
      ];
}

function secrets(...values: (string | undefined)[]): string[] {
  return values.filter((value): value is string => value !== undefined);
}

/** Reads, defaults, converts and validates the environment; a bad or missing variable stops the process. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const result = validate(EnvSchema, pickEnv(source), {
    coerce: true,
    label: (path) => path.slice(1) || 'environment',
  });
  if (!result.ok) throw new ConfigError(result.problems);
  const env = result.value;
  const problems: string[] = [];
  const jiraWanted = env.JIRA_BASE_URL ?? env.JIRA_EMAIL ?? env.JIRA_API_TOKEN;
  if (jiraWanted)
    problems.push(...requireAll(env, 'Jira', ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN']));
  const trelloWanted = env.TRELLO_API_KEY ?? env.TRELLO_API_TOKEN ?? env.TRELLO_API_SECRET;
  if (trelloWanted) {
    problems.push(...requireAll(env, 'Trello', ['TRELLO_API_KEY', 'TRELLO_API_TOKEN', 'TRELLO_API_SECRET']));
    if (!env.PUBLIC_URL)
      problems.push('Trello needs PUBLIC_URL: its webhook signature covers the callback URL');
  }
  const jiraSigned = secrets(env.JIRA_WEBHOOK_SECRET, env.JIRA_WEBHOOK_SECRET_PREVIOUS).length > 0;
  if (env.JIRA_ALLOW_UNSIGNED && !jiraSigned && !env.JIRA_WEBHOOK_URL_TOKEN)
    problems.push(
      'JIRA_ALLOW_UNSIGNED needs JIRA_WEBHOOK_URL_TOKEN (at least 32 characters): unsigned deliveries must carry it',
    );
  // Sent as `Authorization: Bearer <token>`: a token with a space could never be matched, every call a 401.
  if (/\s/.test(env.ADMIN_TOKEN ?? ''))
    problems.push(
      'ADMIN_TOKEN must be one word, without spaces: it is sent as `Authorization: Bearer <token>`',
    );
  const trustedProxies = (env.TRUST_PROXY ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  problems.push(...proxyProblems(trustedProxies));
  if (problems.length > 0) throw new ConfigError(problems);
  const publicUrl = env.PUBLIC_URL?.replace(/\/+$/, '');
  const config: Config = {
    env,
    port: env.PORT,
    host: env.HOST,
    redisUrl: env.REDIS_URL,
    redisCluster: env.REDIS_CLUSTER,
    role: env.ROLE,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    publicUrl,
    adminToken: env.ADMIN_TOKEN,
    dryRun: env.DRY_RUN,
    rulesPath: env.REFINERY_CONFIG,
    queuePrefix: env.QUEUE_PREFIX,
    dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    trustedProxies,
    workerConcurrency: env.WORKER_CONCURRENCY,
    jobAttempts: env.JOB_ATTEMPTS,
    jobBackoffMs: env.JOB_BACKOFF_MS,
    workerLockDurationMs: env.WORKER_LOCK_DURATION_MS,
    workerStalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
    itemLockTtlMs: env.ITEM_LOCK_TTL_MS,
    linkReconcileIntervalMs: env.LINK_RECONCILE_INTERVAL_MS,
    rateLimitGiveUpMs: env.RATE_LIMIT_GIVE_UP_MS,
    rateLimitMaxDelayMs: env.RATE_LIMIT_MAX_DELAY_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    trackerTimeoutMs: env.TRACKER_TIMEOUT_MS,
    strictTrackerSchemas: env.TRACKER_STRICT_SCHEMAS,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    trelloRateWindowMs: env.TRELLO_RATE_WINDOW_MS,
    jiraIssueWriteLimit: env.JIRA_ISSUE_WRITE_LIMIT,
    jiraFieldRefreshMs: env.JIRA_FIELD_REFRESH_MS,
    trelloWebhooksRereadMs: env.TRELLO_WEBHOOKS_REREAD_MS,
    jira:
      jiraWanted && env.JIRA_BASE_URL && env.JIRA_EMAIL && env.JIRA_API_TOKEN
        ? {
            baseUrl: env.JIRA_BASE_URL.replace(/\/+$/, ''),
            email: env.JIRA_EMAIL,
            apiToken: env.JIRA_API_TOKEN,
            webhookSecrets: secrets(env.JIRA_WEBHOOK_SECRET, env.JIRA_WEBHOOK_SECRET_PREVIOUS),
            resolution: env.JIRA_RESOLUTION,
            unsignedUrlToken: env.JIRA_ALLOW_UNSIGNED && !jiraSigned ? env.JIRA_WEBHOOK_URL_TOKEN : undefined,
          }
        : undefined,
    trello:
      env.TRELLO_API_KEY && env.TRELLO_API_TOKEN && env.TRELLO_API_SECRET && publicUrl
        ? {
            apiUrl: env.TRELLO_API_URL.replace(/\/+$/, ''),
            apiKey: env.TRELLO_API_KEY,
            apiToken: env.TRELLO_API_TOKEN,
            webhookSecrets: secrets(env.TRELLO_API_SECRET, env.TRELLO_API_SECRET_PREVIOUS),
            callbackUrl: `${publicUrl}${TRELLO_WEBHOOK_PATH}`,
          }
        : undefined,
  };
  return Object.freeze(config);
}
