import type { Actor, ItemRef, TrackerName } from '../../src/domain/events.ts';
import { type ErrorKind, TrackerError } from '../../src/errors.ts';
import type { ItemPermission } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';

/** What the person who wrote a command may see and change; commands ask before acting for them. */
export interface Permissions {
  /** The ids of the items among `refs` the commenter may browse or edit. */
  permitted(refs: readonly ItemRef[], permission: ItemPermission): Promise<Set<string>>;
}

/** People's rights change rarely; a minute of caching makes a burst of commands cost one check. */
const CACHE_SECONDS = 60;

/**
 * How a tracker refuses to check someone's rights, however often asked: the service account may not ask (Jira: it
 * lacks Administer Jira), or the tracker knows no such account (Jira answers 400 for a deleted account, and for the
 * placeholder of a comment with no author). Such a person is refused like anyone without the right.
 */
const UNCHECKABLE: ReadonlySet<ErrorKind> = new Set([
  'forbidden',
  'auth',
  'validation',
  'notFound',
  'deleted',
]);

/** The operator through the admin API acts with the service's rights. */
export const OPERATOR: Permissions = { permitted: async (refs) => new Set(refs.map((ref) => ref.id)) };

/**
 * The commenter's rights, asked of their tracker for that account and cached in Redis. An item on the other
 * tracker cannot be checked (the person has no known account there): it is out unless the rules allow
 * cross-tracker commands. A check the tracker refuses denies (see UNCHECKABLE).
 */
export function commenterPermissions(context: JobContext, tracker: TrackerName, actor: Actor): Permissions {
  const key = (permission: ItemPermission, ref: ItemRef) =>
    `${context.keyPrefix}:permissions:${tracker}:${actor.id}:${permission}:${ref.id}`;
  return {
    async permitted(refs, permission) {
      const permitted = new Set<string>();
      const own = refs.filter((ref) => ref.tracker === tracker);
      if (context.rules().commands.crossTracker)
        for (const ref of refs) if (ref.tracker !== tracker) permitted.add(ref.id);
      if (own.length === 0) return permitted;
      const cached = await context.redis.mget(...own.map((ref) => key(permission, ref)));
      const unknown = own.filter((ref, index) => {
        if (cached[index] === '1') permitted.add(ref.id);
        return cached[index] !== '1' && cached[index] !== '0';
      });
      if (unknown.length === 0) return permitted;
      let granted: Set<string>;
      try {
        granted = await context.tracker(tracker).permittedItems(actor.id, unknown, permission);
      } catch (error) {
        if (!(error instanceof TrackerError) || !UNCHECKABLE.has(error.kind)) throw error;
        context.log.warn(
          { tracker, permission, err: { message: error.message } },
          'Cannot check the commenter’s permissions; the command is refused',
        );
        return permitted;
      }
      const write = context.redis.multi();
      for (const ref of unknown) {
        write.set(key(permission, ref), granted.has(ref.id) ? '1' : '0', 'EX', CACHE_SECONDS);
        if (granted.has(ref.id)) permitted.add(ref.id);
      }
      await write.exec();
      return permitted;
    },
  };
}
