import { type Job, RateLimitError } from 'bullmq';
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
      metrics.job(job.name, error instanceof RateLimitError ? 'rate_limited' : 'failed', now() - started);
      throw error;
    }
  };
}
