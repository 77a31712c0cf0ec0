import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import type { Container } from '../../src/domain/events.ts';
import { readModelKeys } from '../../src/read-model/keys.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import { indexItem, linkTicket, summaryOfItem } from '../../workers/capabilities/linking.ts';
import { matchTicket } from '../../workers/capabilities/linking-match.ts';
import { createMemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';
import { triageContext } from './triage-context.ts';

const HELP: Container = { id: '20000', key: 'HELP', projectType: 'service_desk' };

/** The triage inbox names the earlier linked ticket a suggestion came through, as the ticket's comment does. */
describe('console triage: suggestions learnt from linked tickets', () => {
  let harness: ApiHarness;
  // Each test links its own earlier ticket: a fresh index, so no other test's ticket teaches the same words.
  beforeEach(async () => {
    harness = await startApiHarness({ console: realConsole });
  });
  afterEach(async () => harness?.close());

  /**
   * `teacher` (HELP-5 unless it says otherwise) is linked to APP-3 by a person; HELP-6, worded like it, then waits
   * in the inbox with APP-3 suggested through it. Returns the part of the page from HELP-6's card on.
   */
  async function learntCard(teacher: Partial<TrackerItem> = {}): Promise<string> {
    const earlier = memoryItem(teacher.ref?.key ?? 'HELP-5', {
      title: 'Bank refuses my purchase',
      description: 'Every purchase I try is refused by the bank.',
      container: HELP,
      createdAt: '2025-02-01T00:00:00.000Z',
      ...teacher,
    });
    const tracker = createMemoryTracker([
      memoryItem('APP-1', { title: 'Password reset email never arrives' }),
      memoryItem('APP-2', { title: 'Dark mode for the settings page' }),
      memoryItem('APP-3', { title: 'Card declined at checkout payment' }),
      earlier,
      memoryItem('HELP-6', {
        title: 'Purchase refused',
        description: 'The bank refused my purchase again.',
        container: HELP,
        createdAt: '2025-03-01T00:00:00.000Z',
      }),
    ]);
    const context = triageContext(harness, tracker);
    const item = (key: string) => [...tracker.items.values()].find((found) => found.ref.key === key)!;
    for (const key of ['APP-1', 'APP-2', 'APP-3']) await indexItem(item(key).ref, context);
    await linkTicket(item(earlier.ref.key), summaryOfItem(item('APP-3')), context, { how: 'command' });
    expect(await matchTicket(item('HELP-6').ref, context)).toMatchObject({ suggested: ['APP-3'] });
    return triagePage();
  }

  async function triagePage(): Promise<string> {
    const viewer = consoleClient(harness.app);
    const { token } = await createRedisUserStore(harness.redis, harness.prefix).add('vic', 'viewer');
    await viewer.signIn(token);
    const page = (await viewer.get('/console/triage')).body;
    return page.slice(page.indexOf('data-ticket-key="HELP-6"'));
  }

  it('links "worded like KEY" to the earlier ticket in its tracker, never showing its text', async () => {
    const help6 = await learntCard();
    expect(help6).toContain(
      '<span class="via">worded like <a href="https://acme.atlassian.net/browse/HELP-5" rel="noopener noreferrer">HELP-5</a>, already linked to it</span>',
    );
    expect(help6).not.toContain('Every purchase I try');
  });

  it('keeps the key as text when the ticket has no http(s) address, escaping a key that breaks out', async () => {
    const key = 'HELP-5"><img src=x onerror=alert(1)>';
    const page = await learntCard({
      ref: { tracker: 'jira', id: 'id-HELP-5', key },
      url: 'javascript:alert(document.cookie)',
    });
    expect(page).toContain(
      '<span class="via">worded like HELP-5&quot;&gt;&lt;img src=x onerror=alert(1)&gt;, already linked to it</span>',
    );
    expect(page).not.toContain('javascript:');
    expect(page).not.toContain('<img src=x');
  });

  it("percent-encodes an address that would break out of the link's attribute", async () => {
    const help6 = await learntCard({
      url: 'https://acme.atlassian.net/browse/HELP-5" onmouseover="alert(1)',
    });
    expect(help6).toContain(
      '<a href="https://acme.atlassian.net/browse/HELP-5%22%20onmouseover=%22alert(1)" rel="noopener noreferrer">HELP-5</a>',
    );
    expect(help6).not.toContain('" onmouseover');
  });

  it('keeps the key where the release before reads it, and shows the plain key of a suggestion it stored', async () => {
    await learntCard();
    const stored = readModelKeys(harness.prefix).triage.ticket('jira:id-HELP-6');
    const suggestions = JSON.parse((await harness.redis.hget(stored, 'suggestions')) ?? '[]') as {
      via?: string;
      viaUrl?: string;
    }[];
    expect(suggestions.map((s) => s.via)).toContain('HELP-5');
    const older = suggestions.map(({ viaUrl: _, ...rest }) => rest);
    await harness.redis.hset(stored, 'suggestions', JSON.stringify(older));
    const help6 = await triagePage();
    expect(help6).toContain('<span class="via">worded like HELP-5, already linked to it</span>');
  });
});
