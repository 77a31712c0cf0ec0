import { ErrorKind, errorKindForStatus, TrackerError, waitAskedBy } from '../../errors.ts';
import { redactUrl } from '../../logger.ts';
import { OutboundLimitTimeoutError } from '../rate-limit/outbound-limiter.ts';

/** A non-2xx answer from Trello, raised by our transport; carries no URL, so never the key or token. */
export class TrelloHttpError extends Error {
  readonly status: number;
  readonly body: string;
  readonly retryAfter: string | null;

  constructor(status: number, statusText: string, body: string, retryAfter: string | null) {
    super(`${status} ${statusText}`);
    this.name = 'TrelloHttpError';
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

// Trello sends no Retry-After on 429; its windows are 10 s long.
const DEFAULT_RATE_LIMIT_WAIT_MS = 10_000;
const MAX_BODY_IN_MESSAGE = 200;

function isZodError(error: unknown): error is Error & { issues: { path: PropertyKey[]; message: string }[] } {
  return error instanceof Error && error.name === 'ZodError' && Array.isArray(Reflect.get(error, 'issues'));
}

function isNetworkError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  // Node's fetch says `fetch failed` when no answer came, `terminated` when the link dropped while reading one.
  return error instanceof TypeError && (error.message === 'fetch failed' || error.message === 'terminated');
}

function networkDetail(error: Error): string {
  const cause = error.cause;
  if (!(cause instanceof Error)) return error.message;
  const code: unknown = Reflect.get(cause, 'code');
  return `${error.message} (${typeof code === 'string' ? code : cause.message})`;
}

/**
 * The one place that knows how Trello and trello.js fail. Messages keep the operation and status but never a
 * URL (trello.js puts key and token in the query string) and at most a short, scrubbed piece of the body.
 */
export function toTrackerError(error: unknown, operation: string): TrackerError {
  if (error instanceof TrackerError) return error;
  if (error instanceof TrelloHttpError) {
    // Trello answers 401 for a bad token and for a card on a board the token's member is not on ("unauthorized
    // card permission requested"): only the first is a credentials problem; the second is a refusal of that card.
    // A card out of sight being a 401, Trello's 404 says the card (or its board) no longer exists.
    const kind =
      error.status === 401 && /permission requested/i.test(error.body)
        ? ErrorKind.Forbidden
        : error.status === 404
          ? ErrorKind.Deleted
          : errorKindForStatus(error.status);
    const body = redactUrl(error.body.slice(0, MAX_BODY_IN_MESSAGE)).trim();
    const asked = waitAskedBy(error.status, error.retryAfter);
    const retryAfterMs = kind === ErrorKind.RateLimit ? (asked ?? DEFAULT_RATE_LIMIT_WAIT_MS) : asked;
    return new TrackerError(
      kind,
      'trello',
      `Trello ${operation} failed: ${error.message}${body ? ` - ${body}` : ''}`,
      {
        cause: error,
        status: error.status,
        retryAfterMs,
      },
    );
  }
  if (error instanceof OutboundLimitTimeoutError) {
    return new TrackerError(
      ErrorKind.RateLimit,
      'trello',
      `Trello ${operation} postponed: ${error.message}`,
      {
        cause: error,
        retryAfterMs: error.retryAfterMs,
      },
    );
  }
  if (isZodError(error)) {
    const paths = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return new TrackerError(
      ErrorKind.Schema,
      'trello',
      `Trello ${operation} answered an unexpected shape: ${paths.slice(0, 5).join('; ')}`,
      { cause: error },
    );
  }
  if (error instanceof SyntaxError) {
    return new TrackerError(ErrorKind.Schema, 'trello', `Trello ${operation} answered invalid JSON`, {
      cause: error,
    });
  }
  if (isNetworkError(error)) {
    return new TrackerError(
      ErrorKind.Network,
      'trello',
      `Trello ${operation} failed: ${redactUrl(networkDetail(error))}`,
      {
        cause: error,
      },
    );
  }
  throw error;
}

/** Runs one adapter operation so that only `TrackerError` (or a programming error) leaves it. */
export async function trelloCall<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toTrackerError(error, operation);
  }
}
