import type { Doc } from '../../src/domain/doc.ts';
import type { ItemRef, TrackerName } from '../../src/domain/events.ts';
import { TrackerError } from '../../src/errors.ts';
import type { CreateTarget } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { postedRef, rememberPosted, withSummaryLock } from './summary-store.ts';
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

/** Posts the summary, or edits the one already posted for the same key; never adds a second. */
export async function publishSummary(context: JobContext, post: SummaryPost): Promise<Published> {
  const tracker = context.tracker(post.tracker);
  const { destination } = post;
  if (destination.kind === 'comment') {
    const outcome = await tracker.upsertComment(destination.on, purpose(post.summaryKey), post.body);
    return { ref: destination.on, action: outcome.action };
  }
  return withSummaryLock(context, post.summaryKey, async () => {
    const known = await postedRef(context, post.summaryKey);
    if (known) {
      try {
        // The sprint may have been renamed since the summary was posted: its title follows, as its heading does.
        await tracker.setTitle(known, post.title);
        await tracker.setDescription(known, descriptionText(post.body));
        return { ref: known, action: 'updated' };
      } catch (error) {
        // Someone deleted the summary item: post a fresh one rather than fail forever.
        if (!(error instanceof TrackerError && error.kind === 'notFound')) throw error;
      }
    }
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
