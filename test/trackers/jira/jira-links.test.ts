import { describe, expect, it } from 'vitest';
import { api, issue, SITE, tracker } from './jira-fixtures.ts';

const from = { tracker: 'jira' as const, id: '10042', key: 'BR-42' };
const backlogItem = {
  kind: 'item' as const,
  ref: { tracker: 'jira' as const, id: '10007', key: 'BR-7' },
  url: `${SITE}/browse/BR-7`,
  title: 'CSV import',
};
const card = {
  kind: 'item' as const,
  ref: { tracker: 'trello' as const, id: '5f1a', key: 'AbCd1234' },
  url: 'https://trello.com/c/AbCd1234',
  title: 'Customer wants CSV',
};
const relates = {
  id: '10100',
  self: `${SITE}/rest/api/3/issueLink/10100`,
  type: {
    id: '10003',
    name: 'Relates',
    inward: 'relates to',
    outward: 'relates to',
    self: `${SITE}/rest/api/3/issueLinkType/10003`,
  },
  outwardIssue: {
    id: '10007',
    key: 'BR-7',
    self: `${SITE}/rest/api/3/issue/10007`,
    fields: { summary: 'CSV import' },
  },
};
const remote = {
  id: 10000,
  self: `${SITE}/rest/api/3/issue/10042/remotelink/10000`,
  globalId: 'backlog-refinery:item:trello:5f1a:AbCd1234',
  relationship: 'relates to',
  object: { url: 'https://trello.com/c/AbCd1234', title: 'Customer wants CSV' },
};

describe('Jira adapter links', () => {
  it('adds a native issue link once', async () => {
    api().get('/rest/api/3/issue/10042').query({ fields: 'issuelinks' }).reply(200, issue('10042', 'BR-42'));
    const post = api()
      .post('/rest/api/3/issueLink', {
        type: { name: 'Relates' },
        inwardIssue: { key: 'BR-42' },
        outwardIssue: { key: 'BR-7' },
      })
      .reply(201);
    api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'issuelinks' })
      .reply(200, issue('10042', 'BR-42', { issuelinks: [relates] }));
    const jira = tracker();

    const added = await jira.addLink(from, backlogItem, '');
    const again = await jira.addLink(from, backlogItem, 'relates');

    expect(post.isDone()).toBe(true);
    expect([added, again]).toEqual([true, false]);
  });

  it('removes native links to the target, and web links a person pasted with its URL on this site (by id)', async () => {
    api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'issuelinks' })
      .reply(200, issue('10042', 'BR-42', { issuelinks: [relates] }));
    const del = api().delete('/rest/api/3/issueLink/10100').reply(204);
    const pasted = (id: number, url: string) => ({
      id,
      self: `${SITE}/rest/api/3/issue/10042/remotelink/${id}`,
      object: { url, title: url },
    });
    api()
      .get('/rest/api/3/issue/10042/remotelink')
      .reply(200, [
        pasted(10001, `${SITE}/browse/BR-7`),
        pasted(10002, 'https://elsewhere.atlassian.net/browse/BR-7'),
      ]);
    const delWeb = api().delete('/rest/api/3/issue/10042/remotelink/10001').reply(204);

    expect(await tracker().removeLink(from, backlogItem)).toBe(true);
    expect(del.isDone()).toBe(true);
    expect(delWeb.isDone()).toBe(true);
  });

  it('links another tracker through a remote link with a stable globalId, once', async () => {
    api().get('/rest/api/3/issue/10042/remotelink').reply(200, []);
    const post = api()
      .post('/rest/api/3/issue/10042/remotelink', {
        globalId: remote.globalId,
        relationship: 'relates to',
        object: remote.object,
      })
      .reply(201, { id: 10000, self: remote.self });
    api().get('/rest/api/3/issue/10042/remotelink').reply(200, [remote]);
    const jira = tracker();

    const added = await jira.addLink(from, card, 'relates to');
    const again = await jira.addLink(from, card, 'relates to');

    expect(post.isDone()).toBe(true);
    expect([added, again]).toEqual([true, false]);
  });

  it('removes a remote link by globalId and reports when there is none', async () => {
    api().get('/rest/api/3/issue/10042/remotelink').reply(200, [remote]);
    const del = api()
      .delete('/rest/api/3/issue/10042/remotelink')
      .query({ globalId: remote.globalId })
      .reply(204);
    api().get('/rest/api/3/issue/10042/remotelink').reply(200, []);
    const jira = tracker();

    expect(await jira.removeLink(from, card)).toBe(true);
    expect(await jira.removeLink(from, { kind: 'url', url: 'https://example.com/x', title: 'x' })).toBe(
      false,
    );
    expect(del.isDone()).toBe(true);
  });
});
