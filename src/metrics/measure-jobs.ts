import { DelayedError, type Job, RateLimitError } from 'bullmq';
import { RateLimitGaveUpError } from '../queue/rate-limit-give-up.ts';
import type { MetricsSink } from './metrics-sink.ts';

/** Times every attempt of a processor and counts its outcome per capability (the job name). */
export function measureJobs<R>(
  processor: (job: Job) => Promise<R>,
  metrics: MetricsSink,
  now: () => number = performance.now.bind(performance),
): (job: Job) => Promise<R> {
  return async (job) => {
    const started = now();
    try {
      const result = await processor(job);
      metrics.job(job.name, 'completed', now() - started);
      return result;
    } catch (error) {
      const outcome =
        // A job delayed alone by a 429 of one item or endpoint was held back like one the whole queue's pause took.
        error instanceof RateLimitError || error instanceof DelayedError
          ? 'rate_limited'
          : error instanceof RateLimitGaveUpError
            ? 'rate_limit_gave_up'
            : 'failed';
      metrics.job(job.name, outcome, now() - started);
      throw error;
    }
  };
}
