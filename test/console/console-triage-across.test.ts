import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import type { Container } from '../../src/domain/events.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import { indexItem, matchTicket } from '../../workers/capabilities/linking.ts';
import type { JobContext } from '../../workers/job-context.ts';
import { createMemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { testConfig } from '../helpers/test-config.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

const HELP: Container = { id: '20000', key: 'HELP', projectType: 'service_desk' };
const CARD = { tracker: 'trello', id: '5f1c00000000000000000abc', key: 'Ab3dEf9h' } as const;

/** A site with Jira and Trello: a Jira ticket's best match may be a Trello card, and the inbox acts on it. */
describe('console triage: a suggestion from the other tracker', () => {
  let harness: ApiHarness;
  beforeEach(async () => {
    harness = await startApiHarness({ console: realConsole });
  });
  afterEach(async () => harness?.close());

  async function inbox() {
    const tracker = createMemoryTracker([
      memoryItem('APP-1', { title: 'Password reset email never arrives' }),
      memoryItem(CARD.key, {
        ref: CARD,
        url: `https://trello.com/c/${CARD.key}`,
        title: 'Card declined at checkout payment',
        container: { id: '5f1c000000000000000b0a4d', key: 'Roadmap' },
      }),
      memoryItem('HELP-6', {
        title: 'Card declined at checkout',
        description: 'My card is declined at the checkout payment step.',
        container: HELP,
        createdAt: '2025-03-01T00:00:00.000Z',
      }),
    ]);
    const rules = defaultRules();
    const context: JobContext = {
      log: createLogger({ level: 'silent' }),
      jobId: 'job-1',
      config: testConfig(),
      // Nothing links by itself: HELP-6 waits in the inbox with the card suggested.
      rules: () => ({ ...rules, linking: { ...rules.linking, autoLinkThreshold: 0.99 } }),
      tracker: () => tracker,
      selfId: () => 'bot',
      redis: harness.redis,
      keyPrefix: harness.prefix,
      now: () => new Date('2025-06-01T00:00:00Z'),
      progress: async () => {},
    };
    const item = (key: string) => [...tracker.items.values()].find((found) => found.ref.key === key)!;
    for (const key of ['APP-1', CARD.key]) await indexItem(item(key).ref, context);
    expect(await matchTicket(item('HELP-6').ref, context)).toMatchObject({ suggested: [CARD.key] });
    const ada = consoleClient(harness.app);
    const { token } = await createRedisUserStore(harness.redis, harness.prefix).add('ada', 'editor');
    await ada.signIn(token);
    return { ada, page: (await ada.get('/console/triage')).body };
  }

  /** The fields of the page's form posting to `action` for the suggestion `item`, as a browser would send them. */
  function form(page: string, action: string, item: string): Record<string, string> {
    for (const match of page.matchAll(
      /<form class="action" method="post" action="([^"]+)">([\s\S]*?)<\/form>/g,
    )) {
      if (match[1] !== action) continue;
      const fields = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((f) => [
          f[1],
          f[2],
        ]),
      );
      if (fields.item === item) return fields as Record<string, string>;
    }
    throw new Error(`no form ${action} for ${item} on the page`);
  }

  it('confirms a Trello card suggested for a Jira ticket: /link names the card on the ticket', async () => {
    const { ada, page } = await inbox();
    const confirmed = await ada.post(
      '/console/triage/confirm',
      form(page, '/console/triage/confirm', CARD.id),
    );
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/console/triage?done=confirmed');
    const [job] = await harness.queue.getWaiting();
    expect(job?.data.event).toMatchObject({
      item: { tracker: 'jira', id: 'id-HELP-6', key: 'HELP-6' },
      actor: { displayName: 'console: ada' },
      comment: { text: `/link ${CARD.key}` },
    });
  });

  it('rejects a Trello card suggested for a Jira ticket: /unlink names the card on the ticket', async () => {
    const { ada, page } = await inbox();
    const rejected = await ada.post('/console/triage/reject', form(page, '/console/triage/reject', CARD.id));
    expect(rejected.statusCode).toBe(303);
    const [job] = await harness.queue.getWaiting();
    expect(job?.data.event).toMatchObject({
      item: { tracker: 'jira', key: 'HELP-6' },
      comment: { text: `/unlink ${CARD.key}` },
    });
  });
});
