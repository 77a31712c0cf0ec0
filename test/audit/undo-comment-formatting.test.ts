import { afterAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/audit-store.ts';
import { findLastChange, undoEntries } from '../../src/audit/undo.ts';
import {
  bold,
  bulletList,
  code,
  type Doc,
  doc,
  inline,
  italic,
  link,
  paragraph,
} from '../../src/domain/doc.ts';
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

const PURPOSE = 'link-suggestions';

/** The last change to the item undone as `/undo` does, by the job `job-3`. */
async function undoLast(jobs: ReturnType<typeof auditedJobs>, tracker: Tracker, ref: ItemRef) {
  return undoEntries(await findLastChange(jobs.audit, ref), {
    tracker: jobs.writes('job-3', 'run-commands', tracker),
    audit: jobs.audit,
    dryRun: false,
    undoneBy: 'job-3',
  });
}

/** Job 1 posts `first`, job 2 rewrites it, then that change is undone; what the item showed after job 1, and now. */
async function rewriteThenUndo(
  tracker: Tracker,
  ref: ItemRef,
  shown: () => unknown,
  {
    first = suggestion('APP-3'),
    jobs = auditedJobs(redis),
  }: { first?: Doc; jobs?: ReturnType<typeof auditedJobs> } = {},
) {
  await jobs.writes('job-1', 'link-tickets', tracker).upsertComment(ref, PURPOSE, first);
  const before = shown();
  await jobs.writes('job-2', 'link-tickets', tracker).upsertComment(ref, PURPOSE, suggestion('APP-4'));
  const result = await undoLast(jobs, tracker, ref);
  return { result, first: before, now: shown() };
}

/** A card on the Trello sandbox, and the Markdown of its comment as Trello keeps it. */
async function trelloCard() {
  const { sandbox, app, tracker } = await startSandbox();
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
  return { trello: tracker(), ref, shown };
}

const entryOf = async (audit: AuditStore, ref: ItemRef, jobId: string) =>
  (await audit.list({ item: { tracker: ref.tracker, idOrKey: ref.id }, limit: 10 })).find(
    (entry) => entry.context.jobId === jobId,
  );

describe("undo of the service's own comment keeps its formatting", () => {
  it('on Jira: the links, the list and the emphasis come back as they were', async () => {
    const h = await startHarness();
    closers.push(() => h.close());
    const ref = { tracker: 'jira' as const, id: '10001', key: 'BR-1' };
    const shown = () => structuredClone(h.sandbox.state.comments.find((c) => c.issueId === ref.id)?.body);

    const { result, first, now } = await rewriteThenUndo(h.jira, ref, shown);

    expect(result.failed).toEqual([]);
    expect(JSON.stringify(first)).toContain('"href":"https://refinery.example.com/console/items/jira/10001"');
    expect(now).toEqual(first);
  });

  it('on Trello: the Markdown of the links, the list and the emphasis comes back as it was', async () => {
    const { trello, ref, shown } = await trelloCard();

    const { result, first, now } = await rewriteThenUndo(trello, ref, shown);

    expect(result.failed).toEqual([]);
    expect(first).toContain('[Read the full text](https://refinery.example.com/console/items/jira/10001)');
    expect(now).toBe(first);
  });

  it('on Trello: a scorecard with brackets in it comes back without its Markdown shown as text', async () => {
    const { trello, ref, shown } = await trelloCard();
    const scorecard = doc(
      paragraph(bold('Priority score: 42')),
      bulletList(['Impact: 3 (set by hand)', 'Effort: 5 [estimate]']),
    );

    const { result, first, now } = await rewriteThenUndo(trello, ref, shown, { first: scorecard });

    expect(result.failed).toEqual([]);
    expect(first).toContain('\\[estimate\\]');
    expect(now).toBe(first);
  });

  // The acceptance check quotes a person's line in code, and people write `field` names in backticks.
  it('on Trello: code holding backticks comes back as it was, and the lines after it too', async () => {
    const { trello, ref, shown } = await trelloCard();
    const check = doc(
      paragraph(code('`status` stays `open` until the export ends'), ' has no Then step.'),
      bulletList([
        inline(bold('missing-then'), ' line 3: ', code('Given the `status` field'), ' Fix: add one.'),
      ]),
      paragraph('Reply ', code('/ac template'), ' to append the missing sections.'),
    );

    const { result, first, now } = await rewriteThenUndo(trello, ref, shown, { first: check });

    expect(result.failed).toEqual([]);
    expect(first).toContain('``Given the `status` field``');
    expect(now).toBe(first);
  });

  it('an entry recorded before, which kept the plain text, still puts that text back, a paragraph per line', async () => {
    const { trello, ref, shown } = await trelloCard();
    const jobs = auditedJobs(redis);
    await jobs.writes('job-1', 'link-tickets', trello).upsertComment(ref, PURPOSE, suggestion('APP-3'));
    await jobs.audit.record({
      item: ref,
      operation: 'upsertComment',
      mode: 'applied',
      context: {
        capability: 'link-tickets',
        jobId: 'job-2',
        deliveryId: '',
        actor: { id: 'service', displayName: 'backlog-refinery' },
      },
      target: { purpose: PURPOSE },
      before: 'Possibly related: APP-2 Export\nRead the full text',
      after: (await trello.getOwnComment(ref, PURPOSE))?.text,
    });

    const result = await undoLast(jobs, trello, ref);

    expect(result.failed).toEqual([]);
    expect(shown()).toMatch(/^Possibly related: APP-2 Export\n\nRead the full text\n/);
  });

  it('a comment whose document would outgrow an audit entry is kept as its text, and that comes back', async () => {
    const { trello, ref, shown } = await trelloCard();
    // 2,000 one-letter lines: 6,000 characters of Markdown, some 90,000 as a document.
    const long = doc(...Array.from({ length: 2_000 }, () => paragraph('x')));
    const jobs = auditedJobs(redis);

    const { result, first, now } = await rewriteThenUndo(trello, ref, shown, { first: long, jobs });

    const entry = await entryOf(jobs.audit, ref, 'job-2');
    expect(result.failed).toEqual([]);
    expect(entry?.undoneBy).toBe('job-3');
    expect(JSON.stringify(entry).length).toBeLessThan(8_000);
    expect(now).toBe(first);
  });
});
