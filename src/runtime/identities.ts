import type { TrackerName } from '../domain/events.ts';
import type { Logger } from '../logger.ts';
import type { Tracker } from '../trackers/tracker.ts';

const TRACKER_LABEL: Record<TrackerName, string> = { jira: 'Jira', trello: 'Trello' };

/**
 * The trackers one service already warned cannot be reached. With ROLE=all its API and worker both ask and share
 * one, so the operator gets one line per tracker, not two; another service in the same process has its own.
 */
export type UnreachableWarnings = Set<TrackerName>;

export interface Identities {
  /** The service's own account id on a tracker, once learned. */
  get(tracker: TrackerName): string | undefined;
  /** How comments mention the service account on a tracker (empty until learned). */
  mentions(tracker: TrackerName): readonly string[];
  /** Resolves once every tracker answered who-am-I; keeps retrying in the background until then. */
  learned: Promise<void>;
  stop(): void;
}

/**
 * Learns the service's accounts at start (Jira GET /myself, Trello GET /members/me) so events it caused are
 * dropped. A tracker that is down at start does not stop the process: it is asked again with backoff.
 */
export function learnIdentities(
  trackers: ReadonlyMap<TrackerName, Tracker>,
  log: Logger,
  warned: UnreachableWarnings = new Set(),
): Identities {
  const ids = new Map<TrackerName, string>();
  const mentions = new Map<TrackerName, readonly string[]>();
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function learn(name: TrackerName, tracker: Tracker): Promise<void> {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        const me = await tracker.whoAmI();
        ids.set(name, me.id);
        mentions.set(name, me.mentions);
        log.info({ tracker: name, accountId: me.id, attempts: attempt + 1 }, 'Service account identified');
        return;
      } catch (error) {
        const fields = { tracker: name, attempt, err: { message: (error as Error).message } };
        // One clear line for the operator; the retries that follow only matter when debugging.
        if (attempt === 0 && !warned.has(name)) {
          warned.add(name);
          log.warn(
            fields,
            `${TRACKER_LABEL[name]} cannot be reached: run \`npm run doctor\` to see why (retrying)`,
          );
        } else log.debug(fields, `${TRACKER_LABEL[name]} still cannot be reached`);
        await sleep(Math.min(30_000, 500 * 2 ** attempt));
      }
    }
  }

  const learned = Promise.all([...trackers].map(([name, tracker]) => learn(name, tracker))).then(
    () => undefined,
  );
  return {
    get: (tracker) => ids.get(tracker),
    mentions: (tracker) => mentions.get(tracker) ?? [],
    learned,
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
