import { describe, expect, it } from 'vitest';
import { JIRA_DELIVERIES, normalizeStored, TRELLO_DELIVERIES } from '../../src/trackers/deliveries.ts';
import { toJiraEvent } from '../../src/trackers/jira/jira-webhook.ts';
import type { JiraDelivery } from '../../src/trackers/jira/jira-webhook-schema.ts';
import { toTrelloEvent } from '../../src/trackers/trello/trello-webhook.ts';
import type { TrelloDelivery } from '../../src/trackers/trello/trello-webhook-schema.ts';
import { fixture, fixtureText } from '../fixtures/index.ts';

const created = fixture<JiraDelivery>('jira/issue_created');
const commented = fixture<JiraDelivery>('jira/comment_created');
const jiraDeliveries: [string, JiraDelivery][] = [
  ['issue_created', created],
  ['comment_created', commented],
  ['comment_updated', { ...commented, webhookEvent: 'comment_updated' }],
  ['issue_updated with a changelog', { ...created, webhookEvent: 'jira:issue_updated' }],
  [
    'sprint_started',
    { webhookEvent: 'sprint_started', timestamp: 1, sprint: { id: 3, name: 'S', originBoardId: 5 } },
  ],
  [
    'issuelink_created',
    {
      webhookEvent: 'issuelink_created',
      timestamp: 1,
      issueLink: { sourceIssueId: 10, destinationIssueId: 11 },
    },
  ],
  ['an event the service ignores', { webhookEvent: 'worklog_created', timestamp: 1 }],
];

describe('what the API stores for the workers', () => {
  it.each(jiraDeliveries)('a Jira %s becomes the same event from the stored copy', (_label, delivery) => {
    const stored = JIRA_DELIVERIES.stored!(delivery);

    expect(normalizeStored('jira', 'jira.d1', stored)).toEqual(toJiraEvent(delivery, 'jira.d1'));
  });

  it("stores only what Jira's schema declares: a tenth of a real delivery", () => {
    const stored = JIRA_DELIVERIES.stored!(commented);

    expect(stored.length).toBeLessThan(fixtureText('jira/comment_created').length / 5);
    expect(JSON.parse(stored).issue.fields).toEqual({
      issuetype: { name: 'Story' },
      project: { id: '10000', key: 'ZUL', projectTypeKey: 'software' },
    });
  });

  it('keeps a comment body whole, whatever its shape', () => {
    const body = {
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: '/help' }] }],
    };

    const stored = JIRA_DELIVERIES.stored!({ ...commented, comment: { ...commented.comment!, body } });

    expect(JSON.parse(stored).comment.body).toEqual(body);
  });

  it('a Trello card update still reads the changed field from the card (not in the schema)', () => {
    const delivery = fixture<TrelloDelivery>('trello/createCard');
    delivery.action.type = 'updateCard';
    delivery.action.data.old = { desc: 'before' };
    (delivery.action.data.card as Record<string, unknown>).desc = 'after';
    const stored = TRELLO_DELIVERIES.stored?.(delivery) ?? JSON.stringify(delivery);

    const event = normalizeStored('trello', 'trello.d1', stored);

    expect(event).toEqual(toTrelloEvent(delivery));
    expect(event).toMatchObject({
      event: { changes: [{ field: 'description', from: 'before', to: 'after' }] },
    });
  });
});
