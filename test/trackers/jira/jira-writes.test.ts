import { describe, expect, it } from 'vitest';
import { doc, paragraph } from '../../../src/domain/doc.ts';
import { ErrorKind } from '../../../src/errors.ts';
import {
  adf,
  api,
  FLOAT,
  field,
  fields,
  issue,
  numberMeta,
  onClock,
  projectCapabilities,
  SITE,
  status,
  tracker,
} from './jira-fixtures.ts';

const ref = { tracker: 'jira' as const, id: '10042', key: 'BR-42' };
const options = { createMissing: false };

function transition(id: string, name: string, to: Parameters<typeof status>[0]) {
  return {
    id,
    name,
    to: status(to),
    hasScreen: false,
    isGlobal: false,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
    fields: {},
  };
}

describe('Jira adapter writes', () => {
  it('setNumberFields writes changed fields only and reports missing ones with a reason', async () => {
    api().get('/rest/api/3/field').reply(200, fields);
    api()
      .get('/rest/api/3/issue/10042')
      .query({
        fields: 'customfield_10050,customfield_10051,customfield_10052,customfield_10060',
        expand: 'editmeta',
      })
      .reply(200, {
        ...issue('10042', 'BR-42', {}),
        fields: {
          customfield_10050: 8,
          customfield_10051: null,
          customfield_10052: 1,
          customfield_10060: null,
        },
        editmeta: {
          fields: {
            customfield_10050: numberMeta('customfield_10050', 'Impact'),
            customfield_10051: numberMeta('customfield_10051', 'Effort'),
            customfield_10060: {
              required: false,
              schema: {
                type: 'option',
                custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select',
                customId: 10060,
              },
              name: 'Severity',
              key: 'customfield_10060',
              operations: ['set'],
              allowedValues: [],
            },
          },
        },
      });
    projectCapabilities('BR', false);
    const put = api()
      .put('/rest/api/3/issue/10042', { fields: { customfield_10051: 3 } })
      .reply(204);

    const outcome = await tracker().setNumberFields(
      ref,
      { Impact: 8, Effort: 3, 'Priority score': 2.7, Severity: 1, Reach: 100 },
      options,
    );

    expect(put.isDone()).toBe(true);
    expect(outcome).toEqual({
      written: ['Effort'],
      unchanged: ['Impact'],
      missing: [
        { name: 'Reach', reason: 'no Jira field has this name' },
        {
          name: 'Priority score',
          reason:
            "not on the edit screen of BR-42 or outside the field's context for BR-42's project and issue type",
        },
        { name: 'Severity', reason: 'field type is option, not number' },
      ],
    });
  });

  it('setNumberFields makes no write when nothing changed', async () => {
    api().get('/rest/api/3/field').reply(200, fields);
    api()
      .get('/rest/api/3/issue/10042')
      .query(true)
      .reply(200, {
        ...issue('10042', 'BR-42'),
        fields: { customfield_10050: 8 },
        editmeta: { fields: { customfield_10050: numberMeta('customfield_10050', 'Impact') } },
      });

    const outcome = await tracker().setNumberFields(ref, { Impact: 8 }, options);

    expect(outcome).toEqual({ written: [], unchanged: ['Impact'], missing: [] });
  });

  it.each([
    [true, ['needs-ac'], false, undefined],
    [true, ['billing'], true, { labels: [{ add: 'needs-ac' }] }],
    [false, ['needs-ac'], true, { labels: [{ remove: 'needs-ac' }] }],
    [false, ['billing'], false, undefined],
  ])('setLabel(present=%s) on %o changes=%s', async (present, labels, changed, update) => {
    api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'labels' })
      .reply(200, issue('10042', 'BR-42', { labels }));
    if (update) {
      projectCapabilities('BR', false);
      api().put('/rest/api/3/issue/10042', { update }).reply(204);
    }

    const result = await tracker().setLabel(ref, 'needs-ac', present);

    expect(result).toBe(changed);
  });

  it('moveTo applies the transition whose target status matches case-insensitively', async () => {
    api().get('/rest/api/3/issue/10042').query({ fields: 'status' }).reply(200, issue('10042', 'BR-42'));
    api()
      .get('/rest/api/3/issue/10042/transitions')
      .query({ expand: 'transitions.fields' })
      .reply(200, {
        expand: 'transitions',
        transitions: [transition('21', 'Start', 'progress'), transition('31', 'Finish', 'done')],
      });
    const post = api()
      .post('/rest/api/3/issue/10042/transitions', { transition: { id: '31' } })
      .reply(204);

    await tracker().moveTo(ref, 'done');

    expect(post.isDone()).toBe(true);
  });

  it('moveTo does nothing when the issue already has the status', async () => {
    api().get('/rest/api/3/issue/10042').query({ fields: 'status' }).reply(200, issue('10042', 'BR-42'));
    api()
      .get('/rest/api/3/issue/10042/transitions')
      .query({ expand: 'transitions.fields' })
      .reply(200, { transitions: [transition('21', 'Start', 'progress')] });

    await expect(tracker().moveTo(ref, 'To Do')).resolves.toBeUndefined();
  });

  it('moveTo without a matching transition fails as validation, naming the reachable statuses', async () => {
    api().get('/rest/api/3/issue/10042').query({ fields: 'status' }).reply(200, issue('10042', 'BR-42'));
    api()
      .get('/rest/api/3/issue/10042/transitions')
      .query({ expand: 'transitions.fields' })
      .reply(200, { transitions: [transition('21', 'Start', 'progress')] });

    await expect(tracker().moveTo(ref, 'Done')).rejects.toMatchObject({
      kind: ErrorKind.Validation,
      message: 'BR-42 cannot move from "To Do" to "Done": the workflow offers "In Progress"',
    });
  });

  it('setDescription converts Markdown-ish text to ADF and skips an unchanged description', async () => {
    const text = '## Acceptance criteria\n- Given an invoice\n- When exported';
    const expected = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Acceptance criteria' }] },
        {
          type: 'bulletList',
          content: ['Given an invoice', 'When exported'].map((t) => ({
            type: 'listItem',
            content: [{ type: 'paragraph', content: [{ type: 'text', text: t }] }],
          })),
        },
      ],
    };
    api().get('/rest/api/3/issue/10042').query({ fields: 'description' }).reply(200, issue('10042', 'BR-42'));
    projectCapabilities('BR', true);
    const put = api()
      .put('/rest/api/3/issue/10042', { fields: { description: expected } })
      .query({ notifyUsers: 'false' })
      .reply(204);
    api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'description' })
      .reply(200, issue('10042', 'BR-42', { description: expected }));
    const jira = tracker();

    await jira.setDescription(ref, text);
    await jira.setDescription(ref, text);

    expect(put.isDone()).toBe(true);
  });

  it('createItem posts summary, ADF description and labels', async () => {
    api()
      .get('/rest/api/3/issue/createmeta/BR/issuetypes')
      .reply(200, {
        issueTypes: [
          {
            self: `${SITE}/rest/api/3/issuetype/10001`,
            id: '10001',
            description: 'A user story.',
            iconUrl: `${SITE}/images/icons/issuetypes/story.svg`,
            name: 'Story',
            subtask: false,
          },
        ],
        maxResults: 50,
        startAt: 0,
        total: 1,
      });
    const field = (fieldId: string, name: string, required: boolean) => ({
      required,
      schema: { type: 'string', system: fieldId },
      name,
      fieldId,
      key: fieldId,
      hasDefaultValue: fieldId === 'reporter',
      operations: ['set'],
    });
    api()
      .get('/rest/api/3/issue/createmeta/BR/issuetypes/10001')
      .reply(200, {
        fields: [
          field('summary', 'Summary', true),
          field('reporter', 'Reporter', true),
          field('components', 'Component/s', false),
        ],
        maxResults: 50,
        startAt: 0,
        total: 3,
      });
    api()
      .post('/rest/api/3/issue', {
        fields: {
          project: { key: 'BR' },
          issuetype: { name: 'Story' },
          summary: 'Sprint 12 summary',
          description: adf('Done: 4 items'),
          labels: ['sprint-summary'],
        },
      })
      .reply(201, { id: '10050', key: 'BR-50', self: `${SITE}/rest/api/3/issue/10050` });

    const created = await tracker().createItem(
      { containerId: 'BR', typeOrList: 'Story' },
      { title: 'Sprint 12 summary', body: doc(paragraph('Done: 4 items')), labels: ['sprint-summary'] },
    );

    expect(created).toEqual({ tracker: 'jira', id: '10050', key: 'BR-50' });
  });
});

describe('Jira adapter writes: a field list older than an admin change', () => {
  const reach = field('customfield_10053', 'Reach', 'number', FLOAT);
  const issueWith = (values: Record<string, number | null>, meta: Record<string, string>) => ({
    ...issue('10042', 'BR-42'),
    fields: values,
    editmeta: {
      fields: Object.fromEntries(Object.entries(meta).map(([id, name]) => [id, numberMeta(id, name)])),
    },
  });

  it('re-reads the field list for a name it lacks, once per 30 s, one read shared by concurrent writes', async () => {
    const jira = tracker();
    const missing = {
      written: [],
      unchanged: [],
      missing: [{ name: 'Reach', reason: 'no Jira field has this name' }],
    };
    await onClock([
      {
        // The list was just read: a second read would find nothing new.
        after: 0,
        run: async () => {
          api().get('/rest/api/3/field').reply(200, fields);
          expect(await jira.setNumberFields(ref, { Reach: 100 }, options)).toEqual(missing);
        },
      },
      {
        after: 20_000,
        run: async () => {
          expect(await jira.setNumberFields(ref, { Reach: 100 }, options)).toEqual(missing);
        },
      },
      {
        // An admin made Reach meanwhile: one read of the list serves both writes.
        after: 15_000,
        run: async () => {
          api()
            .get('/rest/api/3/field')
            .reply(200, [...fields, reach]);
          api()
            .get('/rest/api/3/issue/10042')
            .query({ fields: 'customfield_10053', expand: 'editmeta' })
            .times(2)
            .reply(200, issueWith({ customfield_10053: 100 }, { customfield_10053: 'Reach' }));
          const both = await Promise.all([
            jira.setNumberFields(ref, { Reach: 100 }, options),
            jira.setNumberFields(ref, { Reach: 100 }, options),
          ]);
          expect(both).toEqual([
            { written: [], unchanged: ['Reach'], missing: [] },
            { written: [], unchanged: ['Reach'], missing: [] },
          ]);
        },
      },
    ]);
  });

  it('never writes a field the edit screen names otherwise, and finds the field that has the name now', async () => {
    const jira = tracker();
    const renamed = [
      ...fields.filter((f) => f.id !== 'customfield_10050'),
      field('customfield_10050', 'Impact (old)', 'number', FLOAT),
      field('customfield_10070', 'Impact', 'number', FLOAT),
    ];
    await onClock([
      {
        after: 0,
        run: async () => {
          api().get('/rest/api/3/field').reply(200, fields);
          api()
            .get('/rest/api/3/issue/10042')
            .query({ fields: 'customfield_10050', expand: 'editmeta' })
            .reply(200, issueWith({ customfield_10050: 2 }, { customfield_10050: 'Impact' }));
          projectCapabilities('BR', false);
          api()
            .put('/rest/api/3/issue/10042', { fields: { customfield_10050: 4 } })
            .reply(204);
          expect(await jira.setNumberFields(ref, { Impact: 4 }, options)).toMatchObject({
            written: ['Impact'],
          });
        },
      },
      {
        // Renamed within 30 s of the last read: the list is not read again, and the renamed field is left alone.
        after: 5_000,
        run: async () => {
          api()
            .get('/rest/api/3/issue/10042')
            .query({ fields: 'customfield_10050', expand: 'editmeta' })
            .reply(200, issueWith({ customfield_10050: 4 }, { customfield_10050: 'Impact (old)' }));
          expect(await jira.setNumberFields(ref, { Impact: 5 }, options)).toEqual({
            written: [],
            unchanged: [],
            missing: [{ name: 'Impact', reason: 'no Jira field has this name' }],
          });
        },
      },
      {
        after: 30_000,
        run: async () => {
          api()
            .get('/rest/api/3/issue/10042')
            .query({ fields: 'customfield_10050', expand: 'editmeta' })
            .reply(
              200,
              issueWith(
                { customfield_10050: 4 },
                { customfield_10050: 'Impact (old)', customfield_10070: 'Impact' },
              ),
            );
          api().get('/rest/api/3/field').reply(200, renamed);
          api()
            .get('/rest/api/3/issue/10042')
            .query({ fields: 'customfield_10070', expand: 'editmeta' })
            .reply(
              200,
              issueWith(
                { customfield_10070: null },
                { customfield_10050: 'Impact (old)', customfield_10070: 'Impact' },
              ),
            );
          api()
            .put('/rest/api/3/issue/10042', { fields: { customfield_10070: 5 } })
            .reply(204);
          expect(await jira.setNumberFields(ref, { Impact: 5 }, options)).toEqual({
            written: ['Impact'],
            unchanged: [],
            missing: [],
          });
        },
      },
    ]);
  });
});
