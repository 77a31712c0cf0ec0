import { setTimeout as sleep } from 'node:timers/promises';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createJiraTracker } from '../../src/trackers/jira/jira-tracker.ts';
import { LockLostError, withWriteGuard } from '../../src/trackers/write-guard.ts';
import { api, issue, tracker as jiraTracker, projectCapabilities, SITE } from './jira/jira-fixtures.ts';
import { API, CARD, cardJson, createTestTracker } from './trello/trello-fixtures.ts';

const lost = async () => {
  throw new LockLostError('job-1');
};
const owned = async () => undefined;

describe('write guard', () => {
  it('Jira: reads go out, the write is never sent once the job lost its lock', async () => {
    const read = api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'labels' })
      .reply(200, issue('10042', 'BR-42', { labels: [] }));
    const ref = { tracker: 'jira' as const, id: '10042', key: 'BR-42' };

    await expect(withWriteGuard(lost, () => jiraTracker().setLabel(ref, 'needs-ac', true))).rejects.toThrow(
      LockLostError,
    );
    expect(read.isDone()).toBe(true);
  });

  it('Jira: the write goes out while the job owns its lock', async () => {
    api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'labels' })
      .reply(200, issue('10042', 'BR-42', { labels: [] }));
    const write = api()
      .put('/rest/api/3/issue/10042', { update: { labels: [{ add: 'needs-ac' }] } })
      .reply(204);
    const ref = { tracker: 'jira' as const, id: '10042', key: 'BR-42' };

    expect(await withWriteGuard(owned, () => jiraTracker().setLabel(ref, 'needs-ac', true))).toBe(true);
    expect(write.isDone()).toBe(true);
  });

  it('Jira: a write that waited its turn in the rate limiter is not sent when the job lost its lock meanwhile', async () => {
    api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'labels' })
      .reply(200, issue('10042', 'BR-42', { labels: [] }));
    projectCapabilities('BR', false);
    let ours = true;
    // The per-issue window is full; meanwhile the worker stalls and another one takes the job over.
    const limiter = {
      acquire: async () => {
        await sleep(100);
        ours = false;
      },
    };
    const tracker = createJiraTracker({
      baseUrl: SITE,
      email: 'bot@acme.test',
      apiToken: 'secret-token',
      log: createLogger({ level: 'silent' }),
      onSchemaMismatch: 'throw',
      limiter,
    });
    const ref = { tracker: 'jira' as const, id: '10042', key: 'BR-42' };
    const guard = async () => {
      if (!ours) throw new LockLostError('job-1');
    };

    // No PUT is mocked: had the write gone out, nock would refuse it with another error.
    await expect(withWriteGuard(guard, () => tracker.setLabel(ref, 'needs-ac', true))).rejects.toThrow(
      LockLostError,
    );
  });

  it('Trello: a write request is never sent once the job lost its lock; outside a job nothing is checked', async () => {
    const { tracker } = createTestTracker();
    const ref = { tracker: 'trello' as const, id: CARD, key: '4K7LwAKx' };
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .times(2)
      .reply(200, cardJson({ desc: '' }));
    const write = nock(API)
      .put(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, cardJson({ desc: 'Steps' }));

    await expect(withWriteGuard(lost, () => tracker.setDescription(ref, 'Steps'))).rejects.toThrow(
      LockLostError,
    );
    expect(write.isDone()).toBe(false);
    await tracker.setDescription(ref, 'Steps');
    expect(write.isDone()).toBe(true);
  });
});
