import {
  isApiError,
  isConfigError,
  isForbiddenError,
  isNetworkError,
  isNotFoundError,
  isOAuthError,
  isRateLimitError,
  isSchemaMismatchError,
} from 'jira.js';
import { ErrorKind, errorKindForStatus, TrackerError } from '../../errors.ts';
import { redactUrl } from '../../logger.ts';
import { OutboundLimitTimeoutError, SiteShutError } from '../rate-limit/outbound-limiter.ts';
import { rateLimitScopes, serverRetryHints } from './jira-transport.ts';

/** Jira's 4xx body: `{ errorMessages: string[], errors: { field: message } }`. */
function describeBody(body: unknown): string {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' ? body.slice(0, 200) : '';
  const { errorMessages, errors } = body as { errorMessages?: unknown; errors?: unknown };
  const parts: string[] = [];
  if (Array.isArray(errorMessages)) parts.push(...errorMessages.map(String));
  if (errors && typeof errors === 'object') {
    for (const [field, message] of Object.entries(errors)) parts.push(`${field}: ${String(message)}`);
  }
  return parts.join('; ');
}

/** The one place jira.js errors become TrackerErrors; nothing above the adapter sees the library's types. */
export function toTrackerError(error: unknown, operation: string): TrackerError {
  if (error instanceof TrackerError) return error;
  if (isSchemaMismatchError(error)) {
    const report = (error as { report?: { issues?: { path: string }[] } }).report;
    const paths = report?.issues?.map((issue) => issue.path || '(root)').join(', ') ?? '';
    return new TrackerError(
      ErrorKind.Schema,
      'jira',
      `Jira ${operation}: unexpected response shape at ${paths}`,
      {
        cause: error,
      },
    );
  }
  if (isNetworkError(error)) {
    return new TrackerError(ErrorKind.Network, 'jira', redactUrl(`Jira ${operation}: ${error.message}`), {
      cause: error,
    });
  }
  if (isApiError(error)) {
    const { status, body } = error;
    const detail = describeBody(body);
    const message = redactUrl(`Jira ${operation} failed with ${status}${detail ? `: ${detail}` : ''}`);
    const retryAfterMs = isRateLimitError(error) ? error.retryAfterMs : serverRetryHints.get(error);
    const kind = isNotFoundError(error)
      ? ErrorKind.NotFound
      : isForbiddenError(error)
        ? ErrorKind.Forbidden
        : errorKindForStatus(status);
    const rateLimitScope = rateLimitScopes.get(error);
    return new TrackerError(kind, 'jira', message, { cause: error, status, retryAfterMs, rateLimitScope });
  }
  if (error instanceof OutboundLimitTimeoutError) {
    // Jira's windows in our limiter are an endpoint's and an issue's: a full one holds back no other work. A shut
    // site holds back all of it.
    const aboutIssue = error.keys.some((key) => key.startsWith('jira-issue:'));
    return new TrackerError(ErrorKind.RateLimit, 'jira', `Jira ${operation} postponed: ${error.message}`, {
      cause: error,
      retryAfterMs: error.retryAfterMs,
      rateLimitScope: error instanceof SiteShutError ? 'tracker' : aboutIssue ? 'item' : 'endpoint',
    });
  }
  if (isOAuthError(error) || isConfigError(error)) {
    return new TrackerError(
      ErrorKind.Auth,
      'jira',
      redactUrl(`Jira ${operation}: ${(error as Error).message}`),
      {
        cause: error,
      },
    );
  }
  // Anything else is a defect in this adapter, not a tracker condition: it surfaces unchanged.
  throw error;
}
