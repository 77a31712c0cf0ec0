import { afterAll, describe, expect, it } from 'vitest';
import { findLastChange, undoEntries } from '../../src/audit/undo.ts';
import { bold, bulletList, doc, docToPlainText, paragraph } from '../../src/domain/doc.ts';
import { markdownToDoc } from '../../src/trackers/markdown-doc.ts';
import { testRedis } from '../helpers/redis.ts';
import { startSandbox } from '../sandbox/trello/trello-sandbox-harness.ts';
import { auditedJobs } from './audited-jobs.ts';

const redis = testRedis();
/** What a person reads in a Trello comment: its Markdown rendered, as plain text. */
const reads = (markdown: unknown) => docToPlainText(markdownToDoc(String(markdown)));
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  redis.disconnect();
});

describe('undo on Trello', () => {
  it('puts an edited comment back as it read, without showing its Markdown as text', async () => {
    const { sandbox, app, tracker: makeTracker } = await startSandbox();
    closers.push(() => app.close());
    const card = sandbox.seedBoard({
      name: 'Product',
      lists: ['Backlog'],
      cards: [{ list: 'Backlog', name: 'Export' }],
    }).cards[0]!;
    const ref = { tracker: 'trello' as const, id: card.id, key: card.shortLink };
    const trello = makeTracker();
    const { audit, writes } = auditedJobs(redis);
    const job = (id: string) => writes(id, 'score-item', trello);
    const scorecard = (score: number) =>
      doc(
        paragraph(bold(`Priority score: ${score}`)),
        bulletList(['Impact: 3 (set by hand)', 'Effort: 5 [estimate]']),
      );
    await job('job-1').upsertComment(ref, 'scorecard', scorecard(42));
    const shown = () =>
      sandbox
        .state()
        .actions.find((a) => a.type === 'commentCard' && (a.data.card as { id: string }).id === card.id)?.data
        .text;
    const first = shown();
    await job('job-2').upsertComment(ref, 'scorecard', scorecard(7));

    const result = await undoEntries(await findLastChange(audit, ref), {
      tracker: job('job-3'),
      audit,
      dryRun: false,
      undoneBy: 'job-3',
    });

    expect(result.failed).toEqual([]);
    // Undo keeps plain text (bold is lost, as on Jira), but no Markdown of the old comment may show as text.
    expect(reads(shown())).toBe(reads(first));
  });
});
