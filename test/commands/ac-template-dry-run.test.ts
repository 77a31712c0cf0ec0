import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-entry.ts';
import type { TrackerName } from '../../src/domain/events.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import {
  jiraCutDescription,
  jiraFullDescription,
  trelloCutDescription,
  trelloFullDescription,
} from '../helpers/near-limit.ts';
import { stackAdmin } from '../helpers/stack-admin.ts';

/**
 * `/ac template` tried first with the admin API's dry run (docs/admin-api.md): its reply, which the audit trail
 * shows, must say what the real run would, also where the description is at the tracker's limit.
 */
const ADMIN_TOKEN = 'admin-token-ac-template-dry-run-0123';
let stack: InProcessStack;
let cards: Record<'plain' | 'full' | 'cut', string>;
const { admin, runAction } = stackAdmin(() => stack, ADMIN_TOKEN);

beforeAll(async () => {
  stack = await startInProcessStack({ ADMIN_TOKEN }, ({ trello }) => {
    const board = trello.seedBoard({
      name: 'Product',
      lists: ['Backlog'],
      cards: [
        { list: 'Backlog', name: 'Saved carts', desc: 'As a shopper I want saved carts.' },
        { list: 'Backlog', name: 'Migration plan', desc: trelloFullDescription() },
        {
          list: 'Backlog',
          name: 'Migration notes',
          desc: trelloCutDescription('https://trello.com/c/notes'),
        },
      ],
    });
    const [plain, full, cut] = board.cards.map((card) => card.shortLink);
    cards = { plain: plain!, full: full!, cut: cut! };
  });
  stack.jira.seed({
    projects: [{ key: 'APP', name: 'App' }],
    issues: [
      { projectKey: 'APP', summary: 'Export invoices as CSV', issuetype: 'Story' },
      {
        projectKey: 'APP',
        summary: 'Migration plan',
        issuetype: 'Story',
        description: jiraFullDescription(),
      },
      {
        projectKey: 'APP',
        summary: 'Migration notes',
        issuetype: 'Story',
        description: jiraCutDescription(),
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/**
 * Runs `/ac template` on the item through the admin API, as a dry run or for real: the reply it posted or would
 * post, and whether it wrote or would write the description, as the audit trail shows them.
 */
async function acTemplate(tracker: TrackerName, item: string, dryRun: boolean) {
  await runAction('command', { tracker, item, command: '/ac template', dryRun });
  const { json } = await admin('GET', `/admin/audit?tracker=${tracker}&item=${encodeURIComponent(item)}`);
  // Each item here is tried once of each kind.
  const entries = (json.entries as AuditEntry[]).filter(
    (entry) => entry.mode === (dryRun ? 'dry-run' : 'applied'),
  );
  const reply = entries.find(
    (entry) => entry.operation === 'upsertComment' && String(entry.target.purpose).startsWith('reply-'),
  );
  return {
    reply: String(reply?.after),
    describes: entries.some((entry) => entry.operation === 'setDescription'),
  };
}

const DID_NOT_FIT = {
  jira: 'Nothing appended: the template did not fit: Jira stops at 32,767 characters, and the description is near that',
  trello:
    'Nothing appended: the template did not fit: Trello stops at 16,384 characters, and the description is near that',
};
const CUT_BEFORE = "Nothing appended: the description was cut at the tracker's limit before";

const items = () => ({
  jira: { plain: 'APP-1', full: 'APP-2', cut: 'APP-3' },
  trello: cards,
});
const description = (tracker: TrackerName, item: string) =>
  tracker === 'jira'
    ? JSON.stringify([...stack.jira.state.issues.values()].find((issue) => issue.key === item)?.description)
    : [...stack.trello.state().cards.values()].find((card) => card.shortLink === item)?.desc;

describe.each(['jira', 'trello'] as const)('/ac template as a dry run on %s', (tracker) => {
  it('says "Appended" where the real run appends, and writes nothing', async () => {
    const item = items()[tracker].plain;
    const before = description(tracker, item);
    const { reply, describes } = await acTemplate(tracker, item, true);
    expect(reply).toMatch(/^Appended .+ to the description\. Fill them in/m);
    expect(describes).toBe(true);
    expect(description(tracker, item)).toBe(before);
  });

  it('says the template did not fit where the real run would refuse it, and plans no description write', async () => {
    const item = items()[tracker].full;
    const before = description(tracker, item);
    const dry = await acTemplate(tracker, item, true);
    expect(dry.reply).not.toContain('Appended');
    expect(dry.reply).toContain(DID_NOT_FIT[tracker]);
    expect(dry.describes).toBe(false);
    expect(description(tracker, item)).toBe(before);

    // The real run after it: the same answer, and the description as it was.
    const real = await acTemplate(tracker, item, false);
    expect(real).toEqual(dry);
    expect(description(tracker, item)).toBe(before);
  });

  it('says the description was cut before where the real run would refuse it', async () => {
    const item = items()[tracker].cut;
    const { reply, describes } = await acTemplate(tracker, item, true);
    expect(reply).not.toContain('Appended');
    expect(reply).toContain(CUT_BEFORE);
    expect(describes).toBe(false);
  });
});
