import { describe, expect, it } from 'vitest';
import { ErrorKind } from '../../../src/errors.ts';
import {
  api,
  BOT,
  FLOAT,
  field,
  fields,
  issue,
  myself,
  onClock,
  PERSON,
  SITE,
  status,
  tracker,
} from './jira-fixtures.ts';

const ref = { tracker: 'jira' as const, id: '10042', key: 'BR-42' };

describe('Jira adapter reads', () => {
  it('whoAmI answers the API account once per adapter', async () => {
    api().get('/rest/api/3/myself').reply(200, myself);
    const jira = tracker();

    const first = await jira.whoAmI();
    const second = await jira.whoAmI();

    expect(first).toEqual({ id: BOT, displayName: 'Refinery Bot', mentions: ['@Refinery Bot', `@${BOT}`] });
    expect(second).toEqual(first);
  });

  it("statusCategory asks Jira once per status: a support project's every transition needs it", async () => {
    api().get('/rest/api/3/status/10001').reply(200, status('done'));
    api().get('/rest/api/3/status/3').reply(200, status('progress'));
    const jira = tracker();

    const answers = [
      await jira.statusCategory!('10001'),
      await jira.statusCategory!('3'),
      await jira.statusCategory!('10001'),
      await jira.statusCategory!('3'),
    ];

    expect(answers).toEqual(['done', 'in_progress', 'done', 'in_progress']);
  });

  it('getItem maps fields by display name, status category, estimates and links', async () => {
    const linked = {
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
        fields: { summary: 'CSV import', status: status('done') },
      },
    };
    api()
      .get('/rest/api/3/issue/10042')
      .query({ expand: 'names' })
      .reply(200, issue('10042', 'BR-42', { status: status('progress'), issuelinks: [linked] }));
    api().get('/rest/api/3/field').reply(200, fields);
    api()
      .get('/rest/api/3/issue/10042/remotelink')
      .reply(200, [
        {
          id: 10000,
          self: `${SITE}/rest/api/3/issue/BR-42/remotelink/10000`,
          globalId: 'backlog-refinery:item:trello:5f1a:AbCd1234',
          relationship: 'relates to',
          object: { url: 'https://trello.com/c/AbCd1234', title: 'Customer wants CSV' },
        },
      ]);

    const item = await tracker().getItem(ref);

    expect(item).toMatchObject({
      ref,
      url: `${SITE}/browse/BR-42`,
      title: 'Export invoices as CSV',
      description: 'As a bookkeeper I want a CSV export.',
      type: 'Story',
      status: { name: 'In Progress', category: 'in_progress' },
      container: { id: '10000', key: 'BR', projectType: 'software' },
      labels: ['billing'],
      priority: 'Medium',
      estimate: { storyPoints: 5, originalEstimateHours: 2 },
      reporter: { id: PERSON, displayName: 'Dana Person' },
      createdAt: '2026-03-02T09:15:00.000Z',
    });
    expect(item.fields).toMatchObject({
      Impact: 8,
      Effort: null,
      Severity: 'Major',
      'Story point estimate': 5,
    });
    expect(item.links).toEqual([
      {
        id: '10100',
        type: 'Relates',
        direction: 'outward',
        target: {
          kind: 'item',
          ref: { tracker: 'jira', id: '10007', key: 'BR-7' },
          url: `${SITE}/browse/BR-7`,
          title: 'CSV import',
        },
      },
      {
        id: 'remote-10000',
        type: 'relates to',
        direction: 'outward',
        target: {
          kind: 'item',
          ref: { tracker: 'trello', id: '5f1a', key: 'AbCd1234' },
          url: 'https://trello.com/c/AbCd1234',
          title: 'Customer wants CSV',
        },
      },
    ]);
  });

  it.each([
    ['a key', 'BR-42'],
    ['a browse URL', `${SITE}/browse/BR-42`],
    ['a board URL', `${SITE}/jira/software/projects/BR/boards/1?selectedIssue=BR-42`],
  ])('findItem resolves %s', async (_, input) => {
    api().get('/rest/api/3/issue/BR-42').query({ expand: 'names' }).reply(200, issue('10042', 'BR-42'));
    api().get('/rest/api/3/field').reply(200, fields);
    api().get('/rest/api/3/issue/BR-42/remotelink').reply(200, []);

    const item = await tracker().findItem(input);

    expect(item?.ref).toEqual(ref);
  });

  it('findItem answers undefined for unknown issues and for text that names none', async () => {
    api()
      .get('/rest/api/3/issue/BR-999')
      .query({ expand: 'names' })
      .reply(404, {
        errorMessages: ['Issue does not exist or you do not have permission to see it.'],
        errors: {},
      });
    api()
      .get('/rest/api/3/issue/BR-999/remotelink')
      .reply(404, { errorMessages: ['Issue does not exist'], errors: {} });
    const jira = tracker();

    expect(await jira.findItem('BR-999')).toBeUndefined();
    expect(await jira.findItem('see the invoice thing')).toBeUndefined();
  });

  it('findItem answers undefined, asking Jira nothing, for the URL of another site’s issue with one of our keys', async () => {
    expect(await tracker().findItem('https://vendor.atlassian.net/browse/BR-42')).toBeUndefined();
  });

  it('listItems pages a project by nextPageToken in creation order', async () => {
    api()
      .post('/rest/api/3/search/jql', {
        jql: 'project = "BR" ORDER BY created ASC, key ASC',
        maxResults: 50,
        fields: ['*all'],
        expand: 'names',
      })
      .reply(200, { issues: [issue('10001', 'BR-1')], nextPageToken: 'tok-2', isLast: false });
    api()
      .post('/rest/api/3/search/jql', (body) => body.nextPageToken === 'tok-2')
      .reply(200, { issues: [issue('10002', 'BR-2')], isLast: true });
    api().get('/rest/api/3/field').reply(200, fields);
    const jira = tracker();

    const first = await jira.listItems({ kind: 'container', containerId: 'BR' });
    const second = await jira.listItems({ kind: 'container', containerId: 'BR' }, first.next);

    expect(first.items.map((i) => i.ref.key)).toEqual(['BR-1']);
    expect(first.next).toBe('tok-2');
    expect(second).toMatchObject({ items: [{ ref: { key: 'BR-2' } }] });
    expect(second.next).toBeUndefined();
  });

  it("follows a score field renamed since the field list was read, by the search's names, reading it once per 30 s", async () => {
    const jira = tracker();
    const rice = [
      ...fields.filter((f) => f.id !== 'customfield_10052'),
      field('customfield_10052', 'RICE score', 'number', FLOAT),
    ];
    /** A search answering BR-1 with its score, and the name Jira gives the score field now. */
    const search = (name: string) =>
      api()
        .post('/rest/api/3/search/jql', (body) => body.expand === 'names')
        .reply(200, {
          issues: [issue('10001', 'BR-1', { customfield_10052: 42 })],
          names: { summary: 'Summary', customfield_10052: name },
          isLast: true,
        });
    const scoreOf = async () => {
      const [item] = (await jira.listItems({ kind: 'container', containerId: 'BR' })).items;
      return item?.fields['Priority score'];
    };
    await onClock([
      {
        after: 0,
        run: async () => {
          api().get('/rest/api/3/field').reply(200, rice);
          search('RICE score');
          expect(await scoreOf()).toBeUndefined();
        },
      },
      {
        // Renamed within 30 s of the last read: the list is not read again (nock answers no second read).
        after: 5_000,
        run: async () => {
          search('Priority score');
          expect(await scoreOf()).toBeUndefined();
        },
      },
      {
        after: 30_000,
        run: async () => {
          api().get('/rest/api/3/field').reply(200, fields);
          search('Priority score');
          expect(await scoreOf()).toBe(42);
        },
      },
    ]);
  });

  it.each([
    [
      { kind: 'query' as const, query: 'labels = support ORDER BY key ASC' },
      'labels = support ORDER BY key ASC',
    ],
    [
      { kind: 'updatedSince' as const, containerId: 'BR', since: '2026-03-01T08:30:00Z' },
      'project = "BR" AND updated >= "2026-02-28 18:30" ORDER BY created ASC, key ASC',
    ],
  ])('listItems sends the JQL of scope %o', async (scope, jql) => {
    api()
      .post('/rest/api/3/search/jql', (body) => body.jql === jql)
      .reply(200, { issues: [], isLast: true });
    api().get('/rest/api/3/field').reply(200, fields);

    const page = await tracker().listItems(scope);

    expect(page).toEqual({ items: [] });
  });

  it.each([
    [{ kind: 'container' as const, containerId: 'BR' }, 'project = "BR"'],
    [{ kind: 'query' as const, query: 'project = BR order by rank' }, 'project = BR'],
    [{ kind: 'query' as const, query: 'summary ~ "sort order by date"' }, 'summary ~ "sort order by date"'],
  ])('countItems asks the approximate count of scope %o without its order', async (scope, jql) => {
    api().post('/rest/api/3/search/approximate-count', { jql }).reply(200, { count: 10_412 });

    expect(await tracker().countItems?.(scope)).toBe(10_412);
  });

  it('rejects a response of the wrong shape as a schema error', async () => {
    api().get('/rest/api/3/myself').reply(200, { accountId: 42 });

    await expect(tracker().whoAmI()).rejects.toMatchObject({ kind: ErrorKind.Schema, tracker: 'jira' });
  });
});

describe('Jira adapter reads malformed rich text', () => {
  it('getItem reads a description whose date node a person typed by hand', async () => {
    const description = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Ship by ' },
            { type: 'date', attrs: { timestamp: 'next friday' } },
          ],
        },
      ],
    };
    api()
      .get('/rest/api/3/issue/10042')
      .query({ expand: 'names' })
      .reply(200, issue('10042', 'BR-42', { description }));
    api().get('/rest/api/3/field').reply(200, fields);
    api().get('/rest/api/3/issue/10042/remotelink').reply(200, []);

    const item = await tracker().getItem(ref);

    expect(item.description).toBe('Ship by next friday');
  });

  it('getItems reads issues 100 a request, each id once; what Jira leaves out is not there', async () => {
    const refs = Array.from({ length: 150 }, (_, i) => ({
      tracker: 'jira' as const,
      id: String(10001 + i),
      key: `BR-${i + 1}`,
    }));
    const ids = refs.map((r) => r.id);
    api().get('/rest/api/3/field').reply(200, fields);
    api()
      .post('/rest/api/3/issue/bulkfetch', {
        issueIdsOrKeys: ids.slice(0, 100),
        fields: ['*all'],
        expand: ['names'],
      })
      .reply(200, { expand: 'schema,names', issues: [issue('10001', 'BR-1')], issueErrors: [] });
    api()
      .post('/rest/api/3/issue/bulkfetch', {
        issueIdsOrKeys: ids.slice(100),
        fields: ['*all'],
        expand: ['names'],
      })
      .reply(200, { expand: 'schema,names', issues: [issue('10150', 'BR-150')], issueErrors: [] });

    const items = await tracker().getItems!([...refs, refs[0]!]);

    expect(items.map((item) => item.ref.key)).toEqual(['BR-1', 'BR-150']);
  });

  it('getItems fails, to be retried, when Jira could not read an issue this time', async () => {
    api()
      .post('/rest/api/3/issue/bulkfetch')
      .reply(200, { issues: [], issueErrors: [{ id: '10042', errorMessage: 'Try again later' }] });

    await expect(tracker().getItems!([ref])).rejects.toMatchObject({ kind: ErrorKind.Server });
  });
});
