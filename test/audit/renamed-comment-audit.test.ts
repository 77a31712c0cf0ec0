import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createAuditedTracker } from '../../src/audit/audited-tracker.ts';
import { bulletList, doc, inline, link, paragraph } from '../../src/domain/doc.ts';
import type { ItemRef } from '../../src/domain/events.ts';
import type { Tracker } from '../../src/trackers/tracker.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { type Harness, startHarness } from '../sandbox/jira/sandbox-harness.ts';
import { startSandbox } from '../sandbox/trello/trello-sandbox-harness.ts';

/**
 * A moved item renamed in the service's own comment can take a comment cut to the tracker's limit over it: the
 * adapter cuts it again. A dry run must record what the real run writes, and the real run what the tracker then
 * shows (what undo compares with): not the renamed text uncut.
 */
const redis = testRedis();
let jira: Harness;
let trello: Awaited<ReturnType<typeof startSandbox>>;

beforeAll(async () => {
  jira = await startHarness();
  trello = await startSandbox();
});
afterAll(async () => {
  await jira?.close();
  await trello?.app.close();
  redis.disconnect();
});

const url = (key: string) => `https://example.atlassian.net/browse/${key}`;
/** A link comment naming `key` on every line, long enough to be cut to the tracker's limit. */
const naming = (key: string, lines: number) =>
  doc(
    paragraph('Linked to ', link(key, url(key)), ' Export invoices as CSV.'),
    bulletList(
      Array.from({ length: lines }, (_, i) => inline('Also worded like ', link(key, url(key)), ` (${i})`)),
    ),
  );

/** The after-value the audit recorded for the rename, in a dry run and in the real run; and what the comment shows. */
async function renamed(tracker: Tracker, ref: ItemRef) {
  const audit = createRedisAuditStore({ redis, keyPrefix: uniquePrefix('renamed'), retentionDays: 30 });
  const run = (dryRun: boolean) =>
    createAuditedTracker(tracker, {
      audit,
      dryRun,
      context: {
        capability: 'index-item',
        jobId: dryRun ? 'dry' : 'real',
        deliveryId: 'd1',
        actor: { id: 'ada', displayName: 'Ada' },
      },
    }).renameInOwnComment(ref, 'link', 'APP-1', 'LONGPROJECT-1');
  const after = async () => (await audit.list({ limit: 1 }))[0]?.after;
  expect(await run(true)).toMatchObject({ action: 'updated' });
  const dryRun = await after();
  expect(await run(false)).toMatchObject({ action: 'updated' });
  const applied = await after();
  const shown = (await tracker.getOwnComment(ref, 'link'))?.text;
  return { dryRun, applied, shown };
}

describe("a moved item renamed in the service's comment cut to the limit", () => {
  it('on Jira, records in a dry run and in the real run the comment cut again, as Jira shows it', async () => {
    const ref = { tracker: 'jira' as const, id: '10002', key: 'BR-2' };
    await jira.jira.upsertComment(ref, 'link', naming('APP-1', 2_000));

    const { dryRun, applied, shown } = await renamed(jira.jira, ref);

    expect(shown).toMatch(/more lines not shown \(Jira stops at 32,767 characters\)/);
    expect(applied).toBe(shown);
    expect(dryRun).toBe(shown);
  });

  it('on Trello, records in a dry run and in the real run the comment cut again, as Trello shows it', async () => {
    const board = trello.sandbox.seedBoard({
      name: 'Support',
      lists: ['Inbox'],
      cards: [{ list: 'Inbox', name: 'CSV' }],
    });
    const ref = { tracker: 'trello' as const, id: board.cards[0]!.id, key: board.cards[0]!.shortLink };
    const tracker = trello.tracker();
    await tracker.upsertComment(ref, 'link', naming('APP-1', 1_000));

    const { dryRun, applied, shown } = await renamed(tracker, ref);

    expect(shown).toContain('more lines not shown (Trello stops at 16,384 characters)');
    expect(applied).toBe(shown);
    expect(dryRun).toBe(shown);
  });
});
