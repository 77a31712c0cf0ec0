import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createAuditedTracker } from '../../src/audit/audited-tracker.ts';
import { createRedisUserStore } from '../../src/console/users.ts';
import { closeDirection, doc, paragraph } from '../../src/domain/doc.ts';
import type { LinkTarget } from '../../src/trackers/tracker.ts';
import { createMemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

/** The console's history says what each write of the service did, in words, not the port's method names. */
describe('console activity: what each change did', () => {
  let harness: ApiHarness;
  let body = '';
  /** The history of an item whose titles run right to left with overrides: one left open, one closed after 120. */
  let rtlBody = '';
  /** The history of an item whose scorecard only the project role Developers may read in Jira. */
  let restrictedBody = '';
  const item = memoryItem('ABC-1', {
    title: 'Checkout <b>fails</b>',
    fields: { Impact: 2, Effort: null, Confidence: 0.5 },
  });
  const ticket: LinkTarget = {
    kind: 'item',
    ref: { tracker: 'jira', id: 'id-HELP-4', key: 'HELP-4' },
    url: 'https://acme.atlassian.net/browse/HELP-4',
    title: 'App closes when I <script>open</script> a photo',
  };

  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole });
    const users = createRedisUserStore(harness.redis, harness.prefix);
    const ada = consoleClient(harness.app);
    expect((await ada.signIn((await users.add('ada', 'viewer')).token)).statusCode).toBe(303);
    const audit = createRedisAuditStore({
      redis: harness.redis,
      keyPrefix: harness.prefix,
      retentionDays: 30,
    });
    const rtl = memoryItem('ABC-2');
    const restricted = memoryItem('ABC-3');
    const tracker = createAuditedTracker(createMemoryTracker([item, memoryItem('HELP-4'), rtl, restricted]), {
      audit,
      dryRun: false,
      context: {
        capability: 'score-item',
        jobId: 'j1',
        deliveryId: 'd1',
        actor: { id: 'u1', displayName: 'Pat' },
      },
    });
    await tracker.setNumberFields(
      item.ref,
      { Impact: 4, Effort: 3, Confidence: null },
      { createMissing: false },
    );
    await tracker.setLabel(item.ref, 'needs-acceptance-criteria', true);
    await tracker.addLink(item.ref, ticket, 'Relates');
    await tracker.upsertComment(item.ref, 'scorecard', doc(paragraph('RICE 12')));
    await tracker.upsertComment(item.ref, 'scorecard', doc(paragraph('RICE 13')));
    await tracker.upsertComment(item.ref, 'reply-10042', doc(paragraph('Done.')));
    await tracker.moveTo(item.ref, 'In Progress');
    await tracker.setTitle(item.ref, 'Checkout fails on Safari');
    await tracker.setLabel(item.ref, 'needs-acceptance-criteria', false);
    await tracker.removeLink(item.ref, ticket);
    await tracker.deleteOwnComment(item.ref, 'scorecard');
    await tracker.setTitle(item.ref, `Checkout ${'very '.repeat(3_000)}slow`);
    // A Trello list's name, which any board member writes, may be 16,384 characters, as a card's.
    await tracker.moveTo(item.ref, `Waiting ${'on the customer '.repeat(1_000)}`);
    body = (await ada.get('/console/activity?tracker=jira&item=ABC-1')).body;
    await tracker.setTitle(rtl.ref, 'Refund \u202Eflow');
    await tracker.setTitle(rtl.ref, `Refund \u202E${'slow '.repeat(30)}\u202C page`);
    rtlBody = (await ada.get('/console/activity?tracker=jira&item=ABC-2')).body;
    await tracker.upsertComment(restricted.ref, 'scorecard', doc(paragraph('Embargoed: RICE 40')), {
      visibility: { type: 'role', value: 'Developers' },
    });
    await tracker.deleteOwnComment(restricted.ref, 'scorecard');
    restrictedBody = (await ada.get('/console/activity?tracker=jira&item=ABC-3')).body;
  });
  afterAll(async () => harness?.close());

  /** The Change cells of the page, newest first, as a reader sees them (tags stripped, entities decoded). */
  const changes = (page = body) =>
    [
      ...page.matchAll(
        /<tr id="[^"]+" data-audit-id="[^"]+">(?:\s*<td[^>]*>[\s\S]*?<\/td>){4}\s*<td>([\s\S]*?)<\/td>/g,
      ),
    ].map((m) =>
      (m[1] ?? '')
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;|&#34;/g, '"')
        .replace(/&amp;/g, '&')
        .trim(),
    );

  it('names every write in words, with the values it wrote and replaced', () => {
    expect(changes()).toEqual([
      `moved from In Progress to Waiting ${'on the customer '.repeat(7).trimEnd()}…`,
      `renamed from "Checkout fails on Safari" to "Checkout ${'very '.repeat(22).trimEnd()}…"`,
      'deleted its "scorecard" comment',
      'removed the link to HELP-4 (App closes when I <script>open</script> a photo)',
      'removed label needs-acceptance-criteria',
      'renamed from "Checkout <b>fails</b>" to "Checkout fails on Safari"',
      'moved from To Do to In Progress',
      'posted its reply to a command',
      'updated its "scorecard" comment',
      'posted its "scorecard" comment',
      'linked HELP-4 (App closes when I <script>open</script> a photo)',
      'added label needs-acceptance-criteria',
      'set Impact 4 (was 2), Effort 3, Confidence cleared (was 0.5)',
    ]);
  });

  // A right-to-left override left open in a title (or whose close the cut to 120 characters dropped) would show
  // the console's words after it mirrored: 'renamed from "…" to "…"' read backwards.
  it('ends the writing direction of a title it quotes with the title', () => {
    const cells = changes(rtlBody);

    expect(cells).toHaveLength(2);
    for (const cell of cells) expect(closeDirection(cell)).toBe(cell);
  });

  it('says to whom a restricted comment it wrote or deleted shows, and never its text', () => {
    expect(changes(restrictedBody)).toEqual([
      'deleted its "scorecard" comment, restricted to project role Developers',
      'posted its "scorecard" comment, restricted to project role Developers',
    ]);
    expect(restrictedBody).not.toContain('Embargoed');
  });

  it('names whose comment, ticket or edit caused each write, not as if that person made it', () => {
    expect(body).toContain('<th scope="col">Caused by</th>');
    expect(body).not.toContain('<th scope="col">Who</th>');
  });

  it('escapes the tracker text it quotes', () => {
    expect(body).not.toContain('<script>open</script>');
    expect(body).not.toContain('<b>fails</b>');
    expect(body).toContain('&lt;script&gt;open&lt;/script&gt;');
  });
});
