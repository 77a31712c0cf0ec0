import { afterAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/audit-store.ts';
import { createJobTrackers } from '../../src/audit/job-audit.ts';
import { findLastChange } from '../../src/audit/undo.ts';
import { doc, docToPlainText, paragraph } from '../../src/domain/doc.ts';
import type { CommentEvent } from '../../src/domain/job-requests.ts';
import { TrackerError } from '../../src/errors.ts';
import type { Tracker } from '../../src/trackers/tracker.ts';
import type { CommandContext } from '../../workers/commands/command-executor.ts';
import { undoCommand } from '../../workers/commands/undo-command.ts';
import { testRedis } from '../helpers/redis.ts';
import { auditedJobs } from './audited-jobs.ts';
import { createMemoryTracker, memoryItem } from './memory-tracker.ts';

const redis = testRedis();
afterAll(() => redis.disconnect());

const item = memoryItem('ABC-1', { fields: { Impact: 1 } });
const event = {
  kind: 'comment.created',
  deliveryId: 'jira.d2',
  tracker: 'jira',
  actor: { id: 'u1', displayName: 'Ana' },
  occurredAt: '2026-01-01T00:00:00Z',
  item: item.ref,
  container: item.container,
  comment: { id: 'c2', text: '/undo' },
} satisfies CommentEvent;

/** `/undo` in a comment on `subject`, run as the job `jobId` (a dry run when `dryRun`) against `tracker`. */
async function runUndo(
  subject: ReturnType<typeof memoryItem>,
  audit: AuditStore,
  tracker: Tracker,
  options: { jobId: string; dryRun?: boolean },
) {
  const undoEvent = { ...event, item: subject.ref };
  const job = createJobTrackers(
    { id: options.jobId, name: 'run-commands', data: { event: undoEvent, dryRun: options.dryRun } },
    { audit, config: { dryRun: false } },
  );
  const context = {
    event: undoEvent,
    audit,
    jobId: options.jobId,
    dryRun: job.dryRun,
    tracker: () => job.audited(tracker),
  };
  return undoCommand.run({ name: 'undo', args: '' } as never, context as unknown as CommandContext);
}

/**
 * A scoring job set Impact 1 → 5 on `subject`; `/undo` then runs as the job `job-2` against a tracker that, when
 * `refuse` is set, refuses to write fields.
 */
async function undoScoreChange(subject: ReturnType<typeof memoryItem>, options: { refuse?: boolean } = {}) {
  const { audit, writes } = auditedJobs(redis);
  const memory = createMemoryTracker([subject]);
  await writes('job-1', 'score-item', memory).setNumberFields(
    subject.ref,
    { Impact: 5 },
    { createMissing: false },
  );
  const tracker = options.refuse
    ? {
        ...memory,
        setNumberFields: async () => {
          throw new TrackerError('forbidden', 'jira', 'Field Impact cannot be set', { status: 400 });
        },
      }
    : memory;
  const reply = await runUndo(subject, audit, tracker, { jobId: 'job-2' });
  return { reply, memory, audit };
}

describe('/undo', () => {
  it("restores the item as it was before the service's last job, audited as the /undo job", async () => {
    const { reply, memory, audit } = await undoScoreChange(item);

    expect(memory.items.get(item.ref.id)?.fields.Impact).toBe(1);
    expect(docToPlainText({ blocks: reply })).toMatch(
      /Restored the service's last change \(score-item, .*\):\n.*fields Impact/,
    );
    const [undo] = await audit.list({ item: { tracker: 'jira', idOrKey: 'ABC-1' }, limit: 1 });
    expect(undo?.context).toMatchObject({
      capability: 'run-commands',
      command: '/undo',
      actor: { displayName: 'Ana' },
    });
  });

  it('leaves what a person changed after the last change, and says so', async () => {
    const subject = memoryItem('ABC-3', { fields: { Impact: 1, Effort: 2 } });
    const { audit, writes } = auditedJobs(redis);
    const memory = createMemoryTracker([subject]);
    const triage = writes('job-1', 'triage', memory);
    await triage.setNumberFields(subject.ref, { Impact: 5 }, { createMissing: false });
    await triage.setNumberFields(subject.ref, { Effort: 3 }, { createMissing: false });
    await triage.moveTo(subject.ref, 'In Progress');
    // A person then edits Impact and moves the item on, by hand.
    const edited = memory.items.get(subject.ref.id)!;
    edited.fields.Impact = 8;
    edited.status = { name: 'Done', category: 'done' };

    const reply = await runUndo(subject, audit, memory, { jobId: 'job-2' });

    expect(docToPlainText({ blocks: reply }).split('\n').slice(1)).toEqual([
      '- fields Effort',
      'Could not restore:',
      '- status (back to To Do): changed since: moved to Done',
      '- fields Impact: changed since: Impact is now 8',
      'Write /undo again to redo it.',
    ]);
    expect(memory.items.get(subject.ref.id)).toMatchObject({
      fields: { Impact: 8, Effort: 2 },
      status: { name: 'Done' },
    });
  });

  it('says nothing was restored, and offers no redo, when the tracker refuses every write', async () => {
    const subject = memoryItem('ABC-2', { fields: { Impact: 1 } });
    const { reply, memory } = await undoScoreChange(subject, { refuse: true });

    const lines = docToPlainText({ blocks: reply }).split('\n');
    expect(lines[0]).toMatch(/^Could not restore the service's last change \(score-item, .+\):$/);
    expect(lines.slice(1)).toEqual(['- fields Impact: Field Impact cannot be set']);
    expect(memory.items.get(subject.ref.id)?.fields.Impact).toBe(5);
  });
});

const ticket7 = { kind: 'url', url: 'https://help.example.test/t/7', title: 'Ticket 7: slow' } as const;

/**
 * One job of the service wrote every kind of change to a fresh item; `/undo` (as the job `undo-job`, in dry run
 * when asked) answers with the reply a commenter reads. `fail` makes the tracker refuse one kind of write.
 */
async function undoAfterEveryKindOfChange(options: { dryRun?: boolean; fail?: 'removeLink' } = {}) {
  const key = `UND-${options.dryRun ? 'dry' : (options.fail ?? 'all')}`;
  const subject = memoryItem(key, {
    fields: { Impact: 1, Effort: 2 },
    links: [{ target: ticket7, type: 'relates', direction: 'outward' }],
  });
  const memory = createMemoryTracker([subject]);
  memory.comments.set(`${subject.ref.id}/sprint-note`, { id: 'c9', text: 'Carried over from sprint 3' });
  const tracker = options.fail
    ? {
        ...memory,
        [options.fail]: async () => {
          throw new TrackerError('forbidden', 'jira', 'You do not have permission to link issues', {
            status: 403,
          });
        },
      }
    : memory;
  const { audit, writes } = auditedJobs(redis);
  const written = writes('job-1', 'triage', memory);
  await written.setNumberFields(subject.ref, { Impact: 5, Effort: 8 }, { createMissing: false });
  await written.setLabel(subject.ref, 'needs-triage', true);
  await written.addLink(
    subject.ref,
    { kind: 'url', url: 'https://help.example.test/t/42', title: 'Ticket 42: export fails' },
    'relates',
  );
  await written.removeLink(subject.ref, ticket7);
  await written.upsertComment(subject.ref, 'acceptance-status', doc(paragraph('Fails its template')));
  await written.deleteOwnComment(subject.ref, 'sprint-note');
  await written.moveTo(subject.ref, 'In Progress');
  await written.setDescription(subject.ref, 'As a user I want exports');

  const reply = await runUndo(subject, audit, tracker, { jobId: 'undo-job', dryRun: options.dryRun });
  const lines = docToPlainText({ blocks: reply }).split('\n');
  return { lines, item: memory.items.get(subject.ref.id)!, memory, audit, ref: subject.ref };
}

describe('/undo of a change of every kind', () => {
  it('restores each write and names it as the commenter knows it', async () => {
    const { lines, item, memory, ref } = await undoAfterEveryKindOfChange();

    expect(lines[0]).toMatch(/^Restored the service's last change \(triage, \d{4}-\d\d-\d\dT[\d:.]+Z\):$/);
    expect(lines.slice(1)).toEqual([
      '- description',
      '- status (back to To Do)',
      '- comment (sprint-note)',
      '- comment (acceptance-status)',
      '- link to Ticket 7: slow',
      '- link to Ticket 42: export fails',
      '- label needs-triage',
      '- fields Impact, Effort',
      'Write /undo again to redo it.',
    ]);
    expect(item).toMatchObject({
      fields: { Impact: 1, Effort: 2 },
      labels: [],
      links: [{ target: ticket7 }],
      status: { name: 'To Do' },
      description: 'As a user I want things',
    });
    expect(memory.comments.has(`${ref.id}/acceptance-status`)).toBe(false);
    expect(memory.comments.get(`${ref.id}/sprint-note`)?.text).toBe('Carried over from sprint 3');
  });

  it('a dry run says what it would restore and changes nothing; the change can still be undone', async () => {
    const { lines, item, audit, ref } = await undoAfterEveryKindOfChange({ dryRun: true });

    expect(lines[0]).toMatch(/^Dry run: would restore the service's last change \(triage, .+\):$/);
    expect(lines).toContain('- label needs-triage');
    expect(item).toMatchObject({
      fields: { Impact: 5 },
      labels: ['needs-triage'],
      status: { name: 'In Progress' },
    });
    expect(await findLastChange(audit, ref)).toHaveLength(8);
  });

  it('a write the tracker refuses is listed with its reason; the others are restored', async () => {
    const { lines, item } = await undoAfterEveryKindOfChange({ fail: 'removeLink' });

    expect(lines).toContain('- label needs-triage');
    expect(lines).not.toContain('- link to Ticket 42: export fails');
    expect(lines.slice(-3)).toEqual([
      'Could not restore:',
      '- link to Ticket 42: export fails: You do not have permission to link issues',
      'Write /undo again to redo it.',
    ]);
    expect(item.links.map((link) => link.target.title).sort()).toEqual([
      'Ticket 42: export fails',
      'Ticket 7: slow',
    ]);
    expect(item.labels).toEqual([]);
  });
});

describe("/undo's answer quotes tracker text", () => {
  // A customer's ticket title may run to thousands of characters and several lines: the reply quoted it whole.
  it('cuts a restored link title to one line of 120 characters, as the console does', async () => {
    const subject = memoryItem('UND-long', { fields: { Impact: 1 } });
    const memory = createMemoryTracker([subject]);
    const title = `Export fails\n\n${'when the file is large '.repeat(200)}`;
    const { audit, writes } = auditedJobs(redis);
    await writes('job-1', 'triage', memory).addLink(
      subject.ref,
      { kind: 'url', url: 'https://help.example.test/t/99', title },
      'relates',
    );

    const reply = await runUndo(subject, audit, memory, { jobId: 'undo-long' });
    const lines = docToPlainText({ blocks: reply }).split('\n');

    expect(lines.slice(1)).toEqual([
      `- link to ${`Export fails ${'when the file is large '.repeat(200)}`.slice(0, 119).trimEnd()}…`,
      'Write /undo again to redo it.',
    ]);
  });
});
