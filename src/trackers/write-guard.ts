import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A job that no longer owns itself must not write. A worker frozen past its lock (a long GC pause, SIGSTOP, a
 * stalled VM) resumes mid-job after another worker has already re-run the job; checking ownership once, before
 * the job, would not stop the resumed one. So each write to Jira or Trello asks first, right before the request
 * goes out. The question travels in the job's async context because one adapter serves every job of a process.
 */
export type WriteGuard = () => Promise<void>;

const current = new AsyncLocalStorage<WriteGuard>();

export class LockLostError extends Error {
  constructor(jobId: string) {
    super(`Job ${jobId} lost its lock to another worker; its remaining writes are skipped`);
    this.name = 'LockLostError';
  }
}

/** Runs a job with a guard that every tracker write inside it awaits first. */
export function withWriteGuard<T>(guard: WriteGuard, run: () => Promise<T>): Promise<T> {
  return current.run(guard, run);
}

/** Adapters call this right before a write request; it throws LockLostError when the job is no longer ours. */
export async function guardWrite(): Promise<void> {
  await current.getStore()?.();
}
