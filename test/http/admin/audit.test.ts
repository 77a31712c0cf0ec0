import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisAuditStore } from '../../../src/audit/audit-store.ts';
import { createAuditedTracker } from '../../../src/audit/audited-tracker.ts';
import { doc, paragraph } from '../../../src/domain/doc.ts';
import { TrackerError } from '../../../src/errors.ts';
import { createMemoryTracker, type MemoryTracker, memoryItem } from '../../audit/memory-tracker.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { labelEntry } from '../../helpers/audit-entries.ts';
import { adminClient } from './admin-client.ts';

let api: ApiHarness;
let tracker: MemoryTracker;
const item = memoryItem('ABC-1', { fields: { Impact: 1 } });
beforeEach(async () => {
  tracker = createMemoryTracker([item, memoryItem('ABC-2')]);
  api = await startApiHarness({ admin: { trackers: new Map([['jira', tracker]]) } });
});
afterEach(async () => {
  await api.close();
});
const admin = adminClient(() => api.app);

/** What a scoring job would have written through the worker's decorated tracker. */
async function scored(key: string, dryRun = false) {
  const ref = (await tracker.findItem(key))!.ref;
  const audited = createAuditedTracker(tracker, {
    audit: api.audit!,
    dryRun,
    context: {
      capability: 'scoring',
      jobId: `job-${key}`,
      deliveryId: 'd1',
      actor: { id: 'u1', displayName: 'Ana' },
    },
  });
  await audited.setNumberFields(ref, { Impact: 5 }, { createMissing: false });
  return (await api.audit!.list({ item: { tracker: 'jira', idOrKey: key }, limit: 1 }))[0]!;
}

describe('admin audit trail', () => {
  it('lists entries by item, by capability and by time', async () => {
    await scored('ABC-1');
    await scored('ABC-2');

    const byItem = await admin('GET', '/admin/audit?tracker=jira&item=ABC-1');
    const byCapability = await admin('GET', '/admin/audit?capability=scoring&limit=10');
    const future = await admin('GET', `/admin/audit?since=${encodeURIComponent('2999-01-01T00:00:00Z')}`);

    expect(byItem.json().entries).toEqual([
      expect.objectContaining({
        item: expect.objectContaining({ key: 'ABC-1' }),
        before: { Impact: 1 },
        after: { Impact: 5 },
      }),
    ]);
    expect(byCapability.json().entries.map((e: { item: { key: string } }) => e.item.key)).toEqual([
      'ABC-2',
      'ABC-1',
    ]);
    expect(future.json().entries).toEqual([]);
  });

  it.each([
    ['an item without tracker', '/admin/audit?item=ABC-1', /tracker/],
    ['a malformed time', '/admin/audit?since=yesterday', /since/],
  ])('refuses %s with 400', async (_label, url, message) => {
    const response = await admin('GET', url);

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(message);
  });

  it('pages through entries of the same millisecond with the cursor it hands out, each entry once', async () => {
    const at = Date.now() - 60_000;
    let clock = at - 1;
    const sameMs = createRedisAuditStore({
      redis: api.redis,
      keyPrefix: api.prefix,
      retentionDays: 30,
      now: () => new Date(clock),
    });
    const written: string[] = [];
    for (let n = 0; n < 7; n++) {
      if (n === 3) clock = at;
      written.unshift((await sameMs.record(labelEntry(`ABC-${n}`))).id);
    }

    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const response = await admin('GET', `/admin/audit?limit=3${cursor && `&cursor=${cursor}`}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      seen.push(...body.entries.map((e: { id: string }) => e.id));
      if (!body.next) break;
      cursor = encodeURIComponent(body.next);
    }

    expect(seen).toEqual(written);
  });

  it('refuses a cursor it did not hand out with 400', async () => {
    const response = await admin('GET', '/admin/audit?cursor=yesterday');

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/cursor/);
  });

  it('gets one entry, and 404 for an unknown id', async () => {
    const entry = await scored('ABC-1');

    expect((await admin('GET', `/admin/audit/${entry.id}`)).json()).toEqual(entry);
    expect((await admin('GET', '/admin/audit/999999')).statusCode).toBe(404);
  });

  it('undoes an entry, audits the undo, and refuses to undo it twice', async () => {
    const entry = await scored('ABC-1');

    const response = await admin('POST', `/admin/audit/${entry.id}/undo`);
    const again = await admin('POST', `/admin/audit/${entry.id}/undo`);

    expect(response.json()).toMatchObject({ undone: entry.id, dryRun: false, failed: [] });
    expect(tracker.items.get(item.ref.id)?.fields.Impact).toBe(1);
    const [undo] = (await admin('GET', '/admin/audit?tracker=jira&item=ABC-1')).json().entries;
    expect(undo).toMatchObject({
      context: { capability: 'admin', command: `undo ${entry.id}` },
      before: { Impact: 5 },
      after: { Impact: 1 },
    });
    expect(again.statusCode).toBe(409);
  });

  it('leaves a value someone changed after the write, and says why it was not restored', async () => {
    const entry = await scored('ABC-1');
    tracker.items.get(item.ref.id)!.fields.Impact = 8;

    const response = await admin('POST', `/admin/audit/${entry.id}/undo`);

    expect(response.json()).toMatchObject({
      restored: [],
      failed: [{ id: entry.id, reason: 'changed since: Impact is now 8' }],
    });
    expect(tracker.items.get(item.ref.id)?.fields.Impact).toBe(8);
    expect((await admin('GET', `/admin/audit/${entry.id}`)).json().undoneBy).toBeUndefined();
  });

  it('answers 503 with Retry-After while the tracker cannot take the write, and a retry then restores the value once', async () => {
    const entry = await scored('ABC-1');
    const setNumberFields = tracker.setNumberFields;
    let calls = 0;
    tracker.setNumberFields = async (...args) => {
      calls += 1;
      if (calls === 1)
        throw new TrackerError('rateLimit', 'jira', 'Jira editIssue postponed: 429', {
          status: 429,
          retryAfterMs: 7_000,
        });
      const outcome = await setNumberFields(...args);
      // The write lands, and its answer is lost (a timeout): the retry finds the value already back.
      if (calls === 2) throw new TrackerError('network', 'jira', 'Jira editIssue: no answer within 30000 ms');
      return outcome;
    };

    const limited = await admin('POST', `/admin/audit/${entry.id}/undo`);
    const timedOut = await admin('POST', `/admin/audit/${entry.id}/undo`);
    const retried = await admin('POST', `/admin/audit/${entry.id}/undo`);

    expect(limited.statusCode).toBe(503);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.json().message).toMatch(/nothing was restored.*429/);
    expect(timedOut.statusCode).toBe(503);
    expect(timedOut.headers['retry-after']).toBe('5');
    expect(retried.json()).toMatchObject({ restored: [{ id: entry.id }], failed: [] });
    expect(tracker.items.get(item.ref.id)?.fields.Impact).toBe(1);
    expect(calls).toBe(2);
    expect((await admin('GET', `/admin/audit/${entry.id}`)).json().undoneBy).toBeDefined();
  });

  it('refuses with 409 to undo a reply to a command, and leaves the reply', async () => {
    const ref = (await tracker.findItem('ABC-1'))!.ref;
    const commands = createAuditedTracker(tracker, {
      audit: api.audit!,
      dryRun: false,
      context: {
        capability: 'run-commands',
        jobId: 'job-c7',
        deliveryId: 'd7',
        actor: { id: 'u1', displayName: 'Ana' },
      },
    });
    await commands.upsertComment(ref, 'reply-c7', doc(paragraph('Linked ABC-2.')));
    const [reply] = (await admin('GET', '/admin/audit?tracker=jira&item=ABC-1')).json().entries;

    const response = await admin('POST', `/admin/audit/${reply.id}/undo`);

    expect(response.statusCode).toBe(409);
    expect(response.json().message).toMatch(/reply/);
    expect(tracker.comments.get(`${ref.id}/reply-c7`)?.text).toBe('Linked ABC-2.');
  });

  it('plans an undo in dry-run without writing', async () => {
    const entry = await scored('ABC-1');
    tracker.writes.length = 0;

    const response = await admin('POST', `/admin/audit/${entry.id}/undo`, { dryRun: true });

    expect(response.json()).toMatchObject({ dryRun: true, restored: [{ id: entry.id }] });
    expect(tracker.writes).toEqual([]);
    expect((await admin('GET', `/admin/audit/${entry.id}`)).json().undoneBy).toBeUndefined();
  });

  it('refuses to undo a dry-run plan', async () => {
    const entry = await scored('ABC-1', true);

    const response = await admin('POST', `/admin/audit/${entry.id}/undo`);

    expect(response.statusCode).toBe(409);
    expect(response.json().message).toMatch(/dry-run/);
  });
});
