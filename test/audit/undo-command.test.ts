import { afterAll, describe, expect, it } from 'vitest';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createJobTrackers } from '../../src/audit/job-audit.ts';
import { docToPlainText } from '../../src/domain/doc.ts';
import type { CommentEvent } from '../../src/domain/job-requests.ts';
import type { CommandContext } from '../../workers/commands/command-executor.ts';
import { undoCommand } from '../../workers/commands/undo-command.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
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

describe('/undo', () => {
  it("restores the item as it was before the service's last job, audited as the /undo job", async () => {
    const audit = createRedisAuditStore({ redis, keyPrefix: uniquePrefix('undo'), retentionDays: 400 });
    const tracker = createMemoryTracker([item]);
    const scoring = createJobTrackers(
      { id: 'job-1', name: 'score-item', data: {} },
      { audit, config: { dryRun: false } },
    );
    await scoring.audited(tracker).setNumberFields(item.ref, { Impact: 5 }, { createMissing: false });
    const job = createJobTrackers(
      { id: 'job-2', name: 'run-commands', data: { event } },
      { audit, config: { dryRun: false } },
    );
    const context = { event, audit, jobId: 'job-2', dryRun: job.dryRun, tracker: () => job.audited(tracker) };

    const reply = await undoCommand.run(
      { name: 'undo', args: '' } as never,
      context as unknown as CommandContext,
    );

    expect(tracker.items.get(item.ref.id)?.fields.Impact).toBe(1);
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
});
