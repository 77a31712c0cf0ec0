import type { Doc } from '../../src/domain/doc.ts';
import type { ItemRef, TrackerName } from '../../src/domain/events.ts';
import { isAbsent, TrackerError } from '../../src/errors.ts';
import type { CreateTarget } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { markCreating, pendingCreate, postedRef, rememberPosted, withSummaryLock } from './summary-store.ts';
import { descriptionText } from './summary-text.ts';

/** Where a summary goes: a comment on a standing item, or an item of its own. */
export type SummaryDestination =
  | { kind: 'comment'; on: ItemRef }
  | { kind: 'item'; container: CreateTarget; labels: string[] };

export interface Published {
  ref: ItemRef;
  action: 'created' | 'updated' | 'unchanged';
}

export interface SummaryPost {
  tracker: TrackerName;
  /** One summary per key (a sprint, a board window): posting again edits it. */
  summaryKey: string;
  title: string;
  body: Doc;
  destination: SummaryDestination;
}

/** The comment purpose: one comment per sprint on the standing item. */
const purpose = (summaryKey: string) => `sprint-summary ${summaryKey}`;

/** The tracker's and this machine's clocks may disagree by this much about when the create was sent. */
const CLOCK_MARGIN_MS = 10 * 60_000;

/**
 * The item an earlier attempt created without learning it (its answer lost): an item of the destination changed
 * since that create was sent, with the summary's labels and the title it was sent with. Read only after such a
 * create, so a normal post costs no search.
 */
async function createdUnanswered(
  context: JobContext,
  post: SummaryPost,
  destination: Extract<SummaryDestination, { kind: 'item' }>,
): Promise<ItemRef | undefined> {
  const pending = await pendingCreate(context, post.summaryKey);
  if (!pending) return undefined;
  const tracker = context.tracker(post.tracker);
  const since = new Date(Date.parse(pending.at) - CLOCK_MARGIN_MS).toISOString();
  const scope = { kind: 'updatedSince', containerId: destination.container.containerId, since } as const;
  let cursor: string | undefined;
  do {
    const page = await tracker.listItems(scope, cursor);
    const found = page.items.find(
      (item) =>
        item.title === pending.title && destination.labels.every((label) => item.labels.includes(label)),
    );
    if (found) {
      context.log.info(
        { summaryKey: post.summaryKey, item: found.ref.key },
        'Summary item created by an attempt that lost its answer: edited, not posted again',
      );
      await rememberPosted(context, post.summaryKey, found.ref);
      return found.ref;
    }
    cursor = page.next;
  } while (cursor);
  return undefined;
}

/** Posts the summary, or edits the one already posted for the same key; never adds a second. */
export async function publishSummary(context: JobContext, post: SummaryPost): Promise<Published> {
  const tracker = context.tracker(post.tracker);
  const { destination } = post;
  if (destination.kind === 'comment') {
    const outcome = await tracker.upsertComment(destination.on, purpose(post.summaryKey), post.body);
    return { ref: destination.on, action: outcome.action };
  }
  return withSummaryLock(context, post.summaryKey, async () => {
    const known =
      (await postedRef(context, post.summaryKey)) ?? (await createdUnanswered(context, post, destination));
    if (known) {
      try {
        // The sprint may have been renamed since the summary was posted: its title follows, as its heading does.
        await tracker.setTitle(known, post.title);
        await tracker.setDescription(known, descriptionText(post.body));
        return { ref: known, action: 'updated' };
      } catch (error) {
        // Someone deleted the summary item: post a fresh one rather than fail forever.
        if (!(error instanceof TrackerError && isAbsent(error.kind))) throw error;
      }
    }
    if (!context.dryRun) await markCreating(context, post.summaryKey, post.title);
    const ref = await tracker.createItem(destination.container, {
      title: post.title,
      body: post.body,
      labels: destination.labels,
    });
    // A dry run's item is a made-up id: remembered, the real run would look for it to edit.
    if (!context.dryRun) await rememberPosted(context, post.summaryKey, ref);
    return { ref, action: 'created' };
  });
}
