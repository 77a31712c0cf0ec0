/**
 * Links removed in the tracker, with the real Trello (and Jira) adapters on the sandboxes where the memory tracker
 * would hide what the trackers do (attachments matched by URL and key, a Jira site under a path, a ticket's or an
 * item's key changed by a move). Each test was written in review and failed on the version before.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container, ItemRef } from '../../src/domain/events.ts';
import { TrackerError } from '../../src/errors.ts';
import { createLinkRecords } from '../../src/linking/index.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import type { Rules } from '../../src/rules/rules-schema.ts';
import { createJiraSandbox } from '../../src/sandbox/jira/jira-sandbox.ts';
import { type SandboxServer, startSandboxServer } from '../../src/sandbox/sandbox-server.ts';
import { trelloAct } from '../../src/sandbox/trello/act-client.ts';
import { createTrelloSandbox } from '../../src/sandbox/trello/trello-sandbox.ts';
import { createJiraTracker } from '../../src/trackers/jira/jira-tracker.ts';
import type { Tracker, TrackerItem } from '../../src/trackers/tracker.ts';
import { createTrelloTracker } from '../../src/trackers/trello/trello-tracker.ts';
import { indexItem, linkTicket, summaryOfItem, unlinkTicket } from '../../workers/capabilities/linking.ts';
import { matchTicket } from '../../workers/capabilities/linking-match.ts';
import { notifyResolution } from '../../workers/capabilities/linking-resolution.ts';
import { applyScore } from '../../workers/capabilities/scoring.ts';
import { reconcileRemoteLinks } from '../../workers/handlers/reconcile-remote-links.ts';
import type { JobContext } from '../../workers/job-context.ts';
import { linkReconcileSchedule } from '../../workers/schedules.ts';
import {
  createMemoryTracker,
  MEMORY_JIRA_SITE,
  type MemoryTracker,
  memoryItem,
} from '../audit/memory-tracker.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { testConfig } from '../helpers/test-config.ts';

const redis: Redis = testRedis();
const log = createLogger({ level: 'silent' });
const jiraSandbox = createJiraSandbox();
// Trello's own limits (100 requests per token in 10 s) are not what these tests are about: the file's cards share them.
const trelloSandbox = createTrelloSandbox({
  rateLimit: { perToken: 1_000, perKey: 3_000, windowMs: 10_000 },
});
let server: SandboxServer;
let trello: Tracker;
/** The Trello adapter as configured beside a Jira site: attachments to that site's issues are links to items. */
let trelloBeside: (jiraSiteUrl: string) => Tracker;
let jira: Tracker;
let boardId: string;

beforeAll(async () => {
  server = await startSandboxServer([jiraSandbox, trelloSandbox]);
  jiraSandbox.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'APP', name: 'App' }],
  });
  boardId = trelloSandbox.seedBoard({ name: 'Product', lists: ['Backlog', 'Tickets', 'Done'] }).id;
  trelloBeside = (jiraSiteUrl) =>
    createTrelloTracker({
      apiUrl: `${server.url}${trelloSandbox.prefix}`,
      apiKey: 'sandbox-key',
      apiToken: 'sandbox-token',
      log,
      limiter: { acquire: async () => {} },
      jiraSiteUrl,
    });
  jira = createJiraTracker({
    baseUrl: `${server.url}${jiraSandbox.prefix}`,
    email: jiraSandbox.botCredentials.email,
    apiToken: jiraSandbox.botCredentials.apiToken,
    log,
    onSchemaMismatch: 'throw',
  });
});
afterAll(async () => {
  redis.disconnect();
  await server?.close();
});

const rules = (): Rules => {
  const base = defaultRules();
  return { ...base, scope: { ...base.scope, trello: { ...base.scope.trello, supportLists: ['Tickets'] } } };
};
let context: JobContext;
let memoryJira: MemoryTracker | undefined;
beforeEach(() => {
  memoryJira = undefined;
  trello = trelloBeside(`${server.url}${jiraSandbox.prefix}`);
  context = {
    log,
    jobId: 'job-1',
    config: testConfig(),
    rules,
    tracker: (name) => (name === 'trello' ? trello : (memoryJira ?? jira)),
    selfId: () => 'bot',
    redis,
    keyPrefix: uniquePrefix('links-removed'),
    now: () => new Date(),
  };
});

/** Jira in memory instead of the sandbox: its issues live on the memory tracker's site. */
function useMemoryJira(memory: MemoryTracker) {
  memoryJira = memory;
  trello = trelloBeside(MEMORY_JIRA_SITE);
}

const act = (action: string, body: Record<string, string>) => trelloAct(server.url, action, body);
async function card(list: string, name: string, desc: string): Promise<ItemRef> {
  const created = await act('create-card', { boardId, list, name, desc });
  return { tracker: 'trello', id: String(created.id), key: String(created.shortLink) };
}
const attachmentsOf = (cardId: string) =>
  [...trelloSandbox.state().attachments.values()].filter((attachment) => attachment.idCard === cardId);

/**
 * HELP-5, a Jira service-desk ticket (in memory), `/link`ed to a Trello backlog card: a remote link on the ticket,
 * an attachment back on the card.
 */
async function ticketLinkedToCard() {
  const HELP: Container = { id: '20000', key: 'HELP', projectType: 'service_desk' };
  const memory = createMemoryTracker([
    memoryItem('HELP-5', {
      title: 'Bills for my bookkeeper',
      container: HELP,
      createdAt: '2030-01-01T00:00:00Z',
    }),
  ]);
  useMemoryJira(memory);
  const ticket = () => memory.items.get('id-HELP-5')!;
  const itemRef = await card('Backlog', 'Export invoices as PDF', 'Accountants need invoices as PDF files.');
  await indexItem(itemRef, context);
  const item = await trello.getItem(itemRef);
  await linkTicket(ticket(), summaryOfItem(item), context, { how: 'command' });
  expect(attachmentsOf(itemRef.id).map((a) => a.url)).toEqual([ticket().url]);
  return { memory, ticket, itemRef, item };
}

/** Jira answers an issue by its key (the card's attachment back names HELP-5 by key), as its REST API does. */
function answersByKey(memory: MemoryTracker) {
  const read = memory.getItem.bind(memory);
  memory.getItem = (ref) => read(ref.id === 'HELP-5' ? { ...ref, id: 'id-HELP-5' } : ref);
}

/** The card's scorecard as it reads now (the service edits its one scorecard in place). */
const scorecardOf = (cardId: string) =>
  [...trelloSandbox.state().actions]
    .reverse()
    .find(
      (action) =>
        action.type === 'commentCard' &&
        (action.data.card as { id: string }).id === cardId &&
        String(action.data.text).includes('Priority score: '),
    )?.data.text;

/** The ticket moved to another service desk: HELP-5 → SUP-1. */
function moveToSup(ticket: TrackerItem) {
  Object.assign(ticket, {
    ref: { ...ticket.ref, key: 'SUP-1' },
    url: 'https://acme.atlassian.net/browse/SUP-1',
    container: { id: '30000', key: 'SUP', projectType: 'service_desk' },
  });
}

describe('links people remove in the tracker, with the real adapters', () => {
  it('keeps a Trello ticket’s /link to a Jira item at the ticket’s next job, whatever path the Jira site URL has', async () => {
    // The adapter documents a site URL with a path ("http://127.0.0.1:4000/jira works too"); the stack uses one.
    const issue = jiraSandbox.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Bulk edit of user roles',
      issuetype: 'Story',
    });
    const item = await jira.getItem({ tracker: 'jira', id: issue.id, key: issue.key });
    await indexItem(item.ref, context);
    const ticketRef = await card(
      'Tickets',
      'Need to change many roles',
      'Changing roles one by one takes ages.',
    );
    // `/link APP-1` typed on the card.
    await linkTicket(await trello.getItem(ticketRef), summaryOfItem(item), context, { how: 'command' });
    expect(attachmentsOf(ticketRef.id).map((a) => a.url)).toEqual([item.url]);

    // A person edits the card's description: its link-ticket job runs.
    await act('edit-desc', {
      cardId: ticketRef.id,
      desc: 'Changing roles one by one takes ages, please help.',
    });
    const result = await matchTicket(ticketRef, context);

    expect(result).not.toHaveProperty('unlinkedInTracker');
    const records = await createLinkRecords(redis, context.keyPrefix).itemsOf(ticketRef);
    expect(records.map((record) => record.item.key)).toEqual([issue.key]);
    expect(jiraSandbox.state.remoteLinks.filter((link) => link.issueId === issue.id)).toHaveLength(1);
  });

  it('removes the link back from the Trello card when a person removes the link of a Jira ticket that moved project', async () => {
    const { memory, ticket, itemRef, item } = await ticketLinkedToCard();
    // Jira answers an issue's old key after a move, as its REST API does.
    answersByKey(memory);

    // The ticket is moved to another service desk (HELP-5 → SUP-1), then a person removes its link to the card.
    moveToSup(ticket());
    ticket().links = [];
    expect(await matchTicket(ticket().ref, context)).toMatchObject({ unlinkedInTracker: [item.ref.key] });

    // The card's resolution must not reach the ticket, and the card must no longer name it.
    await act('move-card', { cardId: itemRef.id, list: 'Done' });
    expect(await notifyResolution(itemRef, context)).toEqual({ resolution: 1, notified: [] });
    expect(attachmentsOf(itemRef.id)).toEqual([]);
  });

  it('/unlink with the item’s new key removes the ticket’s attachment, which names the item by its old key', async () => {
    const memory = createMemoryTracker([memoryItem('APP-12', { title: 'Export invoices as PDF' })]);
    useMemoryJira(memory);
    const item = () => memory.items.get('id-APP-12')!;
    await indexItem(item().ref, context);
    const ticketRef = await card(
      'Tickets',
      'Invoices as PDF please',
      'My accountant needs the invoices as PDF.',
    );
    // `/link APP-12` typed on the card: an attachment on the card, a remote link back on the issue.
    await linkTicket(await trello.getItem(ticketRef), summaryOfItem(item()), context, { how: 'command' });
    expect(attachmentsOf(ticketRef.id).map((a) => a.url)).toEqual([item().url]);

    // The issue is moved to another project (APP-12 → NEW-3); its move re-indexes it under its new key.
    Object.assign(item(), {
      ref: { ...item().ref, key: 'NEW-3' },
      url: 'https://acme.atlassian.net/browse/NEW-3',
      container: { id: '10001', key: 'NEW' },
    });
    await indexItem(item().ref, context);
    await expect(matchTicket(ticketRef, context)).resolves.toMatchObject({ skipped: 'already linked' });

    // A person types `/unlink NEW-3` on the card (the key Jira shows now); the command finds the item as it is now.
    expect(await unlinkTicket(await trello.getItem(ticketRef), summaryOfItem(item()), context)).toBe(true);
    // "/unlink APP-12 — removes the link (both ends)": the card no longer shows a link to the issue.
    expect(attachmentsOf(ticketRef.id)).toEqual([]);
  });
});

describe('review3: a Jira item the service may no longer see', () => {
  it('does not link a Trello ticket again to the Jira item a person removed, when Jira hides that item from the service (404)', async () => {
    const memory = createMemoryTracker([
      memoryItem('APP-12', {
        title: 'Export invoices as PDF',
        description: 'Accountants need the invoices as PDF files.',
      }),
    ]);
    useMemoryJira(memory);
    const itemRef = memory.items.get('id-APP-12')!.ref;
    await indexItem(itemRef, context);
    const ticketRef = await card(
      'Tickets',
      'Export invoices as PDF',
      'My accountant needs the invoices as PDF files.',
    );
    expect(await matchTicket(ticketRef, context)).toMatchObject({ linked: 'APP-12' });
    expect(attachmentsOf(ticketRef.id)).toHaveLength(1);

    // The service's Jira account loses Browse on APP (a permission scheme change, an issue security level). Jira
    // answers an issue the caller may not see with a 404, "Issue does not exist or you do not have permission to
    // see it." (the sandbox's own issueNotFound): the service cannot tell it from a deleted issue. The issue is
    // not deleted, so no webhook takes it out of the index.
    const hidden = (ref: ItemRef) => ref.id === itemRef.id || ref.key === itemRef.key;
    const notFound = () =>
      new TrackerError('notFound', 'jira', 'Issue does not exist or you do not have permission to see it.', {
        status: 404,
      });
    for (const method of ['getItem', 'addLink', 'removeLink'] as const) {
      const original = memory[method].bind(memory) as (ref: ItemRef, ...rest: unknown[]) => Promise<unknown>;
      (memory as unknown as Record<string, unknown>)[method] = async (ref: ItemRef, ...rest: unknown[]) => {
        if (hidden(ref)) throw notFound();
        return original(ref, ...rest);
      };
    }

    // An agent removes the wrong automatic link: the card's attachment to APP-12. The card's next job runs.
    for (const attachment of attachmentsOf(ticketRef.id))
      trelloSandbox.state().attachments.delete(attachment.id);
    // (The job then fails on the link back: Jira's 404 again, not retryable.)
    await matchTicket(ticketRef, context).catch(() => undefined);

    // docs/linking.md "A person's word stands": the service no longer links that ticket automatically.
    expect(attachmentsOf(ticketRef.id)).toEqual([]);
  });
});

describe('attachments to another Jira site’s issue with one of our keys', () => {
  const vendor = 'https://pdfvendor.atlassian.net/browse/APP-12';
  /** Our APP-12, indexed, and a Trello ticket about the same problem. */
  async function ourItemAndTicket() {
    const memory = createMemoryTracker([
      memoryItem('APP-12', { title: 'Export invoices as PDF', createdAt: '2020-01-01T00:00:00Z' }),
    ]);
    useMemoryJira(memory);
    const item = memory.items.get('id-APP-12')!;
    await indexItem(item.ref, context);
    const ticketRef = await card(
      'Tickets',
      'Invoices as PDF please',
      'My accountant needs the invoices exported as PDF.',
    );
    return { memory, item, ticketRef };
  }
  // The agent attaches the PDF vendor's upstream issue, on the vendor's own Jira site, which has the same key.
  const attachVendorIssue = (ticketRef: ItemRef) =>
    act('add-attachment', { cardId: ticketRef.id, url: vendor, name: 'Upstream: PDF export bug' });

  it('/unlink APP-12 on a Trello ticket leaves the attachment a person made to the other site’s APP-12', async () => {
    const { item, ticketRef } = await ourItemAndTicket();
    await linkTicket(await trello.getItem(ticketRef), summaryOfItem(item), context, { how: 'command' });
    await attachVendorIssue(ticketRef);
    expect(attachmentsOf(ticketRef.id).map((a) => a.url)).toEqual([item.url, vendor]);

    // `/unlink APP-12`: removes the service's link to its APP-12, not a person's attachment to another site.
    await unlinkTicket(await trello.getItem(ticketRef), summaryOfItem(item), context);
    expect(attachmentsOf(ticketRef.id).map((a) => a.url)).toEqual([vendor]);
  });

  it('a Trello ticket holding only that attachment is not taken as linked to ours: it is matched (here linked), and told once when APP-12 is resolved', async () => {
    const { memory, item, ticketRef } = await ourItemAndTicket();
    await attachVendorIssue(ticketRef);

    expect(await matchTicket(ticketRef, context)).toMatchObject({ linked: 'APP-12' });
    expect(attachmentsOf(ticketRef.id).map((a) => a.url)).toEqual([vendor, item.url]);
    memory.items.set(item.ref.id, { ...item, status: { name: 'Done', category: 'done' } });
    expect(await notifyResolution(item.ref, context)).toEqual({ resolution: 1, notified: [ticketRef.key] });
  });
});

describe('a Jira ticket’s remote link removed by a person (Jira sends no event for it)', () => {
  it('the card stops counting the ticket as soon as it is scored or resolved, before the ticket’s next job', async () => {
    const { memory, ticket, itemRef } = await ticketLinkedToCard();
    answersByKey(memory);
    await applyScore(await trello.getItem(itemRef), context);
    expect(String(scorecardOf(itemRef.id))).toContain('HELP-5');
    // An agent removes the ticket's remote link to the card in Jira's issue view: no webhook, no job of the ticket.
    ticket().links = [];

    // A person edits the card: its score is written again, without the ticket's reach.
    await act('edit-desc', { cardId: itemRef.id, desc: 'Accountants need invoices as PDF files, monthly.' });
    await applyScore(await trello.getItem(itemRef), context);
    expect(String(scorecardOf(itemRef.id))).not.toContain('HELP-5');
    expect(String(scorecardOf(itemRef.id))).toContain('No linked support tickets yet');
    // The card ships: the ticket, unlinked by a person, is not told.
    await act('move-card', { cardId: itemRef.id, list: 'Done' });
    expect(await notifyResolution(itemRef, context)).toEqual({ resolution: 1, notified: [] });
  });
});

describe('a Jira ticket deleted (a duplicate, spam)', () => {
  it('stops counting on the card it was linked to as soon as its deletion is handled', async () => {
    const { memory, ticket, itemRef } = await ticketLinkedToCard();
    answersByKey(memory);
    await applyScore(await trello.getItem(itemRef), context);
    expect(String(scorecardOf(itemRef.id))).toContain('HELP-5');

    // An agent deletes the ticket: Jira's jira:issue_deleted runs its index-item job; nothing happens on the card.
    const { ref } = ticket();
    memory.items.delete(ref.id);
    await indexItem(ref, context);

    expect(String(scorecardOf(itemRef.id))).not.toContain('HELP-5');
    expect(await createLinkRecords(redis, context.keyPrefix).ticketsOf(itemRef)).toEqual([]);
  });
});

describe('a retried /unlink', () => {
  it('removes the link back naming a moved ticket by its old key, when the first attempt failed on the link back', async () => {
    const { memory, ticket, itemRef, item } = await ticketLinkedToCard();
    // The ticket moves to another service desk (HELP-5 → SUP-1).
    moveToSup(ticket());

    // `/unlink`: Trello answers the first removal on the card with a 503; BullMQ retries the job.
    let failed = false;
    const flaky: Tracker = {
      ...trello,
      removeLink: async (from, to) => {
        if (!failed && from.id === itemRef.id) {
          failed = true;
          throw new TrackerError('server', 'trello', 'Service unavailable', { status: 503 });
        }
        return trello.removeLink(from, to);
      },
    };
    const unlinkContext: JobContext = { ...context, tracker: (name) => (name === 'trello' ? flaky : memory) };
    await expect(unlinkTicket(ticket(), summaryOfItem(item), unlinkContext)).rejects.toThrow();
    // The retry: "/unlink ... removes the link (both ends)", also a link back naming the ticket's old key.
    const unlinked = await unlinkTicket(ticket(), summaryOfItem(item), unlinkContext);
    expect(attachmentsOf(itemRef.id)).toEqual([]);
    // `unlinkByHand` answers "SUP-1 was not linked to …" when this is false.
    expect(unlinked).toBe(true);
  });
});

describe('a web link a person adds in Jira by pasting a Trello card URL', () => {
  it('counts on the card like the service’s own link, and `/unlink` removes it', async () => {
    jiraSandbox.seed({ projects: [{ key: 'DESK', name: 'Desk', projectTypeKey: 'service_desk' }] });
    const itemRef = await card(
      'Backlog',
      'Export invoices as PDF',
      'Accountants need invoices as PDF files.',
    );
    await indexItem(itemRef, context);
    const issue = jiraSandbox.act.createIssue({
      as: 'ada',
      project: 'DESK',
      summary: 'Bills for my bookkeeper',
      issuetype: 'Task',
    });
    const ticketRef: ItemRef = { tracker: 'jira', id: issue.id, key: issue.key };
    // An agent pastes the card's address under "Link web page" in the issue view (no globalId, no application).
    const url = `https://trello.com/c/${itemRef.key}/12-export-invoices-as-pdf`;
    jiraSandbox.act.webLink({ as: 'ada', issue: issue.key, url, title: 'Export invoices as PDF' });

    // The ticket's next job (an edit) takes the link as the person's.
    await matchTicket(ticketRef, context);
    const records = await createLinkRecords(redis, context.keyPrefix).itemsOf(ticketRef);
    expect(records.map((record) => [record.item.key, record.how])).toEqual([[itemRef.key, 'tracker']]);
    await applyScore(await trello.getItem(itemRef), context);
    expect(String(scorecardOf(itemRef.id))).toContain(issue.key);

    // `/unlink` on the ticket removes the link the person made.
    const item = summaryOfItem(await trello.getItem(itemRef));
    expect(await unlinkTicket(await jira.getItem(ticketRef), item, context)).toBe(true);
    expect(jiraSandbox.state.remoteLinks.filter((link) => link.issueId === issue.id)).toEqual([]);
  });
});

describe('a web link a person adds in Jira by pasting an issue URL of the service’s own site', () => {
  it('counts for the issue like the service’s own link (reach, resolution), and `/unlink` removes it; another site’s does not', async () => {
    jiraSandbox.seed({ projects: [{ key: 'SERV', name: 'Service', projectTypeKey: 'service_desk' }] });
    // The site lives under a path here (`…/jira`), as the Trello attachments' parsing allows.
    const site = `${server.url}${jiraSandbox.prefix}`;
    const backlog = jiraSandbox.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Bulk edit of user roles',
      description: 'Admins want to change the role of many users at once.',
      issuetype: 'Story',
    });
    const itemRef: ItemRef = { tracker: 'jira', id: backlog.id, key: backlog.key };
    await indexItem(itemRef, context);
    const issue = jiraSandbox.act.createIssue({
      as: 'ada',
      project: 'SERV',
      summary: 'Changing roles takes ages',
      issuetype: 'Task',
    });
    const ticketRef: ItemRef = { tracker: 'jira', id: issue.id, key: issue.key };
    // An agent pastes the issue's address under "Link web page"; another site has an issue of that key too.
    const elsewhere = `https://elsewhere.atlassian.net/browse/${backlog.key}`;
    jiraSandbox.act.webLink({ as: 'ada', issue: issue.key, url: elsewhere, title: 'Not ours' });
    jiraSandbox.act.webLink({
      as: 'ada',
      issue: issue.key,
      url: `${site}/browse/${backlog.key}`,
      title: 'Roles',
    });

    await matchTicket(ticketRef, context);
    const records = await createLinkRecords(redis, context.keyPrefix).itemsOf(ticketRef);
    expect(records.map((record) => [record.item.key, record.how])).toEqual([[backlog.key, 'tracker']]);
    await applyScore(await jira.getItem(itemRef), context);
    const scorecard = () =>
      JSON.stringify(jiraSandbox.state.comments.filter((comment) => comment.issueId === backlog.id));
    expect(scorecard()).toContain(issue.key);

    jiraSandbox.act.transition({ as: 'ada', issue: backlog.key, to: 'In Progress' });
    jiraSandbox.act.transition({ as: 'ada', issue: backlog.key, to: 'Done' });
    expect(await notifyResolution(itemRef, context)).toMatchObject({ notified: [issue.key] });

    const item = summaryOfItem(await jira.getItem(itemRef));
    expect(await unlinkTicket(await jira.getItem(ticketRef), item, context)).toBe(true);
    expect(
      jiraSandbox.state.remoteLinks
        .filter((link) => link.issueId === issue.id)
        .map((link) => link.object.url),
    ).toEqual([elsewhere]);
    expect(jiraSandbox.state.remoteLinks.filter((link) => link.issueId === backlog.id)).toEqual([]);
  });
});

describe('the scheduled reconcile of remote links (Jira sends no event when one is removed)', () => {
  it('settles a closed ticket’s remote link a person removed: the card loses its link back and the ticket’s reach', async () => {
    const { memory, ticket, itemRef } = await ticketLinkedToCard();
    answersByKey(memory);
    // The ticket is closed, then an agent removes its remote link to the card: no webhook, no job of the ticket.
    ticket().links = [];

    const result = await reconcileRemoteLinks({ trigger: 'schedule' }, context);

    expect(result).toMatchObject({ tickets: 1, removed: 1 });
    expect(attachmentsOf(itemRef.id)).toEqual([]);
    expect(await createLinkRecords(redis, context.keyPrefix).itemsOf(ticket().ref)).toEqual([]);
    expect(String(scorecardOf(itemRef.id))).not.toContain('HELP-5');
  });

  it('is scheduled every LINK_RECONCILE_INTERVAL_MS (6 hours unless set; 0 turns it off)', () => {
    expect(testConfig().linkReconcileIntervalMs).toBe(21_600_000);
    expect(linkReconcileSchedule(testConfig({ LINK_RECONCILE_INTERVAL_MS: '600000' }))).toMatchObject({
      every: 600_000,
    });
    expect(linkReconcileSchedule(testConfig({ LINK_RECONCILE_INTERVAL_MS: '0' }))).toBeUndefined();
  });
});
