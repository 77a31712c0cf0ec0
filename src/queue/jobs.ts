import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { JobRequest } from '../domain/job-requests.ts';

export const QUEUE_NAME = 'tracker-jobs';

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/** BullMQ forbids ':' in custom ids and integer-looking ids; anything unusual is hashed. */
function safeIdPart(value: string): string {
  return /^[\w.-]{1,80}$/.test(value) ? value : createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/**
 * The job id is derived from the delivery, so adding the same delivery twice is a no-op while the job exists;
 * the lasting dedupe record (src/queue/intake.ts) covers the time after the job is removed.
 */
export function jobId(request: JobRequest, deliveryKey: string): string {
  return `${request.name}.${safeIdPart(deliveryKey)}`;
}

/** The one place for retries and retention. */
export function jobOptions(request: JobRequest, deliveryKey: string, policy: RetryPolicy): JobsOptions {
  return {
    jobId: jobId(request, deliveryKey),
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 3_600, count: 10_000 },
    removeOnFail: { age: 14 * 86_400 },
  };
}
