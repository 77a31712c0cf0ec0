/**
 * Second review of 8cc621b with the real Trello adapter on the sandbox (attachments are matched by URL and key
 * there; the memory tracker matches by id and would hide it). Fails on 4f81491.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container, ItemRef } from '../../src/domain/events.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import type { Rules } from '../../src/rules/rules-schema.ts';
import { type SandboxServer, startSandboxServer } from '../../src/sandbox/sandbox-server.ts';
import { createTrelloSandbox } from '../../src/sandbox/trello/trello-sandbox.ts';
import type { Tracker } from '../../src/trackers/tracker.ts';
import { createTrelloTracker } from '../../src/trackers/trello/trello-tracker.ts';
import {
  indexItem,
  linkTicket,
  matchTicket,
  summaryOfItem,
  unlinkTicket,
} from '../../workers/capabilities/linking.ts';
import type { JobContext } from '../../workers/job-context.ts';
import { createMemoryTracker, type MemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { testConfig } from '../helpers/test-config.ts';

const redis: Redis = testRedis();
const log = createLogger({ level: 'silent' });
const trelloSandbox = createTrelloSandbox();
let server: SandboxServer;
let trello: Tracker;
let boardId: string;

beforeAll(async () => {
  server = await startSandboxServer([trelloSandbox]);
  boardId = trelloSandbox.seedBoard({ name: 'Support', lists: ['Tickets', 'Done'] }).id;
  trello = createTrelloTracker({
    apiUrl: `${server.url}${trelloSandbox.prefix}`,
    apiKey: 'sandbox-key',
    apiToken: 'sandbox-token',
    log,
    limiter: { acquire: async () => {} },
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
let jira: MemoryTracker;
beforeEach(() => {
  jira = createMemoryTracker([memoryItem('APP-12', { title: 'Export invoices as PDF' })]);
  context = {
    log,
    jobId: 'job-1',
    config: testConfig(),
    rules,
    tracker: (name) => (name === 'trello' ? trello : jira),
    selfId: () => 'bot',
    redis,
    keyPrefix: uniquePrefix('links-review2-adapters'),
    now: () => new Date(),
  };
});

async function act(action: string, body: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/_sandbox/trello/act/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${action}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}
const attachmentsOf = (cardId: string) =>
  [...trelloSandbox.state().attachments.values()].filter((attachment) => attachment.idCard === cardId);

describe('the link of a Trello ticket to a Jira item that moved project', () => {
  it('/unlink with the item’s new key removes the ticket’s attachment, which names the item by its old key', async () => {
    const item = () => jira.items.get('id-APP-12')!;
    await indexItem(item().ref, context);
    const created = await act('create-card', {
      boardId,
      list: 'Tickets',
      name: 'Invoices as PDF please',
      desc: 'My accountant needs the invoices as PDF.',
    });
    const ticketRef: ItemRef = { tracker: 'trello', id: String(created.id), key: String(created.shortLink) };
    // `/link APP-12` typed on the card: an attachment on the card, a remote link back on the issue.
    await linkTicket(await trello.getItem(ticketRef), summaryOfItem(item()), context, { how: 'command' });
    expect(attachmentsOf(ticketRef.id).map((a) => a.url)).toEqual([item().url]);

    // The issue is moved to another project (APP-12 → NEW-3); its move re-indexes it under its new key.
    const NEW: Container = { id: '10001', key: 'NEW' };
    Object.assign(item(), {
      ref: { ...item().ref, key: 'NEW-3' },
      url: 'https://acme.atlassian.net/browse/NEW-3',
      container: NEW,
    });
    await indexItem(item().ref, context);
    await expect(matchTicket(ticketRef, context)).resolves.toMatchObject({ skipped: 'already linked' });

    // A person types `/unlink NEW-3` on the card (the key Jira shows now); the command finds the item as it is now.
    expect(await unlinkTicket(await trello.getItem(ticketRef), summaryOfItem(item()), context)).toBe(true);

    // "/unlink APP-12 — removes the link (both ends)": the card no longer shows a link to the issue.
    expect(attachmentsOf(ticketRef.id)).toEqual([]);
  });
});
