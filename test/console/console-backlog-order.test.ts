import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import { makeItem } from '../domain/scoring/make-item.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { checkedItems, FAILS, PASSES } from './checked-items.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

/** What the backlog's headings and summary say about the order, against the order the rows come in. */
describe('console backlog order', () => {
  let harness: ApiHarness;
  let person: ReturnType<typeof consoleClient>;

  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole });
    const write = checkedItems(harness.redis, harness.prefix);
    // The highest-scored items pass; the failing ones are further down the ranking.
    for (let n = 1; n <= 6; n++) {
      const item = makeItem({
        key: `APP-${n}`,
        priority: n <= 3 ? 'Highest' : 'Low',
        estimate: { storyPoints: n },
      });
      await write(item, n <= 3 ? PASSES : FAILS);
    }
    const { token } = await createRedisUserStore(harness.redis, harness.prefix).add('pm', 'viewer');
    person = consoleClient(harness.app);
    await person.signIn(token);
  });
  afterAll(async () => harness?.close());

  const acceptanceOf = (body: string) =>
    [...body.matchAll(/<tr data-item-key="[^"]+"[\s\S]*?<span class="(ok|bad|muted)">(\w+)/g)].map(
      (m) => m[2],
    );
  const heading = (body: string, label: string) => {
    const match = new RegExp(`<th scope="col"( aria-sort="(\\w+)")?><a href="([^"]+)">${label}`).exec(body);
    if (!match) throw new Error(`no heading ${label}`);
    return { sort: match[2], href: match[3]!.replace(/&amp;/g, '&') };
  };

  it('lists the failing items first when the Acceptance heading is clicked', async () => {
    const ranked = await person.get('/console/backlog');
    expect(acceptanceOf(ranked.body).slice(0, 3)).toEqual(['passes', 'passes', 'passes']);
    const sorted = await person.get(heading(ranked.body, 'Acceptance').href);
    expect(acceptanceOf(sorted.body)).toEqual(['fails', 'fails', 'fails', 'passes', 'passes', 'passes']);
    expect(heading(sorted.body, 'Acceptance').sort).toBe('descending');
  });

  it('marks the direction the rows follow when a link names a column and no direction', async () => {
    const byAcceptance = await person.get('/console/backlog?sort=acceptance');
    expect(acceptanceOf(byAcceptance.body)[0]).toBe('fails');
    expect(heading(byAcceptance.body, 'Acceptance').sort).toBe('descending');
  });

  it('says in its summary what the rows are sorted by', async () => {
    const ranked = await person.get('/console/backlog');
    expect(ranked.body).toContain('Items 1–6 of 6, ranked by priority score, highest first.');
    const byEffort = await person.get('/console/backlog?sort=effort&dir=desc');
    expect(byEffort.body).not.toContain('ranked by priority score');
    expect(byEffort.body).toContain('Items 1–6 of 6, sorted by effort, highest first.');
    const byTitle = await person.get('/console/backlog?sort=title&dir=asc');
    expect(byTitle.body).toContain('Items 1–6 of 6, sorted by title, A to Z.');
  });
});
