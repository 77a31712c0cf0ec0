import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object. Tracker credentials also travel in URLs
 * (trello.js puts key and token in the query string), so URLs are scrubbed by `redactUrl` before logging.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-hub-signature"]',
  'req.headers["x-trello-webhook"]',
  'headers.authorization',
  '*.apiToken',
  '*.apiKey',
  '*.apiSecret',
  '*.token',
  '*.secret',
  '*.password',
  'config.JIRA_API_TOKEN',
  'config.JIRA_WEBHOOK_SECRET',
  'config.TRELLO_API_KEY',
  'config.TRELLO_API_TOKEN',
  'config.TRELLO_API_SECRET',
  'config.ADMIN_TOKEN',
];

export type LogFormat = 'pretty' | 'json';

export interface LoggerOptions {
  level: string;
  name?: string;
  /** Default: pretty when the lines go to stdout and it is a terminal, JSON lines otherwise (log collectors). */
  format?: LogFormat;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const toTerminal = options.destination === undefined && process.stdout.isTTY === true;
  const format = options.format ?? (toTerminal ? 'pretty' : 'json');
  // In-process and synchronous: a transport's worker thread would lose the last lines of a process that exits.
  const destination =
    format === 'pretty'
      ? pretty({
          destination: options.destination ?? 1,
          sync: true,
          colorize: toTerminal,
          ignore: 'pid,hostname',
          translateTime: 'SYS:HH:MM:ss.l',
        })
      : options.destination;
  return pino(
    {
      level: options.level,
      name: options.name ?? 'backlog-refinery',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      base: { pid: process.pid },
    },
    destination,
  );
}

type ErrorLike = Record<string, unknown> & { message?: unknown; stack?: unknown; cause?: unknown };

/**
 * Errors are logged as their type, message, stack and flat fields only, URLs scrubbed. HTTP client errors carry
 * their request (URL with Trello's key and token, Authorization header) in nested objects: those are dropped.
 */
export function serializeError(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null)
    return typeof value === 'string' ? redactUrl(value) : value;
  const error = value as ErrorLike;
  // A plain `{ message }` (a reason, not a thrown Error) gets no invented type or empty stack to grep past.
  const out: Record<string, unknown> = value instanceof Error ? { type: value.constructor.name } : {};
  for (const [key, field] of Object.entries(error)) {
    if (typeof field === 'string') out[key] = redactUrl(field);
    else if (typeof field === 'number' || typeof field === 'boolean') out[key] = field;
  }
  out.message = typeof error.message === 'string' ? redactUrl(error.message) : '';
  if (typeof error.stack === 'string') out.stack = redactUrl(error.stack);
  if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

const SECRET_QUERY_PARAMS = /([?&](?:key|token|apiKey|apiToken|secret)=)[^&#\s]*/gi;
/** Trello puts the token in the path of its token routes (`/1/tokens/{token}/webhooks`). */
const SECRET_PATH_SEGMENTS = /(\/tokens?\/)[^/?#\s]+/gi;

/** Removes credentials from a URL or any text that may carry one, in its query string or its path. */
export function redactUrl(text: string): string {
  return text.replace(SECRET_QUERY_PARAMS, '$1[redacted]').replace(SECRET_PATH_SEGMENTS, '$1[redacted]');
}
