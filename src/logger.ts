import { type DestinationStream, type Logger, pino } from 'pino';

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

export interface LoggerOptions {
  level: string;
  name?: string;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? 'backlog-refinery',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    options.destination,
  );
}

const SECRET_QUERY_PARAMS = /([?&](?:key|token|apiKey|apiToken|secret)=)[^&#\s]*/gi;

/** Removes credentials from a URL or any text that may carry one. */
export function redactUrl(text: string): string {
  return text.replace(SECRET_QUERY_PARAMS, '$1[redacted]');
}
