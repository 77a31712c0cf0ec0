import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../src/domain/commands/parse-commands.ts';
import { validate } from '../../src/schema/validate.ts';
import { toJiraEvent } from '../../src/trackers/jira/jira-webhook.ts';
import { type JiraDelivery, JiraDeliverySchema } from '../../src/trackers/jira/jira-webhook-schema.ts';
import { toTrelloEvent } from '../../src/trackers/trello/trello-webhook.ts';
import {
  type TrelloDelivery,
  TrelloDeliverySchema,
} from '../../src/trackers/trello/trello-webhook-schema.ts';
import { fixture } from '../fixtures/index.ts';

function jira(name: Parameters<typeof fixture>[0]): JiraDelivery {
  const result = validate(JiraDeliverySchema, fixture(name));
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.value;
}

interface TrelloPatch {
  action: { type: string; id: string; data: Record<string, unknown> };
}

function trello(
  name: 'trello/createCard' | 'trello/commentCard',
  patch: (body: TrelloPatch) => void = () => {},
): TrelloDelivery {
  const body = fixture<TrelloPatch>(name);
  patch(body);
  const result = validate(TrelloDeliverySchema, body);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.value;
}

describe('Jira deliveries', () => {
  it('normalizes the real issue_created sample', () => {
    expect(toJiraEvent(jira('jira/issue_created'), 'd1')).toEqual({
      kind: 'event',
      event: {
        kind: 'item.created',
        deliveryId: 'd1',
        tracker: 'jira',
        occurredAt: expect.stringMatching(/^2026-04-25T/),
        actor: { id: '712020:28d10afc-d4b0-47f2-b86f-74d9a5f29c81', displayName: 'Pritesh Shetty' },
        item: { tracker: 'jira', id: '10033', key: 'KAN-3' },
        container: { id: '10000', key: 'KAN', projectType: 'software' },
        issueType: 'Task',
      },
    });
  });

  it('normalizes the real comment_created sample, author as actor', () => {
    expect(toJiraEvent(jira('jira/comment_created'), 'd2')).toMatchObject({
      event: {
        kind: 'comment.created',
        actor: { id: '5a1b0e47748e770ed11f338c', displayName: 'Eeshan Garg' },
        item: { key: 'ZUL-1' },
        comment: { id: '10000', text: 'Leaving a comment here! :)' },
      },
    });
  });

  it('says when an edited comment was written, from the real sample’s `created` (an offset without a colon)', () => {
    const edited = { ...jira('jira/comment_created'), webhookEvent: 'comment_updated' };
    expect(toJiraEvent(edited, 'd3')).toMatchObject({
      event: { kind: 'comment.updated', comment: { createdAt: '2019-01-07T20:25:51.184Z' } },
    });
  });

  it('turns an issue_updated changelog into field changes', () => {
    const delivery = { ...jira('jira/issue_created'), webhookEvent: 'jira:issue_updated' };

    const result = toJiraEvent(delivery, 'd3');

    expect(
      result.kind === 'event' && result.event.kind === 'item.updated' && result.event.changes,
    ).toContainEqual({
      field: 'Severity',
      from: null,
      to: 'Medium',
    });
  });

  it('ignores the issue_updated that a comment also raises', () => {
    const delivery = {
      ...jira('jira/comment_created'),
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_commented',
    };

    expect(toJiraEvent(delivery, 'd4')).toEqual({
      kind: 'ignored',
      reason: 'issue update without field changes',
    });
  });

  it('normalizes sprint_closed with the Agile sprint shape', () => {
    const delivery: JiraDelivery = {
      webhookEvent: 'sprint_closed',
      timestamp: 1_700_000_000_000,
      sprint: { id: 37, name: 'Sprint 12', originBoardId: 5 },
    };

    expect(toJiraEvent(delivery, 'd5')).toMatchObject({
      event: { kind: 'sprint.closed', sprint: { id: '37', name: 'Sprint 12', boardId: '5' } },
    });
  });
});

describe('Jira link deliveries (they carry only issueLink, no user)', () => {
  const link = (overrides: Record<string, unknown>): JiraDelivery => {
    const result = validate(JiraDeliverySchema, {
      timestamp: 1_700_000_000_000,
      webhookEvent: 'issuelink_created',
      issueLink: {
        id: 10_402,
        sourceIssueId: 10_001,
        destinationIssueId: 10_002,
        issueLinkType: {
          id: 10_003,
          name: 'Relates',
          outwardName: 'relates to',
          inwardName: 'relates to',
          isSubTaskLinkType: false,
          isSystemLinkType: false,
        },
        sequence: 0,
        systemLink: false,
        ...overrides,
      },
    });
    if (!result.ok) throw new Error(result.problems.join('; '));
    return result.value;
  };

  it('a link a person made is a link event between the two issues', () => {
    expect(toJiraEvent(link({}), 'l1')).toMatchObject({
      event: { kind: 'link.created', item: { id: '10001' }, target: { id: '10002' } },
    });
  });

  it.each([
    [
      'a sub-task link',
      {
        systemLink: true,
        issueLinkType: {
          id: 10_100,
          name: 'jira_subtask_link',
          outwardName: 'jira_subtask_outward',
          inwardName: 'jira_subtask_inward',
          isSubTaskLinkType: true,
          isSystemLinkType: true,
        },
      },
    ],
    ['an epic link', { systemLink: true }],
  ])('ignores %s, which Jira made itself', (_name, overrides) => {
    expect(toJiraEvent(link(overrides), 'l2')).toEqual({
      kind: 'ignored',
      reason: 'issuelink_created of a system link (sub-task or epic)',
    });
  });
});

describe('Trello deliveries', () => {
  it.each([
    ['addChecklistToCard', { checklist: { id: 'cl1', name: 'Acceptance criteria' } }, 'Acceptance criteria'],
    [
      'createCheckItem',
      {
        checklist: { id: 'cl1', name: 'Acceptance criteria' },
        checkItem: { id: 'ci1', name: 'Given a user', state: 'incomplete' },
      },
      'Given a user: incomplete',
    ],
    [
      'updateCheckItemStateOnCard',
      {
        checklist: { id: 'cl1', name: 'Acceptance criteria' },
        checkItem: { id: 'ci1', name: 'Given a user', state: 'complete' },
      },
      'Given a user: complete',
    ],
  ])('%s is a change of the card’s checklist (acceptance reads checklists)', (type, data, to) => {
    const delivery = trello('trello/createCard', (body) => {
      body.action.type = type;
      Object.assign(body.action.data, data);
    });

    expect(toTrelloEvent(delivery)).toMatchObject({
      event: { kind: 'item.updated', changes: [{ field: 'checklist', from: null, to }] },
    });
  });

  it.each([
    [
      'updateCheckItem',
      {
        checklist: { id: 'cl1', name: 'Acceptance criteria' },
        checkItem: { id: 'ci1', name: 'Given a user, then', state: 'incomplete' },
        old: { name: 'Given a user' },
      },
    ],
    [
      'deleteCheckItem',
      {
        checklist: { id: 'cl1', name: 'Acceptance criteria' },
        checkItem: { id: 'ci1', name: 'Given a user', state: 'incomplete' },
      },
    ],
    ['removeChecklistFromCard', { checklist: { id: 'cl1', name: 'Acceptance criteria' } }],
    ['updateChecklist', { checklist: { id: 'cl1', name: 'Acceptance criteria' }, old: { name: 'Notes' } }],
  ])('%s naming the card is a change of its checklist', (type, data) => {
    const delivery = trello('trello/createCard', (body) => {
      body.action.type = type;
      Object.assign(body.action.data, data);
    });

    expect(toTrelloEvent(delivery)).toMatchObject({
      event: { kind: 'item.updated', changes: [{ field: 'checklist', from: null }] },
    });
  });

  it('a checklist renamed is a checklist change to look up (Trello names the checklist and the board, no card)', () => {
    // The data of a real updateChecklist (fiatjaf/trello-webhooks checklist-edit.json), in the sample's envelope.
    const delivery = trello('trello/createCard', (body) => {
      body.action.type = 'updateChecklist';
      body.action.data = {
        checklist: { id: '55d21885981e997f08681e4c', name: 'java' },
        old: { name: 'Checklist' },
        board: { shortLink: '7hs3uLZE', id: '54c2f73c734b5b084777d1aa', name: 'This is a Site' },
      };
    });

    expect(toTrelloEvent(delivery)).toMatchObject({
      kind: 'event',
      event: {
        kind: 'checklist.updated',
        checklist: { id: '55d21885981e997f08681e4c', name: 'java' },
        container: { id: '54c2f73c734b5b084777d1aa', key: '7hs3uLZE' },
      },
    });
  });

  it('a card converted from a checklist item is a created card (Trello sends no createCard for it)', () => {
    const delivery = trello('trello/createCard', (body) => {
      body.action.type = 'convertToCardFromCheckItem';
      Object.assign(body.action.data, {
        cardSource: { id: '5476fb7437746ac807afe2a0', shortLink: 'Src12345', name: 'Checkout' },
        checklist: { id: 'cl1', name: 'Acceptance criteria' },
        checkItem: { id: 'ci1', name: 'Test card', state: 'incomplete' },
      });
    });

    expect(toTrelloEvent(delivery)).toMatchObject({
      kind: 'event',
      event: {
        kind: 'item.created',
        item: { id: '5476fb7437746ac807afe2a5', key: '4K7LwAKx' },
        // The card the item came from lost it: it is checked again too.
        source: { tracker: 'trello', id: '5476fb7437746ac807afe2a0', key: 'Src12345' },
      },
    });
  });

  it('normalizes the real createCard sample', () => {
    expect(toTrelloEvent(trello('trello/createCard'))).toMatchObject({
      kind: 'event',
      event: {
        kind: 'item.created',
        tracker: 'trello',
        container: { id: expect.any(String), listName: expect.any(String) },
      },
    });
  });

  it('normalizes the real commentCard sample', () => {
    expect(toTrelloEvent(trello('trello/commentCard'))).toMatchObject({
      event: {
        kind: 'comment.created',
        deliveryId: '5476fb9e348fd8c4eeecc905',
        actor: { id: '4f55dc2f8e0358c24d194be0', displayName: 'Hugo Rodger-Brown' },
        item: { tracker: 'trello', id: '5476fb7437746ac807afe2a5', key: '4K7LwAKx' },
        container: { id: '5476fab52086e26047fa328c', key: 'TAAnwdP9', listName: 'To Do' },
        comment: { id: '5476fb9e348fd8c4eeecc905', text: 'Test comment' },
      },
    });
  });

  it('turns a list move into a list change', () => {
    const moved = trello('trello/createCard', (body) => {
      body.action.type = 'updateCard';
      body.action.data.old = { idList: 'a' };
      body.action.data.listBefore = { id: 'a', name: 'Doing' };
      body.action.data.listAfter = { id: 'b', name: 'Done' };
    });

    expect(toTrelloEvent(moved)).toMatchObject({
      event: {
        kind: 'item.updated',
        changes: [{ field: 'list', from: 'Doing', to: 'Done' }],
        container: { listName: 'Done' },
      },
    });
  });

  it('an attachment added to a card is a change of its attachments (links to tickets feed reach)', () => {
    const attached = trello('trello/commentCard', (body) => {
      body.action.type = 'addAttachmentToCard';
      body.action.data.attachment = { url: 'https://trello.com/c/AbCd1234' };
    });

    expect(toTrelloEvent(attached)).toMatchObject({
      event: {
        kind: 'item.updated',
        changes: [{ field: 'attachments', from: null, to: 'https://trello.com/c/AbCd1234' }],
      },
    });
  });

  it('an edited comment says when it was written: Trello ids carry their creation time', () => {
    const edited = trello('trello/commentCard', (body) => {
      body.action.type = 'updateComment';
      body.action.id = '5e2f1a000000000000000001';
      body.action.data.action = { id: '5476fb9e348fd8c4eeecc905', text: '/score' };
    });

    expect(toTrelloEvent(edited)).toMatchObject({
      event: { kind: 'comment.updated', comment: { createdAt: '2014-11-27T10:23:26.000Z' } },
    });
  });

  it('an edited comment keeps the id of the comment, not of the edit', () => {
    const edited = trello('trello/commentCard', (body) => {
      body.action.type = 'updateComment';
      body.action.id = 'edit-action';
      body.action.data.action = { id: 'original-comment', text: '/score' };
    });

    expect(toTrelloEvent(edited)).toMatchObject({
      event: {
        kind: 'comment.updated',
        deliveryId: 'edit-action',
        comment: { id: 'original-comment', text: '/score' },
      },
    });
  });
});

describe('Jira comment bodies (wiki markup)', () => {
  it('are read as plain text: links unwrapped, inline code kept marked so it is no command', () => {
    const body = fixture<{ comment: { body: string } }>('jira/comment_created');
    body.comment.body = '/link [https://trello.com/c/AbCd1234|https://trello.com/c/AbCd1234]\n{{/score}} ran';
    const result = validate(JiraDeliverySchema, body);

    const event = result.ok ? toJiraEvent(result.value, 'd9') : undefined;

    expect(
      event?.kind === 'event' && event.event.kind === 'comment.created' && event.event.comment.text,
    ).toBe('/link https://trello.com/c/AbCd1234\n`/score` ran');
  });
});

describe('Jira comment bodies with quotes and smart links (issue 13, items 2 and 3)', () => {
  const commandsOf = (name: Parameters<typeof fixture>[0]) => {
    const event = toJiraEvent(jira(name), 'd10');
    const text =
      event.kind === 'event' && event.event.kind === 'comment.created' ? event.event.comment.text : '';
    return parseCommands(text).map((c) => `/${c.name} ${c.args}`);
  };

  it('a quoted command does not run; a pasted link gives /link a clean argument', () => {
    expect(commandsOf('jira/comment_created_quote_smartlink')).toEqual([
      '/link https://peteririri.atlassian.net/browse/SB-2',
    ]);
  });

  it('the real mention delivery reads as mentions', () => {
    const event = toJiraEvent(jira('jira/comment_created_mention'), 'd11');

    expect(event.kind === 'event' && event.event.kind === 'comment.created' && event.event.comment.text).toBe(
      '@619a4432ebce470067f20384 @63a22fb348b367d78a14c15b @63a22fb348b367d78a14c15b ',
    );
  });
});

describe('commands addressed to the service by mention (issue 15, item 3)', () => {
  const BOT = '63a22fb348b367d78a14c15b';
  const MENTIONS = ['@Backlog Refinery', `@${BOT}`];
  const commandsIn = (body: unknown) => {
    const delivery = fixture<{ comment: { body: unknown } }>('jira/comment_created_mention');
    delivery.comment.body = body;
    const result = validate(JiraDeliverySchema, delivery);
    const event = result.ok ? toJiraEvent(result.value, 'd12') : undefined;
    const text =
      event?.kind === 'event' && event.event.kind === 'comment.created' ? event.event.comment.text : '';
    return parseCommands(text, 10, { prefixes: ['/'], mentions: MENTIONS, names: ['score'] }).map(
      (c) => `${c.name} ${c.args}`,
    );
  };

  it('the wiki body of the real mention delivery, with the mention at a line start', () => {
    expect(commandsIn(`[~accountid:${BOT}] score impact=4`)).toEqual(['score impact=4']);
    expect(commandsIn(`[~accountid:619a4432ebce470067f20384] score impact=4`)).toEqual([]);
  });

  it('an ADF body with a mention node (the shape of Atlassian’s ADF reference)', () => {
    const mention = { type: 'mention', attrs: { id: BOT, text: '@Backlog Refinery', accessLevel: '' } };
    const adf = (...content: object[]) => ({ type: 'doc', version: 1, content });

    expect(
      commandsIn(adf({ type: 'paragraph', content: [mention, { type: 'text', text: ' score impact=4' }] })),
    ).toEqual(['score impact=4']);
    expect(
      commandsIn(
        adf({
          type: 'blockquote',
          content: [{ type: 'paragraph', content: [mention, { type: 'text', text: ' score impact=5' }] }],
        }),
      ),
    ).toEqual([]);
  });
});

describe('inline code in a Jira comment is no command, whatever the body format', () => {
  const commandsIn = (body: unknown) => {
    const delivery = fixture<{ comment: { body: unknown } }>('jira/comment_created');
    delivery.comment.body = body;
    const result = validate(JiraDeliverySchema, delivery);
    const event = result.ok ? toJiraEvent(result.value, 'd13') : undefined;
    const text =
      event?.kind === 'event' && event.event.kind === 'comment.created' ? event.event.comment.text : '';
    return parseCommands(text).map((c) => `/${c.name} ${c.args}`.trim());
  };
  const code = (text: string) => ({ type: 'text', text, marks: [{ type: 'code' }] });

  it('an explanation starting with `/undo`, or the heading of a pasted reply, runs nothing; the command does', () => {
    const wiki = "{{/undo}} takes the service's last change back\nh3. {{/score impact=4}}\n/score explain";
    const adf = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [code('/undo'), { type: 'text', text: " takes the service's last change back" }],
        },
        { type: 'heading', attrs: { level: 3 }, content: [code('/score impact=4')] },
        { type: 'paragraph', content: [{ type: 'text', text: '/score explain' }] },
      ],
    };

    expect(commandsIn(wiki)).toEqual(['/score explain']);
    expect(commandsIn(adf)).toEqual(['/score explain']);
  });
});
