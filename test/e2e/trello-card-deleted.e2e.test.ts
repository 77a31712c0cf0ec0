/**
 * A Trello backlog card linked to support tickets, then deleted (docs/linking.md): Trello leaves the tickets'
 * attachments naming it, so the service settles each ticket as Jira's deletion of its links makes it settle a Jira
 * ticket: told in its link comment, its link gone, matched again when it has no other.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { linkIndexSize } from '../../src/linking/index.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { stackAdmin } from '../helpers/stack-admin.ts';

const ADMIN_TOKEN = 'e2e-admin-token-trello-card-deleted-0123456789';
let stack: Stack;
let queue: Queue;
let boardId: string;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'card-deleted-rules-')), 'rules.yaml');
writeFileSync(rulesFile, 'scope:\n  trello:\n    supportLists: [Tickets]\n');

const BACKLOG: [string, string][] = [
  ['Calendar sync with Outlook', 'Meetings should sync both ways with Outlook calendars.'],
  ['Export invoices as PDF', 'Accountants need invoices as PDF files for their records.'],
  ['Dark mode for the settings page', 'Offer a dark theme toggle on the settings page.'],
  ['Bulk edit of user roles', 'Admins change the roles of many users at once.'],
];

beforeAll(async () => {
  stack = await startStack({
    redisUrl: testRedisUrl(),
    env: { REFINERY_CONFIG: rulesFile, TRELLO_RATE_WINDOW_MS: '2000', ADMIN_TOKEN },
    trelloRateLimit: { perToken: 100, perKey: 300, windowMs: 2_000 },
  });
  boardId = stack.trello.seedBoard({ name: 'Product', lists: ['Backlog', 'Tickets', 'Done'] }).id;
  queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
}, 60_000);
afterAll(async () => {
  await queue?.close();
  await stack?.stop();
});

const store = () => stack.trello.state();
const { runAction } = stackAdmin(() => stack, ADMIN_TOKEN);
const jobsDone = () => waitUntilIdle(stack, { delayed: true, timeoutMs: 30_000 });
const failedJobs = async () => (await queue.getFailed()).map((job) => `${job.name}: ${job.failedReason}`);
const card = async (list: string, name: string, desc: string) => {
  const created = await stack.trelloAct('create-card', { boardId, list, name, desc });
  return { id: String(created.id), shortLink: String(created.shortLink) };
};
/** The service's link comment as the ticket's readers see it, without the markdown's links and code marks. */
const linkComment = (cardId: string) =>
  String(
    store()
      .actions.filter(
        (a) =>
          a.type === 'commentCard' &&
          a.idMemberCreator === stack.trello.botMemberId &&
          (a.data.card as { id: string }).id === cardId &&
          String(a.data.text).includes('backlog-refinery · link'),
      )
      .at(-1)?.data.text ?? '',
  )
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replaceAll('`', '');
const attachedTo = (cardId: string, shortLink: string) =>
  [...store().attachments.values()].some((a) => a.idCard === cardId && a.url.includes(shortLink));
const deletedNote = (shortLink: string) =>
  `${shortLink} was deleted in the tracker; this ticket is no longer linked to it.`;

describe('a Trello backlog card linked to support tickets, then deleted', () => {
  const cards: { id: string; shortLink: string }[] = [];
  /** A ticket linked to the backlog card `index` is about, its link comment naming it. */
  async function linkedTicket(index: number, name: string, desc: string) {
    const item = cards[index]!;
    const ticket = await card('Tickets', name, desc);
    await waitFor(() => attachedTo(ticket.id, item.shortLink), 30_000);
    await jobsDone();
    expect(linkComment(ticket.id)).toContain(`Linked to ${item.shortLink}`);
    return { item, ticket };
  }

  it('indexes the backlog', async () => {
    for (const [name, desc] of BACKLOG) cards.push(await card('Backlog', name, desc));
    await waitFor(
      async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === BACKLOG.length,
      30_000,
    );
    // Trello creation times have whole seconds; a ticket is matched only with items created before it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  }, 45_000);

  it("tells a ticket its card was deleted and takes the ticket's attachment to it off", async () => {
    const { item, ticket } = await linkedTicket(
      0,
      'Outlook calendar does not sync',
      'My meetings do not sync with my Outlook calendar.',
    );

    await stack.trelloAct('delete-card', { cardId: item.id });
    await jobsDone();

    expect(linkComment(ticket.id).split('\n')[0]).toBe(deletedNote(item.shortLink));
    expect(linkComment(ticket.id)).not.toContain(`Linked to ${item.shortLink}`);
    expect(attachedTo(ticket.id, item.shortLink)).toBe(false);
    expect(await failedJobs()).toEqual([]);
  }, 60_000);

  it('does the same for a card archived first, deleted later', async () => {
    const { item, ticket } = await linkedTicket(
      1,
      'Invoices as PDF please',
      'Our accountant needs the invoices as PDF files.',
    );
    await stack.trelloAct('archive-card', { cardId: item.id });
    await jobsDone();

    await stack.trelloAct('delete-card', { cardId: item.id });
    await jobsDone();

    expect(linkComment(ticket.id).split('\n')[0]).toBe(deletedNote(item.shortLink));
    expect(attachedTo(ticket.id, item.shortLink)).toBe(false);
    expect(await failedJobs()).toEqual([]);
  }, 60_000);

  it('does the same for a card deleted while webhooks were lost, once a backfill lists its board', async () => {
    const { item, ticket } = await linkedTicket(
      2,
      'Dark mode on the settings page',
      'The settings page is too bright at night; I want a dark theme.',
    );
    // Deleted on Trello during an outage: the deleteCard webhook never reaches the service. Trello keeps the
    // ticket's attachment naming it.
    store().cards.delete(item.id);

    expect(
      await runAction('backfill-index', { targets: [{ tracker: 'trello', containerId: boardId }] }, 30_000),
    ).toMatchObject({ removed: 1 });
    await jobsDone();

    expect(linkComment(ticket.id).split('\n')[0]).toBe(deletedNote(item.shortLink));
    expect(attachedTo(ticket.id, item.shortLink)).toBe(false);
    expect(await failedJobs()).toEqual([]);
  }, 60_000);
});
