import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { ADA_AND_APP } from '../helpers/seeds.ts';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
let live: Stack;
let dry: Stack;

const seed = (stack: Stack) => stack.jira.seed(ADA_AND_APP);

beforeAll(async () => {
  [live, dry] = await Promise.all([
    startStack({ redisUrl: testRedisUrl(), env: { ADMIN_TOKEN } }),
    startStack({ redisUrl: testRedisUrl(), env: { ADMIN_TOKEN, DRY_RUN: 'true' } }),
  ]);
  seed(live);
  seed(dry);
}, 90_000);
afterAll(async () => {
  await Promise.all([live?.stop(), dry?.stop()]);
});

interface AuditEntry {
  id: string;
  at: string;
  mode: string;
  operation: string;
  context: { capability: string; command?: string; actor: { displayName: string } };
  undoneBy?: string;
}

async function audit(stack: Stack, key: string): Promise<AuditEntry[]> {
  const response = await fetch(`${stack.apiUrl}/admin/audit?tracker=jira&item=${key}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return ((await response.json()) as { entries: AuditEntry[] }).entries;
}

const issue = (stack: Stack, key: string) =>
  [...stack.jira.state.issues.values()].find((i) => i.key === key)!;
/** Impact, Effort, Priority score, Reach, Confidence: what scoring writes. */
const SCORE_FIELDS = [
  'customfield_10050',
  'customfield_10051',
  'customfield_10052',
  'customfield_10053',
  'customfield_10054',
];
const NOTE_OF: Record<string, string> = {
  'score-item': 'scorecard',
  'check-acceptance': 'acceptance-criteria',
};
const markerOf = (body: unknown) => /backlog-refinery · ([\w-]+)/.exec(JSON.stringify(body))?.[1] ?? '';

/** The item as a person sees it: labels, score fields, the bot's notes and its replies (by purpose). */
function visible(stack: Stack, key: string) {
  const found = issue(stack, key);
  const own = stack.jira.state.comments
    .filter((c) => c.issueId === found.id && c.authorId === stack.jira.botCredentials.accountId)
    .map((c) => markerOf(c.body))
    .sort();
  return {
    labels: [...found.labels].sort(),
    score: SCORE_FIELDS.map((id) => found.custom[id] ?? null),
    notes: own.filter((purpose) => !purpose.startsWith('reply-')),
    replies: own.filter((purpose) => purpose.startsWith('reply-')),
  };
}

const labelled = (stack: Stack, key: string) =>
  issue(stack, key).labels.includes('needs-acceptance-criteria');

describe('audit trail, undo and dry-run against the sandbox', () => {
  it('POST /admin/audit/:id/undo restores the label the service added, and the undo is audited', async () => {
    const created = live.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Pay faster',
      issuetype: 'Story',
      description: 'As a shopper I want to pay.',
    });
    await waitFor(() => labelled(live, created.key));
    const labelWrite = await waitFor(async () =>
      (await audit(live, created.key)).find(
        (e) => e.operation === 'setLabel' && e.context.capability === 'check-acceptance',
      ),
    );

    const response = await fetch(`${live.apiUrl}/admin/audit/${labelWrite.id}/undo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(200);
    expect(labelled(live, created.key)).toBe(false);
    const entries = await audit(live, created.key);
    expect(entries.find((e) => e.id === labelWrite.id)?.undoneBy).toBeDefined();
    expect(entries.some((e) => e.context.capability === 'admin' && e.operation === 'setLabel')).toBe(true);
  });

  it('/undo in a comment restores the last change the service made to the item', async () => {
    const created = live.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Refunds',
      issuetype: 'Story',
      description: 'As a shopper I want refunds.',
    });
    // Scoring and the acceptance check both write to a new item; /undo takes back whichever wrote last.
    const entries = await waitFor(async () => {
      const found = await audit(live, created.key);
      const capabilities = new Set(found.map((e) => e.context.capability));
      return capabilities.has('check-acceptance') && capabilities.has('score-item') ? found : undefined;
    });
    const last = entries.reduce((a, b) => (a.at > b.at ? a : b));
    const before = visible(live, created.key);

    const undo = live.jira.act.comment({ as: 'ada', issue: created.key, body: '/undo' });

    await waitFor(async () => {
      const after = await audit(live, created.key);
      return after.filter((e) => e.context.capability === last.context.capability).every((e) => e.undoneBy);
    });
    await waitFor(() => visible(live, created.key).replies.includes(`reply-${undo.id}`));
    // What a person sees: the last capability's label or fields and its comment are gone, the other's stay.
    const notes = before.notes.filter((note) => note !== NOTE_OF[last.context.capability]);
    expect(visible(live, created.key)).toEqual(
      last.context.capability === 'score-item'
        ? { ...before, score: SCORE_FIELDS.map(() => null), notes, replies: [`reply-${undo.id}`] }
        : {
            ...before,
            labels: before.labels.filter((label) => label !== 'needs-acceptance-criteria'),
            notes,
            replies: [`reply-${undo.id}`],
          },
    );
    const untouched = last.context.capability === 'check-acceptance' ? 'score-item' : 'check-acceptance';
    expect(
      (await audit(live, created.key))
        .filter((e) => e.context.capability === untouched)
        .some((e) => e.undoneBy),
    ).toBe(false);
  });

  it('with DRY_RUN the sandbox is untouched while the audit trail shows what would have been written', async () => {
    const created = dry.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Wishlist',
      issuetype: 'Story',
      description: 'As a shopper I want a wishlist.',
    });

    const planned = await waitFor(async () => {
      const entries = await audit(dry, created.key);
      return entries.some((e) => e.operation === 'setLabel') ? entries : undefined;
    });

    expect(planned.every((e) => e.mode === 'dry-run')).toBe(true);
    expect(dry.jira.writes).toEqual([]);
    expect(labelled(dry, created.key)).toBe(false);
  });

  it('/ac skip exempts a failing item, and the audit trail records who skipped it and why', async () => {
    const created = live.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Spike',
      issuetype: 'Story',
      description: 'Try a payment provider.',
    });
    await waitFor(() => labelled(live, created.key));

    live.jira.act.comment({ as: 'ada', issue: created.key, body: '/ac skip spike, no user-facing change' });

    await waitFor(() => !labelled(live, created.key));
    const skipped = await waitFor(async () =>
      (await audit(live, created.key)).find(
        (e) => e.context.command === '/ac skip spike, no user-facing change',
      ),
    );
    expect(skipped.context.actor.displayName).toBe('Ada Lovelace');
  });
});
