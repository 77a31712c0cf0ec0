import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import type { Container } from '../../src/domain/events.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { indexItem, linkTicket, summaryOfItem, unlinkTicket } from '../../workers/capabilities/linking.ts';
import { matchTicket } from '../../workers/capabilities/linking-match.ts';
import { createMemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { consoleClient, formFields as form } from './console-client.ts';
import { realConsole } from './real-console.ts';
import { triageContext } from './triage-context.ts';

const HELP: Container = { id: '20000', key: 'HELP', projectType: 'service_desk' };
const CARD = { tracker: 'trello', id: '5f1c00000000000000000abc', key: 'Ab3dEf9h' } as const;

/** What a person's buttons in the triage inbox queue: the command they name, once, and only while it still fits. */
describe('console triage actions', () => {
  let harness: ApiHarness;
  beforeEach(async () => {
    harness = await startApiHarness({ console: realConsole });
  });
  afterEach(async () => harness?.close());

  /**
   * HELP-6 waits in the inbox with the Trello card (a site with Jira and Trello) and APP-3 suggested; two editors,
   * ada and bob, have the inbox open. `link` and `unlink` do what the `/link` and `/unlink` jobs do in the trackers and the read model.
   */
  async function inbox(ticketTitle = 'Card declined at checkout') {
    const tracker = createMemoryTracker([
      memoryItem('APP-1', { title: 'Password reset email never arrives' }),
      memoryItem('APP-3', { title: 'Checkout payment page declines the card' }),
      memoryItem(CARD.key, {
        ref: CARD,
        url: `https://trello.com/c/${CARD.key}`,
        title: 'Card declined at checkout payment',
        container: { id: '5f1c000000000000000b0a4d', key: 'Roadmap' },
      }),
      memoryItem('HELP-6', {
        title: ticketTitle,
        description: 'My card is declined at the checkout payment step.',
        container: HELP,
        createdAt: '2025-03-01T00:00:00.000Z',
      }),
    ]);
    const context = triageContext(harness, tracker);
    const item = (key: string) => [...tracker.items.values()].find((found) => found.ref.key === key)!;
    for (const key of ['APP-1', 'APP-3', CARD.key]) await indexItem(item(key).ref, context);
    const matched = await matchTicket(item('HELP-6').ref, context);
    expect(matched).toMatchObject({ suggested: expect.arrayContaining([CARD.key, 'APP-3']) });
    const users = createRedisUserStore(harness.redis, harness.prefix);
    const editor = async (name: string) => {
      const client = consoleClient(harness.app);
      await client.signIn((await users.add(name, 'editor')).token);
      return { client, page: (await client.get('/console/triage')).body };
    };
    const link = (key: string) =>
      linkTicket(item('HELP-6'), summaryOfItem(item(key)), context, { how: 'command' });
    const unlink = (key: string) => unlinkTicket(item('HELP-6'), summaryOfItem(item(key)), context);
    /** A person deletes the item in its tracker, and the service sees it (the webhook's or a backfill's index-item). */
    const deleteItem = async (key: string) => {
      const { ref } = item(key);
      tracker.items.delete(ref.id);
      await indexItem(ref, context);
    };
    /** The item leaves the backlog (`archived`) or comes back, and the service sees it; `rematch`: the ticket's next match. */
    const archive = async (key: string, archived: boolean) => {
      const found = item(key);
      if (archived) found.archived = true;
      else delete found.archived;
      await indexItem(found.ref, context);
    };
    const rematch = () => matchTicket(item('HELP-6').ref, context);
    return { ada: await editor('ada'), bob: await editor('bob'), link, unlink, deleteItem, archive, rematch };
  }

  const commands = async () =>
    (await harness.queue.getWaiting()).map(
      (job) => (job.data.event as { comment: { text: string } }).comment.text,
    );

  it('confirms a Trello card suggested for a Jira ticket: /link names the card on the ticket', async () => {
    const { ada } = await inbox();
    const confirmed = await ada.client.post(
      '/console/triage/confirm',
      form(ada.page, '/console/triage/confirm', CARD.id),
    );
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe(
      `/console/triage?done=confirmed&ticket=jira%3Aid-HELP-6&item=trello%3A${CARD.id}#t-jira-id-HELP-6`,
    );
    const [job] = await harness.queue.getWaiting();
    expect(job?.data.event).toMatchObject({
      item: { tracker: 'jira', id: 'id-HELP-6', key: 'HELP-6' },
      actor: { displayName: 'console: ada' },
      comment: { text: `/link ${CARD.key}` },
    });
  });

  /** The notice on the page an answer returns to, as the person reads it (tags dropped, entities decoded). */
  const noticeOf = (page: string) =>
    (/<p class="notice[^"]*" role="status">([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&#39;/g, "'");

  it('names the ticket and the item an answer was about, by key and title, in the notice it returns to', async () => {
    const { ada } = await inbox();
    const confirmed = await ada.client.post(
      '/console/triage/confirm',
      form(ada.page, '/console/triage/confirm', CARD.id),
    );
    expect(noticeOf((await ada.client.get(confirmed.headers.location as string)).body)).toBe(
      `Link confirmed: ${CARD.key} Card declined at checkout payment for HELP-6 Card declined at checkout. The job is queued and the ticket leaves the inbox once it ran.`,
    );
    const rejected = await ada.client.post(
      '/console/triage/reject',
      form(ada.page, '/console/triage/reject', 'id-APP-3'),
    );
    expect(noticeOf((await ada.client.get(rejected.headers.location as string)).body)).toBe(
      "Suggestion rejected: APP-3 Checkout payment page declines the card for HELP-6 Card declined at checkout. It won't be suggested again.",
    );
  });

  it("writes a stranger's ticket title in the notice as text, on one line, cut short", async () => {
    const hostile = `<img src=x onerror="alert(1)">Card declined\nat checkout ${'again and '.repeat(20)}`;
    const { ada } = await inbox(hostile);
    const confirmed = await ada.client.post(
      '/console/triage/confirm',
      form(ada.page, '/console/triage/confirm', 'id-APP-3'),
    );
    const page = (await ada.client.get(confirmed.headers.location as string)).body;
    const notice = /<p class="notice[^"]*" role="status">([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '';
    expect(notice).toContain(
      'for HELP-6 <bdi>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Card declined at checkout aga…</bdi>. The job is queued',
    );
    expect(notice).not.toContain('<img');
  });

  it('rejects a Trello card suggested for a Jira ticket: /unlink names the card on the ticket', async () => {
    const { ada } = await inbox();
    const rejected = await ada.client.post(
      '/console/triage/reject',
      form(ada.page, '/console/triage/reject', CARD.id),
    );
    expect(rejected.statusCode).toBe(303);
    expect(await commands()).toEqual([`/unlink ${CARD.key}`]);
  });

  it('queues one /link when the same Confirm is sent twice (a double click)', async () => {
    const { ada } = await inbox();
    const confirm = form(ada.page, '/console/triage/confirm', CARD.id);
    const sent = await Promise.all([
      ada.client.post('/console/triage/confirm', confirm),
      ada.client.post('/console/triage/confirm', confirm),
    ]);
    expect(sent.map((response) => response.statusCode)).toEqual([303, 303]);
    expect(await commands()).toEqual([`/link ${CARD.key}`]);
  });

  it('runs the job again when the same Confirm is sent after its job failed', async () => {
    const { ada } = await inbox();
    const confirm = form(ada.page, '/console/triage/confirm', CARD.id);
    await ada.client.post('/console/triage/confirm', confirm);
    // A worker takes the job and it fails for good (say Jira was down through every attempt).
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const worker = new Worker(QUEUE_NAME, null, { connection, prefix: `{${harness.prefix}}` });
    try {
      const job = await worker.getNextJob('test-token');
      await job!.moveToFailed(new UnrecoverableError('Jira did not answer'), 'test-token');
    } finally {
      await worker.close();
      connection.disconnect();
    }
    expect(await commands()).toEqual([]);
    const again = await ada.client.post('/console/triage/confirm', confirm);
    expect(again.statusCode).toBe(303);
    expect(await commands()).toEqual([`/link ${CARD.key}`]);
  });

  it("refuses a stale page's Not this one on the item another person confirmed: the link stays", async () => {
    const { ada, bob, link } = await inbox();
    await ada.client.post('/console/triage/confirm', form(ada.page, '/console/triage/confirm', CARD.id));
    await link(CARD.key);
    const before = await commands();
    const stale = await bob.client.post(
      '/console/triage/reject',
      form(bob.page, '/console/triage/reject', CARD.id),
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('HELP-6 was handled meanwhile');
    expect(await commands()).toEqual(before);
  });

  it("refuses a stale page's Confirm and No match once the ticket was linked meanwhile", async () => {
    const { bob, link } = await inbox();
    await link(CARD.key);
    const confirm = await bob.client.post(
      '/console/triage/confirm',
      form(bob.page, '/console/triage/confirm', 'id-APP-3'),
    );
    expect(confirm.statusCode).toBe(409);
    const noMatch = await bob.client.post(
      '/console/triage/no-match',
      form(bob.page, '/console/triage/no-match'),
    );
    expect(noMatch.statusCode).toBe(409);
    expect(await commands()).toEqual([]);
  });

  it("refuses a stale page's Confirm of an item another person rejected meanwhile", async () => {
    const { ada, bob, unlink } = await inbox();
    await ada.client.post('/console/triage/reject', form(ada.page, '/console/triage/reject', 'id-APP-3'));
    await unlink('APP-3');
    const before = await commands();
    const stale = await bob.client.post(
      '/console/triage/confirm',
      form(bob.page, '/console/triage/confirm', 'id-APP-3'),
    );
    expect(stale.statusCode).toBe(409);
    expect(await commands()).toEqual(before);
    // The card, still pending, can be confirmed from the same page.
    const card = await bob.client.post(
      '/console/triage/confirm',
      form(bob.page, '/console/triage/confirm', CARD.id),
    );
    expect(card.statusCode).toBe(303);
    expect(await commands()).toEqual([...before, `/link ${CARD.key}`]);
  });

  it('stops offering an item deleted in its tracker, refuses a stale Confirm of it, and lets the ticket go when none is left', async () => {
    const { ada, bob, deleteItem } = await inbox();

    await deleteItem('APP-3');

    const page = (await ada.client.get('/console/triage')).body;
    expect(page).toContain('HELP-6');
    expect(() => form(page, '/console/triage/confirm', 'id-APP-3')).toThrow();
    expect(form(page, '/console/triage/confirm', CARD.id)).toBeDefined();
    const stale = await bob.client.post(
      '/console/triage/confirm',
      form(bob.page, '/console/triage/confirm', 'id-APP-3'),
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('APP-3 was deleted');
    expect(await commands()).toEqual([]);

    await deleteItem(CARD.key);

    const emptied = (await ada.client.get('/console/triage')).body;
    expect(emptied).not.toContain('HELP-6');
    expect(emptied).toContain('0 support tickets');
  });

  it('offers an item again once it is back in the backlog and suggested again', async () => {
    const { ada, archive, rematch } = await inbox();
    await archive('APP-3', true);
    const without = (await ada.client.get('/console/triage')).body;
    expect(() => form(without, '/console/triage/confirm', 'id-APP-3')).toThrow();

    await archive('APP-3', false);
    await rematch();

    const page = (await ada.client.get('/console/triage')).body;
    expect(form(page, '/console/triage/confirm', 'id-APP-3')).toBeDefined();
  });
});
