import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, stackQueue, startStack, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { linkIndexSize } from '../../src/linking/index.ts';
import { LINKED, linkedKeys } from '../../src/linking/index-keys.ts';
import { effectsBy, ledgerMark } from '../helpers/ledger.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { ADA_AND_APP } from '../helpers/seeds.ts';
import { stackAdmin } from '../helpers/stack-admin.ts';

const ADMIN_TOKEN = 'e2e-admin-token-trello-linking-0123456789';
let stack: Stack;
let boardId: string;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'linking-rules-')), 'rules.yaml');
// Cross-tracker commands are opt-in: the commenter's rights on the other tracker cannot be checked.
writeFileSync(rulesFile, 'scope:\n  trello:\n    supportLists: [Tickets]\ncommands:\n  crossTracker: true\n');

const BACKLOG: [string, string][] = [
  [
    'Card payment declined at checkout for Visa cards',
    'Visa payments fail at checkout with "card declined".',
  ],
  ['Dark mode for the settings page', 'Offer a dark theme toggle on the settings page.'],
  ['Export invoices as PDF', 'Accountants need invoices as PDF files for their records.'],
];

beforeAll(async () => {
  // Trello's limits over a 2 s window instead of 10 s: the same pacing, five times the budget for a quick test.
  stack = await startStack({
    redisUrl: testRedisUrl(),
    env: { REFINERY_CONFIG: rulesFile, TRELLO_RATE_WINDOW_MS: '2000', ADMIN_TOKEN },
    trelloRateLimit: { perToken: 100, perKey: 300, windowMs: 2_000 },
  });
  boardId = stack.trello.seedBoard({
    name: 'Product',
    lists: ['Backlog', 'Tickets', 'Doing', 'Done', 'Released'],
  }).id;
  stack.jira.seed(ADA_AND_APP);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const store = () => stack.trello.state();
const { runAction } = stackAdmin(() => stack, ADMIN_TOKEN);
const comments = (cardId: string, marker: string) =>
  store().actions.filter(
    (a) =>
      a.type === 'commentCard' &&
      a.idMemberCreator === stack.trello.botMemberId &&
      (a.data.card as { id: string }).id === cardId &&
      String(a.data.text).includes(`backlog-refinery · ${marker}`),
  );
const attachments = (cardId: string) => [...store().attachments.values()].filter((a) => a.idCard === cardId);
const card = async (list: string, name: string, desc: string) => {
  const created = await stack.trelloAct('create-card', { boardId, list, name, desc });
  return { id: String(created.id), shortLink: String(created.shortLink) };
};

describe('ticket linking on Trello', () => {
  let backlogCards: { id: string; shortLink: string }[] = [];
  let item = { id: '', shortLink: '' };
  let ticket = { id: '', shortLink: '' };

  it('links a support-list card to the backlog card it is about: attachments both ways, one comment', async () => {
    const cards = [];
    for (const [name, desc] of BACKLOG) cards.push(await card('Backlog', name, desc));
    backlogCards = cards;
    item = cards[0]!;
    await waitFor(
      async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === BACKLOG.length,
      30_000,
    );
    // Trello creation times have whole seconds; a ticket is matched only with items created before it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    ticket = await card('Tickets', 'Visa card declined at checkout', 'My Visa card is declined at checkout.');

    // A burst of card writes can meet Trello's rate limit; the queue then pauses for Retry-After (10 s).
    await waitFor(() => attachments(ticket.id).some((a) => a.url.includes(item.shortLink)), 30_000);
    await waitFor(() => attachments(item.id).some((a) => a.url.includes(ticket.shortLink)), 30_000);
    const [comment] = await waitFor(
      () => comments(ticket.id, 'link')[0] && comments(ticket.id, 'link'),
      30_000,
    );
    expect(String(comment!.data.text)).toContain('Linked to');
    expect(String(comment!.data.text)).toMatch(/visa/i);
    expect(comments(ticket.id, 'link')).toHaveLength(1);
  }, 45_000);

  it('/link links a Trello ticket to a Jira backlog item across trackers', async () => {
    const jiraItem = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Bulk edit of user roles',
      issuetype: 'Story',
    });
    await waitFor(async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === BACKLOG.length + 1);
    const other = await card('Tickets', 'Need to change many roles', 'Changing roles one by one takes ages.');
    await waitFor(() => comments(other.id, 'link')[0]);

    const { id } = await stack.trelloAct('comment', { cardId: other.id, text: `/link ${jiraItem.key}` });

    const [reply] = await waitFor(
      () => comments(other.id, `reply-${String(id)}`)[0] && comments(other.id, `reply-${String(id)}`),
    );
    expect(String(reply!.data.text)).toMatch(new RegExp(`Linked .* → \\W?${jiraItem.key}`));
    expect(attachments(other.id).some((a) => a.url.endsWith(`/browse/${jiraItem.key}`))).toBe(true);
    const back = stack.jira.state.remoteLinks.find(
      (l) => l.issueId === jiraItem.id && l.object.url.includes(other.shortLink),
    );
    // The link back names the ticket by its short link: everyone who may browse the issue reads its title, and the
    // ticket's board may be closed to them.
    expect(back?.object.title).toBe(other.shortLink);
  });

  it('tells the linked ticket once per resolution: a move between done lists edits it, a reopen then Done is news', async () => {
    const bot = stack.trello.botMemberId;
    await stack.trelloAct('move-card', { cardId: item.id, list: 'Done' });
    await waitFor(() => comments(ticket.id, `resolution 1 of ${item.shortLink}`).length === 1);
    await resolutionJobs(1);
    expect(String(comments(ticket.id, 'resolution')[0]!.data.text)).toContain('is Done');

    // Done → Released: still resolved, the same resolution: its one notice is brought up to date in place.
    let mark = ledgerMark(stack.trello.ledger);
    await stack.trelloAct('move-card', { cardId: item.id, list: 'Released' });
    await resolutionJobs(2);
    expect(effectsBy(stack.trello.ledger, bot, mark)).toEqual({ [ticket.id]: ['comment.edited'] });
    expect(comments(ticket.id, 'resolution')).toHaveLength(1);
    expect(String(comments(ticket.id, 'resolution')[0]!.data.text)).toContain('is Released');

    // Reopened (Doing) and done again: news for the ticket, told once each.
    await stack.trelloAct('move-card', { cardId: item.id, list: 'Doing' });
    await resolutionJobs(3);
    expect(comments(ticket.id, `reopen 1 of ${item.shortLink}`)).toHaveLength(1);
    mark = ledgerMark(stack.trello.ledger);
    await stack.trelloAct('move-card', { cardId: item.id, list: 'Done' });
    await resolutionJobs(4);
    expect(effectsBy(stack.trello.ledger, bot, mark)).toEqual({ [ticket.id]: ['comment.created'] });
    expect(comments(ticket.id, `resolution 2 of ${item.shortLink}`)).toHaveLength(1);
    expect(comments(ticket.id, 'resolution')).toHaveLength(2);
  }, 90_000);

  it('learns from a card link a person attaches to a support card: the next card worded alike finds the item', async () => {
    const pdf = backlogCards[2]!;
    const learnt = () => stack.redis.hlen(linkedKeys(stack.queuePrefix).hash(LINKED));
    const before = await learnt();
    const first = await card(
      'Tickets',
      'Bills for my bookkeeper',
      'My bookkeeper wants every bill as a download she can store.',
    );
    await waitFor(() => comments(first.id, 'link')[0], 30_000);
    expect(String(comments(first.id, 'link')[0]!.data.text)).not.toContain(pdf.shortLink);
    await stack.trelloAct('add-attachment', {
      cardId: first.id,
      url: `https://trello.com/c/${pdf.shortLink}`,
    });
    await waitFor(async () => (await learnt()) > before, 20_000);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const second = await card(
      'Tickets',
      'Download of my bills',
      'The bookkeeper needs each bill as a download to store.',
    );
    const [comment] = await waitFor(
      () => comments(second.id, 'link')[0] && comments(second.id, 'link'),
      30_000,
    );
    expect(String(comment!.data.text)).toContain(pdf.shortLink);
    expect(String(comment!.data.text)).toContain(`worded like ${first.shortLink}, already linked to it`);
  }, 45_000);

  it('takes a link a person removes from a support card as an unlink: the backlog card loses its link back', async () => {
    const darkMode = backlogCards[1]!;
    const wrong = await card(
      'Tickets',
      'Dark mode on the settings page',
      'Please offer a dark theme toggle on the settings page.',
    );
    const linkOn = (cardId: string, shortLink: string) =>
      attachments(cardId).find((a) => a.url.includes(shortLink));
    await waitFor(() => linkOn(wrong.id, darkMode.shortLink) && linkOn(darkMode.id, wrong.shortLink), 30_000);

    await stack.trelloAct('delete-attachment', {
      cardId: wrong.id,
      attachmentId: linkOn(wrong.id, darkMode.shortLink)!.id,
    });
    await waitFor(() => linkOn(darkMode.id, wrong.shortLink) === undefined, 20_000);
    const text = () => String(comments(wrong.id, 'link')[0]?.data.text);
    await waitFor(() => text().includes('was removed in the tracker'), 30_000);
    expect(text()).not.toContain(`/link ${darkMode.shortLink}`);
    expect(linkOn(wrong.id, darkMode.shortLink)).toBeUndefined();
  }, 45_000);

  it('forgets a card deleted while its webhooks were lost once a backfill has listed its board', async () => {
    const size = () => linkIndexSize(stack.redis, stack.queuePrefix);
    const before = await size();
    const calendar = await card(
      'Backlog',
      'Calendar sync with Outlook',
      'Sync meetings with Outlook calendars.',
    );
    await waitFor(async () => (await size()) === before + 1, 30_000);
    // Deleted on Trello during an outage: the deleteCard action's webhook never reaches the service.
    store().cards.delete(calendar.id);

    expect(
      await runAction('backfill-index', { targets: [{ tracker: 'trello', containerId: boardId }] }, 30_000),
    ).toMatchObject({ removed: 1 });

    expect(await size()).toBe(before);
    const asking = await card('Tickets', 'Outlook calendar sync', 'My meetings do not sync with Outlook.');
    const { id } = await stack.trelloAct('comment', { cardId: asking.id, text: '/similar' });
    const [reply] = await waitFor(
      () => comments(asking.id, `reply-${String(id)}`)[0] && comments(asking.id, `reply-${String(id)}`),
      30_000,
    );
    expect(String(reply!.data.text)).not.toContain(calendar.shortLink);
  }, 60_000);
});

/**
 * Waits until `count` notify-resolution jobs have finished (each list move of the backlog card causes one), and
 * every other job the move caused: what it wrote is then all it writes.
 */
async function resolutionJobs(count: number): Promise<void> {
  const queue = stackQueue(stack);
  try {
    await waitFor(async () => {
      const jobs = await queue.getJobs(['completed', 'failed']);
      return jobs.filter((job) => job.name === 'notify-resolution').length >= count;
    }, 20_000);
  } finally {
    await queue.close();
  }
  await waitUntilIdle(stack, { delayed: true, timeoutMs: 20_000 });
}
