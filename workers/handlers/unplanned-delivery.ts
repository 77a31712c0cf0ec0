import { UnrecoverableError } from 'bullmq';
import type { JobDataMap } from '../../src/domain/job-requests.ts';

/**
 * Fails at once, with the reason planning gave: the delivery stays readable in the failed job, and after a fix
 * the admin catch-up action re-runs what it would have caused for its project or board.
 */
export async function unplannedDelivery(data: JobDataMap['unplanned-delivery']): Promise<never> {
  throw new UnrecoverableError(
    `The ${data.tracker} delivery ${data.deliveryKey} could not be turned into jobs: ${data.reason}`,
  );
}
