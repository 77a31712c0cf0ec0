import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A job that no longer owns itself must not write. A worker frozen past its lock (a long GC pause, SIGSTOP, a
 * stalled VM) resumes mid-job after another worker has already re-run the job; checking ownership once, before
 * the job, would not stop the resumed one. So each write to Jira or Trello asks first, right before the request
 * goes out. The question travels in the job's async context because one adapter serves every job of a process.
 */
export type WriteGuard = () => Promise<void>;

const current = new AsyncLocalStorage<WriteGuard>();
/** The item locks held around the code running now, innermost last: each throws once its lock is someone else's. */
const fences = new AsyncLocalStorage<readonly WriteGuard[]>();

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

/**
 * Runs `run` holding one more lock whose loss must stop its writes: a lock that ran out (its holder's Redis link hung,
 * its renewals failed) may already be held by the next job of the item, which writes too.
 */
export function withFence<T>(fence: WriteGuard, run: () => Promise<T>): Promise<T> {
  return fences.run([...(fences.getStore() ?? []), fence], run);
}

/**
 * Adapters call this right before a write request; it throws LockLostError when the job is no longer ours, or an
 * item lock's error when an item lock the write runs under has run out.
 */
export async function guardWrite(): Promise<void> {
  // The job's own lock first: a job another worker took over says so, whatever became of its item locks.
  await current.getStore()?.();
  await Promise.all((fences.getStore() ?? []).map((fence) => fence()));
}
