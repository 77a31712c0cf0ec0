import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import { createReadModelWriter } from '../../src/read-model/index.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import { makeItem } from '../domain/scoring/make-item.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { checkedItems, FAILS, PASSES } from './checked-items.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

const BOARD = '5f1c0a2b3c4d5e6f70819a2b';
const SHORT_LINK = 'a1B2c3D4';
const BOARD_NAME = 'Mobile <b>app</b>';
const SHOWN_NAME = 'Mobile &lt;b&gt;app&lt;/b&gt;';

/** How the console names projects and boards, and which one acceptance health opens on. */
describe('console containers', () => {
  let harness: ApiHarness;
  let person: ReturnType<typeof consoleClient>;

  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole });
    const writer = createReadModelWriter(harness.redis, harness.prefix);
    const write = checkedItems(harness.redis, harness.prefix);
    // APP comes first alphabetically with one item missing criteria; OPS and WEB have three each.
    const backlog = { APP: [FAILS, PASSES, PASSES], OPS: [FAILS, FAILS, FAILS], WEB: [FAILS, FAILS, FAILS] };
    for (const [project, verdicts] of Object.entries(backlog))
      for (const [n, verdict] of verdicts.entries())
        await write(
          makeItem({
            key: `${project}-${n + 1}`,
            id: `${project}${n}`,
            container: { id: project, key: project },
          }),
          verdict,
        );
    // Trello boards: one whose name the adapter read (written by a person: hostile), one known by its short link
    // alone (a record written before names were kept). A variable, not a literal: the name is the change.
    const named = { id: BOARD, key: SHORT_LINK, name: BOARD_NAME };
    const card = (key: string, container: TrackerItem['container']): TrackerItem => ({
      ...makeItem({ key, container }),
      ref: { tracker: 'trello', id: `id-${key}`, key },
      url: `https://trello.com/c/${key}`,
    });
    await write(card('Crd00001', named), FAILS);
    await write(card('Crd00002', named), PASSES);
    await write(card('Crd00003', { id: 'board-b', key: 'z9Y8x7W6' }), PASSES);
    await writer.suggested(card('Sup00001', named), 'Globex', [
      {
        item: {
          ref: { tracker: 'trello', id: 'id-Crd00001', key: 'Crd00001' },
          title: 'Item Crd00001',
          url: '',
        },
        confidence: 0.6,
        sharedTerms: ['export'],
      },
    ]);
    const { token } = await createRedisUserStore(harness.redis, harness.prefix).add('pm', 'viewer');
    person = consoleClient(harness.app);
    await person.signIn(token);
  });
  afterAll(async () => harness?.close());

  const selected = (body: string) => /<option value="([^"]+)" selected>/.exec(body)?.[1];
  const chosen = (body: string) => /<p class="chosen">([\s\S]*?)<\/p>/.exec(body)?.[1];

  it('opens acceptance health on the backlog with the most items missing criteria, ties alphabetical, and says why', async () => {
    const page = await person.get('/console/acceptance');
    expect(page.statusCode).toBe(200);
    expect(selected(page.body)).toBe('jira:OPS');
    expect(page.body).toContain('3 of 3 checked items fail');
    expect(chosen(page.body)).toMatch(/^Showing <bdi>OPS<\/bdi>.*most items missing criteria/);
    // One the person picked is shown for that: no reason to give.
    const picked = await person.get('/console/acceptance?container=jira%3AAPP');
    expect(selected(picked.body)).toBe('jira:APP');
    expect(picked.body).toContain('1 of 3 checked items fail');
    expect(picked.body).not.toContain('most items missing criteria');
  });

  it('names a Trello board by its name wherever a container is named, escaped, and by its short link when unknown', async () => {
    const pages = {
      backlog: await person.get('/console/backlog'),
      item: await person.get('/console/items/trello/Crd00001'),
      acceptance: await person.get(`/console/acceptance?container=trello%3A${BOARD}`),
      triage: await person.get('/console/triage'),
    };
    for (const [name, page] of Object.entries(pages)) {
      expect(page.statusCode, name).toBe(200);
      expect(page.body, name).toContain(SHOWN_NAME);
      expect(page.body, name).not.toContain(SHORT_LINK);
    }
    // The row, and the backlog picker's option.
    expect(pages.backlog.body).toContain(`<span class="container"><bdi>${SHOWN_NAME}</bdi>`);
    expect(pages.backlog.body).toContain(
      `<option value="trello:${BOARD}">${SHOWN_NAME} (trello, 2 items)</option>`,
    );
    expect(pages.item.body).toContain(`<span class="muted"><bdi>${SHOWN_NAME}</bdi>`);
    expect(pages.acceptance.body).toContain(
      `<option value="trello:${BOARD}" selected>${SHOWN_NAME} (trello)</option>`,
    );
    expect(pages.triage.body).toContain(`<p class="meta"><bdi>${SHOWN_NAME}</bdi> · customer`);
    expect(pages.backlog.body).toContain('z9Y8x7W6');
    const csv = await person.get('/console/backlog.csv');
    expect(csv.body).toContain('"Mobile <b>app</b>"');
    expect(csv.body).not.toContain(SHORT_LINK);
  });
});
