import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import { finding, type Verdict } from '../../src/domain/acceptance/findings.ts';
import { resolveScoringRules } from '../../src/domain/scoring/rules.ts';
import { scoreItem } from '../../src/domain/scoring/score-item.ts';
import { createReadModelWriter } from '../../src/read-model/index.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import { makeItem } from '../domain/scoring/make-item.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

const PASSES: Verdict = { ok: true, template: 'story', findings: [], missingSections: [] };
const FAILS: Verdict = {
  ok: false,
  template: 'story',
  findings: [finding('missing-acceptance-criteria', 'error', {}, 'No criteria.', 'Write them.')],
  missingSections: ['acceptance-criteria'],
};

/** How the console names projects and boards, and which one acceptance health opens on. */
describe('console containers', () => {
  let harness: ApiHarness;
  let person: ReturnType<typeof consoleClient>;

  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole });
    const writer = createReadModelWriter(harness.redis, harness.prefix);
    const rules = resolveScoringRules({});
    const write = async (item: TrackerItem, verdict: Verdict) => {
      await writer.scored(item, scoreItem({ item }, rules));
      await writer.checked(item, verdict);
    };
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
});
