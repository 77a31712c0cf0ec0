import { UnrecoverableError } from 'bullmq';
import type { TrackerError } from '../errors.ts';

/** A job held back by rate limits for longer than the limit: failed for good, and counted as such. */
export class RateLimitGaveUpError extends UnrecoverableError {
  constructor(error: TrackerError, heldBackMs: number) {
    super(
      `${error.tracker} kept answering ${error.status ?? 429} (rate limited): held back ${(heldBackMs / 1000).toFixed(1)} s in all, more than RATE_LIMIT_GIVE_UP_MS; last answer: ${error.message}`,
    );
    this.name = 'RateLimitGaveUpError';
  }
}
