import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditContext } from '../../src/audit/audit-entry.ts';
import { type AuditStore, createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createAuditedTracker } from '../../src/audit/audited-tracker.ts';
import { findLastChange, undoEntries } from '../../src/audit/undo.ts';
import { doc, paragraph } from '../../src/domain/doc.ts';
import type { LinkTarget, Tracker } from '../../src/trackers/tracker.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { createMemoryTracker, type MemoryTracker, memoryItem } from './memory-tracker.ts';

const redis: Redis = testRedis();
afterAll(() => redis.disconnect());

const item = memoryItem('ABC-1', { fields: { Impact: 2, Effort: null }, labels: ['keep'] });
const ref = item.ref;
const support: LinkTarget = { kind: 'url', url: 'https://support.example/T-9', title: 'T-9' };

let audit: AuditStore;
let tracker: MemoryTracker;
beforeEach(() => {
  audit = createRedisAuditStore({ redis, keyPrefix: uniquePrefix('audit'), retentionDays: 400 });
  tracker = createMemoryTracker([item]);
});

function context(jobId: string, command?: string): AuditContext {
  return {
    capability: 'run-commands',
    jobId,
    deliveryId: `d-${jobId}`,
    actor: { id: 'u1', displayName: 'Ana' },
    command,
  };
}

function audited(jobId: string, dryRun = false): Tracker {
  return createAuditedTracker(tracker, { audit, dryRun, context: context(jobId) });
}

/** One capability's worth of writes: scores, a label, a link, a comment, a move, a new description. */
async function scoreAndTriage(target: Tracker) {
  await target.setNumberFields(ref, { Impact: 4, Effort: 3 }, { createMissing: false });
  await target.setLabel(ref, 'needs-ac', true);
  await target.addLink(ref, support, 'relates');
  await target.upsertComment(ref, 'scorecard', doc(paragraph('RICE 12'), paragraph('Impact 4')));
  await target.moveTo(ref, 'In Progress');
  await target.setDescription(ref, 'Rewritten');
}

const listItem = () => audit.list({ item: { tracker: 'jira', idOrKey: 'ABC-1' }, limit: 50 });

describe('audited tracker', () => {
  it('records before and after values of each write with who asked', async () => {
    await scoreAndTriage(audited('job-1'));

    const entries = await listItem();

    expect(entries.map((e) => [e.operation, e.before, e.after])).toEqual([
      ['setDescription', 'As a user I want things', 'Rewritten'],
      ['moveTo', 'To Do', 'In Progress'],
      ['upsertComment', null, 'RICE 12\nImpact 4'],
      ['addLink', null, { type: 'relates' }],
      ['setLabel', false, true],
      ['setNumberFields', { Impact: 2, Effort: null }, { Impact: 4, Effort: 3 }],
    ]);
    expect(entries[0]).toMatchObject({
      mode: 'applied',
      context: { jobId: 'job-1', actor: { displayName: 'Ana' } },
    });
    expect(tracker.items.get(ref.id)).toMatchObject({
      labels: ['keep', 'needs-ac'],
      description: 'Rewritten',
    });
  });

  it('records nothing for writes that change nothing', async () => {
    const target = audited('job-1');
    await target.setNumberFields(ref, { Impact: 2 }, { createMissing: false });
    await target.setLabel(ref, 'keep', true);
    await target.removeLink(ref, support);

    expect(await listItem()).toEqual([]);
  });

  it('in dry-run leaves the tracker untouched and records the plan', async () => {
    const target = audited('job-dry', true);

    await scoreAndTriage(target);
    const created = await target.createItem(
      { containerId: 'ABC', typeOrList: 'Task' },
      {
        title: 'Follow-up',
        body: doc(),
        labels: [],
      },
    );

    expect(tracker.writes).toEqual([]);
    expect(tracker.items.get(ref.id)).toEqual(item);
    expect(created.id).toMatch(/^dry-run-/);
    const entries = await listItem();
    expect(entries).toHaveLength(6);
    expect(entries.every((e) => e.mode === 'dry-run')).toBe(true);
    expect(entries.at(-1)).toMatchObject({ operation: 'setNumberFields', after: { Impact: 4, Effort: 3 } });
  });

  it('answers in dry-run as the tracker would', async () => {
    const target = audited('job-dry', true);

    expect(await target.setNumberFields(ref, { Impact: 2, Effort: 5 }, { createMissing: false })).toEqual({
      written: ['Effort'],
      unchanged: ['Impact'],
      missing: [],
    });
    expect(await target.setLabel(ref, 'keep', true)).toBe(false);
    expect(await target.upsertComment(ref, 'x', doc(paragraph('hi')))).toMatchObject({ action: 'created' });
    expect(await target.deleteOwnComment(ref, 'x')).toBe(false);
  });
});

describe('undo', () => {
  async function undoLast(jobId: string, dryRun = false) {
    const change = await findLastChange(audit, ref);
    const result = await undoEntries(change, {
      tracker: audited(jobId, dryRun),
      audit,
      dryRun,
      undoneBy: jobId,
    });
    return { change, result };
  }

  it('restores fields, labels, links, status, description and own comments of the last change', async () => {
    await audited('job-1').setNumberFields(ref, { Impact: 3 }, { createMissing: false });
    await scoreAndTriage(audited('job-2'));

    const { change, result } = await undoLast('undo-1');

    expect(change.every((e) => e.context.jobId === 'job-2')).toBe(true);
    expect(result.failed).toEqual([]);
    expect(tracker.items.get(ref.id)).toMatchObject({
      fields: { Impact: 3, Effort: null },
      labels: ['keep'],
      links: [],
      status: { name: 'To Do' },
      description: 'As a user I want things',
    });
    expect(tracker.comments.size).toBe(0);
  });

  it('puts an edited or deleted comment back', async () => {
    await tracker.upsertComment(ref, 'scorecard', doc(paragraph('old card')));
    await audited('job-1').deleteOwnComment(ref, 'scorecard');

    await undoLast('undo-1');

    expect(tracker.comments.get(`${ref.id}/scorecard`)?.text).toBe('old card');
  });

  it('is audited in turn, marks what it undid, and a second undo redoes', async () => {
    await audited('job-1').setLabel(ref, 'hot', true);

    await undoLast('undo-1');
    const [undoEntry, original] = await listItem();

    expect(undoEntry).toMatchObject({
      operation: 'setLabel',
      before: true,
      after: false,
      context: { jobId: 'undo-1' },
    });
    expect(original).toMatchObject({ undoneBy: 'undo-1' });
    await undoLast('undo-2');
    expect(tracker.items.get(ref.id)?.labels).toEqual(['keep', 'hot']);
  });

  it('leaves replies to commands alone', async () => {
    const target = audited('job-1');
    await target.setLabel(ref, 'hot', true);
    await target.upsertComment(ref, 'reply-c1', doc(paragraph('Done')));

    await undoLast('undo-1');

    expect(tracker.comments.get(`${ref.id}/reply-c1`)?.text).toBe('Done');
    expect(tracker.items.get(ref.id)?.labels).toEqual(['keep']);
  });

  it('in dry-run only plans the undo', async () => {
    await audited('job-1').setLabel(ref, 'hot', true);
    tracker.writes.length = 0;

    const { result } = await undoLast('undo-1', true);

    expect(result.restored).toHaveLength(1);
    expect(tracker.writes).toEqual([]);
    expect(await findLastChange(audit, ref)).toHaveLength(1);
  });
});
