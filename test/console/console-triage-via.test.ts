import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import type { Container } from '../../src/domain/events.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import { indexItem, linkTicket, matchTicket, summaryOfItem } from '../../workers/capabilities/linking.ts';
import type { JobContext } from '../../workers/job-context.ts';
import { createMemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { testConfig } from '../helpers/test-config.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

const HELP: Container = { id: '20000', key: 'HELP', projectType: 'service_desk' };

/** The triage inbox names the earlier linked ticket a suggestion came through, as the ticket's comment does. */
describe('console triage: suggestions learnt from linked tickets', () => {
  let harness: ApiHarness;
  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole });
  });
  afterAll(async () => harness?.close());

  it('shows "worded like KEY" on a suggestion that came through an earlier linked ticket', async () => {
    const tracker = createMemoryTracker([
      memoryItem('APP-1', { title: 'Password reset email never arrives' }),
      memoryItem('APP-2', { title: 'Dark mode for the settings page' }),
      memoryItem('APP-3', { title: 'Card declined at checkout payment' }),
      memoryItem('HELP-5', {
        title: 'Bank refuses my purchase',
        description: 'Every purchase I try is refused by the bank.',
        container: HELP,
        createdAt: '2025-02-01T00:00:00.000Z',
      }),
      memoryItem('HELP-6', {
        title: 'Purchase refused',
        description: 'The bank refused my purchase again.',
        container: HELP,
        createdAt: '2025-03-01T00:00:00.000Z',
      }),
    ]);
    const rules = defaultRules();
    const context: JobContext = {
      log: createLogger({ level: 'silent' }),
      jobId: 'job-1',
      config: testConfig(),
      // Nothing is confident enough to link by itself: HELP-6 waits in the inbox with its suggestions.
      rules: () => ({ ...rules, linking: { ...rules.linking, autoLinkThreshold: 0.99 } }),
      tracker: () => tracker,
      selfId: () => 'bot',
      redis: harness.redis,
      keyPrefix: harness.prefix,
      now: () => new Date('2025-06-01T00:00:00Z'),
      progress: async () => {},
    };
    const item = (key: string) => [...tracker.items.values()].find((found) => found.ref.key === key)!;
    for (const key of ['APP-1', 'APP-2', 'APP-3']) await indexItem(item(key).ref, context);
    await linkTicket(item('HELP-5'), summaryOfItem(item('APP-3')), context, { how: 'command' });
    expect(await matchTicket(item('HELP-6').ref, context)).toMatchObject({ suggested: ['APP-3'] });

    const viewer = consoleClient(harness.app);
    const { token } = await createRedisUserStore(harness.redis, harness.prefix).add('vic', 'viewer');
    await viewer.signIn(token);
    const page = (await viewer.get('/console/triage')).body;
    const help6 = page.slice(page.indexOf('data-ticket-key="HELP-6"'));
    expect(help6).toContain('<span class="via">worded like HELP-5, already linked to it</span>');
    expect(help6).not.toContain('Every purchase I try');
  });
});
