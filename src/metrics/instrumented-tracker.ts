import { TrackerError } from '../errors.ts';
import type { Tracker } from '../trackers/tracker.ts';
import type { MetricsSink } from './metrics-sink.ts';

const METHODS = [
  'whoAmI',
  'getItem',
  'findItem',
  'listItems',
  'permittedItems',
  'setNumberFields',
  'upsertComment',
  'planComment',
  'renameInOwnComment',
  'planRename',
  'getOwnComment',
  'deleteOwnComment',
  'setLabel',
  'addLink',
  'removeLink',
  'moveTo',
  'setDescription',
  'planDescription',
  'setTitle',
  'createItem',
] as const satisfies readonly (keyof Tracker)[];

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/** Counts every port call by outcome (`ok` or the TrackerError kind), and each 429 with the wait it asked for. */
export function instrumentTracker(tracker: Tracker, metrics: MetricsSink): Tracker {
  const wrapped: Record<string, unknown> = { ...tracker };
  for (const method of METHODS) {
    const original = tracker[method].bind(tracker) as AnyMethod;
    wrapped[method] = async (...args: unknown[]) => {
      try {
        const result = await original(...args);
        metrics.trackerCall(tracker.name, method, 'ok');
        return result;
      } catch (error) {
        const kind = error instanceof TrackerError ? error.kind : 'error';
        metrics.trackerCall(tracker.name, method, kind);
        if (error instanceof TrackerError && error.kind === 'rateLimit')
          metrics.rateLimited(tracker.name, error.retryAfterMs ?? 0, error.rateLimitScope);
        throw error;
      }
    };
  }
  return wrapped as unknown as Tracker;
}
