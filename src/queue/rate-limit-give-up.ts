import { UnrecoverableError } from 'bullmq';
import type { TrackerError } from '../errors.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * A job held back by rate limits for longer than the settings allow: failed for good, and counted as such. Without
 * `askedMs`, its pauses in place added up past RATE_LIMIT_GIVE_UP_MS; with it, the wait a tracker asked for would
 * have taken the job's delays past RATE_LIMIT_MAX_DELAY_MS.
 */
export class RateLimitGaveUpError extends UnrecoverableError {
  constructor(error: TrackerError, heldBackMs: number, askedMs?: number) {
    const status = error.status ?? 429;
    super(
      askedMs === undefined
        ? `${error.tracker} kept answering ${status} (rate limited): held back ${seconds(heldBackMs)} in all, more than RATE_LIMIT_GIVE_UP_MS; last answer: ${error.message}`
        : `${error.tracker} asked to wait ${seconds(askedMs)} (rate limited, ${status}): ${seconds(heldBackMs)} of delays in all, more than RATE_LIMIT_MAX_DELAY_MS; last answer: ${error.message}`,
    );
    this.name = 'RateLimitGaveUpError';
  }
}
