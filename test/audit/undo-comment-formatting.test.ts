import { afterAll, describe, expect, it } from 'vitest';
import { findLastChange, undoEntries } from '../../src/audit/undo.ts';
import { bold, bulletList, doc, inline, italic, link, paragraph } from '../../src/domain/doc.ts';
import type { ItemRef } from '../../src/domain/events.ts';
import type { Tracker } from '../../src/trackers/tracker.ts';
import { testRedis } from '../helpers/redis.ts';
import { startHarness } from '../sandbox/jira/sandbox-harness.ts';
import { startSandbox } from '../sandbox/trello/trello-sandbox-harness.ts';
import { auditedJobs } from './audited-jobs.ts';

const redis = testRedis();
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  redis.disconnect();
});

/** A link-suggestion comment as the service writes one: links to read on, a list of suggested items, emphasis. */
const suggestion = (first: string) =>
  doc(
    paragraph(bold('Possibly related'), ' to this ticket ', italic('(ranked by similarity)'), ':'),
    bulletList([
      inline(link(`${first} Export invoices`, `https://example.atlassian.net/browse/${first}`), ' (0.82)'),
      inline(link('APP-9 Import CSV', 'https://example.atlassian.net/browse/APP-9'), ' (0.61)'),
    ]),
    paragraph(link('Read the full text', 'https://refinery.example.com/console/items/jira/10001')),
  );

/** Job 1 posts the suggestion, job 2 rewrites it, then the last change is undone as `/undo` does. */
async function suggestThenUndo(tracker: Tracker, ref: ItemRef, shown: () => unknown) {
  const { audit, writes } = auditedJobs(redis);
  const job = (id: string) => writes(id, 'link-tickets', tracker);
  await job('job-1').upsertComment(ref, 'link-suggestions', suggestion('APP-3'));
  const first = shown();
  await job('job-2').upsertComment(ref, 'link-suggestions', suggestion('APP-4'));
  const result = await undoEntries(await findLastChange(audit, ref), {
    tracker: job('job-3'),
    audit,
    dryRun: false,
    undoneBy: 'job-3',
  });
  return { result, first, now: shown() };
}

describe("undo of the service's own comment keeps its formatting", () => {
  it('on Jira: the links, the list and the emphasis come back as they were', async () => {
    const h = await startHarness();
    closers.push(() => h.close());
    const ref = { tracker: 'jira' as const, id: '10001', key: 'BR-1' };
    const shown = () => structuredClone(h.sandbox.state.comments.find((c) => c.issueId === ref.id)?.body);

    const { result, first, now } = await suggestThenUndo(h.jira, ref, shown);

    expect(result.failed).toEqual([]);
    expect(JSON.stringify(first)).toContain('"href":"https://refinery.example.com/console/items/jira/10001"');
    expect(now).toEqual(first);
  });

  it('on Trello: the Markdown of the links, the list and the emphasis comes back as it was', async () => {
    const { sandbox, app, tracker: makeTracker } = await startSandbox();
    closers.push(() => app.close());
    const card = sandbox.seedBoard({
      name: 'Product',
      lists: ['Backlog'],
      cards: [{ list: 'Backlog', name: 'Export' }],
    }).cards[0]!;
    const ref = { tracker: 'trello' as const, id: card.id, key: card.shortLink };
    const shown = () =>
      sandbox
        .state()
        .actions.find((a) => a.type === 'commentCard' && (a.data.card as { id: string }).id === card.id)?.data
        .text;

    const { result, first, now } = await suggestThenUndo(makeTracker(), ref, shown);

    expect(result.failed).toEqual([]);
    expect(first).toContain('[Read the full text](https://refinery.example.com/console/items/jira/10001)');
    expect(now).toBe(first);
  });
});
