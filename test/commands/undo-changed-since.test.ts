import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import type { AdfDoc } from '../../src/trackers/jira/adf-types.ts';
import { type InProcessStack, startStoriesStack } from '../helpers/in-process-stack.ts';
import { commandText, plain } from '../helpers/jira-commands.ts';
import { issueByKey, markedComments } from '../helpers/jira-sandbox-state.ts';

/**
 * `/undo` and the admin undo after something changed what the undone write wrote: a person's edit, a newer job's
 * write. What the undone write replaced must not come back over it; the reply says what was not restored and why.
 */
const ADMIN_TOKEN = 'undo-changed-since-admin-token-0123';
let stack: InProcessStack;

const STORY = 'As a shopper I want to pay faster.';
beforeAll(async () => {
  // A backoff no command outlasts, however loaded the machine: the test promotes the interrupted undo's retry
  // once another command has finished.
  stack = await startStoriesStack(
    { ADMIN_TOKEN, JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '600000' },
    ['Pay faster', 'Export invoices', 'Import statements', 'Refunds', 'Wishlist', 'Gift cards'].map(
      (summary) => ({
        summary,
        description: STORY,
      }),
    ),
  );
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const issue = (key: string) => issueByKey(stack.jira, key);
const command = (key: string, body: string) => commandText(stack.jira, 'ada', key, body);
const scorecard = (key: string) => markedComments(stack.jira, key, 'scorecard')[0];
/** Every job the last events caused has finished; a retry waits out the file's long backoff, not counted. */
const idle = () => waitUntilIdle(stack, { delayed: false });
/** Impact and Effort of the sandbox's score fields. */
const impactEffort = (key: string) => [
  issue(key).custom.customfield_10050 ?? null,
  issue(key).custom.customfield_10051 ?? null,
];

interface Entry {
  id: string;
  operation: string;
  target: { purpose?: string };
}
async function admin(method: string, path: string) {
  const response = await fetch(`${stack.apiUrl}/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: method === 'POST' ? '{}' : undefined,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
const entries = async (key: string) =>
  (await admin('GET', `/audit?tracker=jira&item=${key}`)).json.entries as Entry[];

describe('undo after what it would restore changed since', () => {
  it('with nothing changed since, /undo restores the description and the scorecard, and again redoes', async () => {
    /** `/undo` on APP-5, whose reply must restore every write of the last change. */
    const undoAll = async () => {
      const reply = await command('APP-5', '/undo');
      expect(reply).toMatch(/\nRestored the service's last change /);
      expect(reply).not.toContain('Could not restore');
      return reply;
    };
    await command('APP-5', '/score impact=4 effort=3');
    await command('APP-5', '/ac template');
    const templated = plain(issue('APP-5').description);

    expect(await undoAll()).toContain('\ndescription\n');
    expect(plain(issue('APP-5').description)).toBe(`${STORY}\n`);
    expect(await undoAll()).toContain('\ndescription\n');
    expect(plain(issue('APP-5').description)).toBe(templated);

    await command('APP-5', '/score impact=5');
    expect(await undoAll()).toContain('\ncomment (scorecard)\n');
    expect(impactEffort('APP-5')).toEqual([4, 3]);
    expect(await undoAll()).toContain('\ncomment (scorecard)\n');
    expect(impactEffort('APP-5')).toEqual([5, 3]);
    // Back as the text it read (a table's cells on one line each): formatting is not kept.
    expect(plain(scorecard('APP-5')!.body)).toMatch(/^Priority score: /);
  }, 60_000);

  it('/undo of /ac template keeps the description a person edited after it', async () => {
    await command('APP-1', '/ac template');
    const templated = plain(issue('APP-1').description);
    expect(templated).toContain('Acceptance criteria');
    const edited = `${templated}Given a saved card, when I pay, then no card form is shown\n`;
    stack.jira.act.editIssue({ as: 'ada', issue: 'APP-1', description: edited });
    // The edit is an event the service sees (acceptance, scoring); let those jobs finish first.
    await idle();
    const write = (await entries('APP-1')).find((e) => e.operation === 'setDescription')!;

    const answer = await admin('POST', `/audit/${write.id}/undo`);

    expect(answer.status).toBe(200);
    expect(answer.json.restored).toEqual([]);
    expect(answer.json.failed).toEqual([
      { id: write.id, operation: 'setDescription', reason: expect.stringMatching(/^changed since: /) },
    ]);
    expect(plain(issue('APP-1').description)).toBe(edited);
  });

  it("/undo keeps the service's comment a person edited after the write, and says so", async () => {
    await command('APP-2', '/score impact=4 effort=3');
    const card = scorecard('APP-2')!;
    const body = card.body as AdfDoc;
    const personal: AdfDoc = {
      ...body,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Agreed in planning.' }] },
        ...body.content,
      ],
    };
    stack.jira.act.editComment({ as: 'ada', issue: 'APP-2', commentId: card.id, body: personal });

    const reply = await command('APP-2', '/undo');

    expect(reply).toMatch(/comment \(scorecard\): changed since: /);
    expect(scorecard('APP-2')?.body).toEqual(personal);
    // The fields nobody touched since come back.
    expect(reply).toMatch(/Restored the service's last change .*:\nfields /);
    expect(impactEffort('APP-2')).toEqual([null, null]);
  });

  it('the admin undo of an older scorecard write keeps the scorecard a newer job rewrote', async () => {
    await command('APP-3', '/score impact=4 effort=3');
    const older = (await entries('APP-3')).find((e) => e.target.purpose === 'scorecard')!;
    await command('APP-3', '/score effort=5');
    const rewritten = scorecard('APP-3')!.body;
    expect(rewritten).not.toEqual(undefined);

    const answer = await admin('POST', `/audit/${older.id}/undo`);

    expect(answer.json.failed).toEqual([
      { id: older.id, operation: 'upsertComment', reason: expect.stringMatching(/^changed since: /) },
    ]);
    expect(scorecard('APP-3')?.body).toEqual(rewritten);
  });

  it('an /undo retried after another command changed the item leaves that newer change', async () => {
    await command('APP-4', '/score impact=4 effort=3');
    // The undo's first write (deleting the scorecard) fails once: its job waits for a retry.
    stack.jira.injectFault({
      pathPrefix: `/rest/api/3/issue/${issue('APP-4').id}/comment`,
      method: 'DELETE',
      status: 503,
      count: 1,
    });
    const undo = stack.jira.act.comment({ as: 'ada', issue: 'APP-4', body: '/undo' });
    const undoJob = await waitFor(async () =>
      (await stack.queue.getDelayed()).find(
        (job) => job.name === 'run-commands' && job.data.event.comment?.id === undo.id,
      ),
    );
    expect(undoJob.attemptsMade).toBe(1);

    await command('APP-4', '/score effort=5');
    const newer = { fields: impactEffort('APP-4'), scorecard: scorecard('APP-4')!.body };
    expect(newer.fields).toEqual([4, 5]);
    // The newer command finished before the undo's retry ran, or this test shows nothing.
    expect(await undoJob.getState()).toBe('delayed');
    await undoJob.promote();

    const reply = plain(
      (
        await waitFor(() =>
          stack.jira.state.comments.find((c) =>
            JSON.stringify(c.body).includes(`backlog-refinery · reply-${undo.id}`),
          ),
        )
      ).body,
    );

    expect(reply).toMatch(/\nCould not restore the service's last change/);
    expect(reply).toMatch(/comment \(scorecard\): changed since: /);
    expect(reply).toMatch(/fields .*: changed since: .*Effort is now 5/);
    expect({ fields: impactEffort('APP-4'), scorecard: scorecard('APP-4')!.body }).toEqual(newer);
  });

  it('the admin undo of a label the service added keeps it when a person took it off and put it back', async () => {
    const labelled = () => issue('APP-6').labels.includes('needs-acceptance-criteria');
    // A person's edit makes the service check the story: it fails, and gets the label.
    stack.jira.act.editIssue({ as: 'ada', issue: 'APP-6', description: 'As a shopper I want gift cards.' });
    await waitFor(() => labelled() || undefined);
    await idle();
    const write = (await entries('APP-6')).find((e) => e.operation === 'setLabel')!;
    stack.jira.act.editIssue({ as: 'ada', issue: 'APP-6', removeLabels: ['needs-acceptance-criteria'] });
    await idle();
    // The service may have put it back on its own; else the person does.
    if (!labelled())
      stack.jira.act.editIssue({ as: 'ada', issue: 'APP-6', addLabels: ['needs-acceptance-criteria'] });
    await idle();

    const answer = await admin('POST', `/audit/${write.id}/undo`);

    expect(answer.json.failed).toEqual([
      { id: write.id, operation: 'setLabel', reason: expect.stringMatching(/^changed since: /) },
    ]);
    expect(labelled()).toBe(true);
  });
});
