import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobTrackers } from '../../../src/audit/job-audit.ts';
import type { ItemRef } from '../../../src/domain/events.ts';
import type { LinkTarget, Tracker } from '../../../src/trackers/tracker.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { PERSON, startHarness as startJira } from '../../sandbox/jira/sandbox-harness.ts';
import { startSandbox as startTrello } from '../../sandbox/trello/trello-sandbox-harness.ts';
import { adminClient } from './admin-client.ts';

/**
 * The admin undo of a write of the service that a person redid or changed after it: the label, link, status or
 * field there now is the person's, though it may look the same as what the service wrote. Undo leaves it and says
 * who; it takes back the service's own writes only.
 */
let api: ApiHarness;
let jira: Awaited<ReturnType<typeof startJira>>;
let trello: Awaited<ReturnType<typeof startTrello>>;
let trelloTracker: Tracker;
beforeAll(async () => {
  jira = await startJira();
  trello = await startTrello();
  trelloTracker = trello.tracker();
  api = await startApiHarness({
    admin: {
      trackers: new Map<'jira' | 'trello', Tracker>([
        ['jira', jira.jira],
        ['trello', trelloTracker],
      ]),
    },
  });
});
afterAll(async () => {
  await api?.close();
  await jira?.close();
  await trello?.app.close();
});
const admin = adminClient(() => api.app);

/** The tracker as a job of the service writes through it, every write in the admin API's audit trail. */
const job = (jobId: string, tracker: Tracker) =>
  createJobTrackers(
    { id: jobId, name: 'link-ticket', data: {} },
    { audit: api.audit!, config: { dryRun: false } },
  ).audited(tracker);

async function lastEntry(item: ItemRef) {
  const [entry] = await api.audit!.list({ item: { tracker: item.tracker, idOrKey: item.id }, limit: 1 });
  return entry!;
}

/** A person acting in Trello's UI (Pat Person, the sandbox's person). */
async function trelloAct(action: string, body: Record<string, string>) {
  const response = await trello.app.inject({
    method: 'POST',
    url: `/_sandbox/trello/act/${action}`,
    payload: body,
  });
  expect(response.statusCode).toBe(200);
  return response.json() as { id?: string };
}

function trelloCard(name: string, labels: string[] = []) {
  const seeded = trello.sandbox.seedBoard({
    name: `Board of ${name}`,
    lists: ['Backlog', 'Ready', 'Doing'],
    labels,
    customFields: [{ name: 'Impact', type: 'number' }],
    cards: [{ list: 'Backlog', name }],
  });
  const card = seeded.cards[0]!;
  return { tracker: 'trello' as const, id: card.id, key: card.shortLink };
}

/** Asks to undo the entry and expects it kept for `reason`: nothing restored, nothing else refused. */
async function expectKept(write: { id: string }, operation: string, reason: string) {
  const answer = await admin('POST', `/admin/audit/${write.id}/undo`);
  expect(answer.statusCode).toBe(200);
  expect(answer.json()).toMatchObject({ restored: [], failed: [{ id: write.id, operation, reason }] });
  return answer;
}

const cardLabels = async (ref: ItemRef) => (await trelloTracker.getItem(ref)).labels;
/** What the item links to: the keys of items, the URLs of web pages. */
const links = async (tracker: Tracker, ref: ItemRef) =>
  (await tracker.getItem(ref)).links.map(({ target }) =>
    target.kind === 'item' ? target.ref.key : target.url,
  );

describe('admin undo of a write a person redid after the service', () => {
  it('keeps a Trello label a person took off and put back, and names the person; undoes one nobody touched', async () => {
    const card = trelloCard('Checkout with saved cards', ['needs-acceptance-criteria']);
    await job('job-label', trelloTracker).setLabel(card, 'needs-acceptance-criteria', true);
    const write = await lastEntry(card);
    await trelloAct('set-label', { cardId: card.id, label: 'needs-acceptance-criteria', present: 'false' });
    await trelloAct('set-label', { cardId: card.id, label: 'needs-acceptance-criteria', present: 'true' });

    const answer = await expectKept(
      write,
      'setLabel',
      'changed since: Pat Person added label needs-acceptance-criteria again after the service; kept',
    );
    const again = await admin('POST', `/admin/audit/${write.id}/undo`);

    // Nothing was undone, so asking again answers the same.
    expect(again.json()).toEqual(answer.json());
    expect(await cardLabels(card)).toContain('needs-acceptance-criteria');

    // A person took the label off before the service put it back: the service's write is the last, and is undone.
    const other = trelloCard('Gift cards', ['needs-acceptance-criteria']);
    await trelloAct('set-label', { cardId: other.id, label: 'needs-acceptance-criteria', present: 'true' });
    await trelloAct('set-label', { cardId: other.id, label: 'needs-acceptance-criteria', present: 'false' });
    await job('job-label-2', trelloTracker).setLabel(other, 'needs-acceptance-criteria', true);
    const own = await lastEntry(other);

    const undone = await admin('POST', `/admin/audit/${own.id}/undo`);

    expect(undone.json()).toMatchObject({ restored: [{ id: own.id }], failed: [] });
    expect(await cardLabels(other)).not.toContain('needs-acceptance-criteria');
  });

  it('keeps a Trello attachment a person deleted and attached again, and names the person', async () => {
    const card = trelloCard('Refunds');
    const issue: LinkTarget = {
      kind: 'item',
      ref: { tracker: 'jira', id: '10001', key: 'BR-1' },
      url: 'https://acme.atlassian.net/browse/BR-1',
      title: 'BR-1: Export invoices as CSV',
    };
    await job('job-attach', trelloTracker).addLink(card, issue, 'relates to');
    const write = await lastEntry(card);
    const [attachment] = trello.sandbox.state().attachments.values();
    expect(attachment?.url).toBe(issue.url);
    await trelloAct('delete-attachment', { cardId: card.id, attachmentId: attachment!.id });
    await trelloAct('add-attachment', { cardId: card.id, url: issue.url, name: 'BR-1' });

    await expectKept(
      write,
      'addLink',
      'changed since: the link to BR-1: Export invoices as CSV was removed and added again by Pat Person after the service; kept',
    );
    expect(await links(trelloTracker, card)).toEqual(['BR-1']);
  });

  // A Trello card's name may run to 16,384 characters over several lines: the answer quoted it whole.
  it('names a re-linked target by its title cut to one line of 120 characters', async () => {
    const card = trelloCard('Refund rules');
    const title = `BR-1: Export invoices\n${'as CSV with every column '.repeat(40)}`;
    const issue: LinkTarget = {
      kind: 'item',
      ref: { tracker: 'jira', id: '10001', key: 'BR-1' },
      url: 'https://acme.atlassian.net/browse/BR-1?long',
      title,
    };
    await job('job-attach-long', trelloTracker).addLink(card, issue, 'relates to');
    const write = await lastEntry(card);
    const attachment = [...trello.sandbox.state().attachments.values()].find((a) => a.url === issue.url);
    await trelloAct('delete-attachment', { cardId: card.id, attachmentId: attachment!.id });
    await trelloAct('add-attachment', { cardId: card.id, url: issue.url, name: 'BR-1' });

    await expectKept(
      write,
      'addLink',
      `changed since: the link to ${`BR-1: Export invoices ${'as CSV with every column '.repeat(40)}`.slice(0, 119).trimEnd()}… was removed and added again by Pat Person after the service; kept`,
    );
  });

  it('keeps a Jira issue link a person removed and linked again, names the person, and undoes one still the service’s', async () => {
    const [support, story, other] = ['SUP-1', 'BR-1', 'BR-2'].map((key) => {
      const found = [...jira.sandbox.state.issues.values()].find((i) => i.key === key)!;
      return { tracker: 'jira' as const, id: found.id, key };
    }) as [ItemRef, ItemRef, ItemRef];
    const target = (ref: ItemRef): LinkTarget => ({
      kind: 'item',
      ref,
      url: `${jira.baseUrl}/browse/${ref.key}`,
      title: ref.key,
    });
    await job('job-link', jira.jira).addLink(support, target(story), 'Relates');
    const write = await lastEntry(support);
    jira.sandbox.act.unlink({ as: PERSON, from: 'SUP-1', to: 'BR-1' });
    jira.sandbox.act.link({ as: PERSON, from: 'SUP-1', to: 'BR-1', type: 'Relates' });

    await expectKept(
      write,
      'addLink',
      'changed since: the link to BR-1 was removed and added again by Dana Person after the service; kept',
    );
    expect(await links(jira.jira, support)).toEqual(['BR-1']);

    await job('job-link-2', jira.jira).addLink(support, target(other), 'Relates');
    const untouched = await lastEntry(support);
    const undone = await admin('POST', `/admin/audit/${untouched.id}/undo`);
    expect(undone.json()).toMatchObject({ restored: [{ id: untouched.id }], failed: [] });
    expect(await links(jira.jira, support)).toEqual(['BR-1']);
  });
});

describe("admin undo of a link the service made beside a person's to the same item", () => {
  it("removes the service's Trello attachment and leaves the one a person attached after it", async () => {
    const card = trelloCard('Invoices in PDF');
    const url = 'https://acme.atlassian.net/browse/BR-2';
    const issue: LinkTarget = {
      kind: 'item',
      ref: { tracker: 'jira', id: '10002', key: 'BR-2' },
      url,
      title: 'BR-2: Import CSV',
    };
    await job('job-attach-2', trelloTracker).addLink(card, issue, 'relates to');
    const write = await lastEntry(card);
    const { id: persons } = await trelloAct('add-attachment', { cardId: card.id, url, name: 'see BR-2' });

    const answer = await admin('POST', `/admin/audit/${write.id}/undo`);

    expect(answer.json()).toMatchObject({ restored: [{ id: write.id }], failed: [] });
    const left = [...trello.sandbox.state().attachments.values()].filter((a) => a.idCard === card.id);
    expect(left.map((attachment) => attachment.id)).toEqual([persons]);
  });

  it("removes the service's Jira issue link and leaves the one a person made of another type", async () => {
    const [from, to] = ['BR-2', 'BR-1'].map((key) => {
      const found = [...jira.sandbox.state.issues.values()].find((i) => i.key === key)!;
      return { tracker: 'jira' as const, id: found.id, key };
    }) as [ItemRef, ItemRef];
    const target: LinkTarget = { kind: 'item', ref: to, url: `${jira.baseUrl}/browse/BR-1`, title: 'BR-1' };
    await job('job-link-3', jira.jira).addLink(from, target, 'Relates');
    const write = await lastEntry(from);
    jira.sandbox.act.link({ as: PERSON, from: 'BR-2', to: 'BR-1', type: 'Blocks' });

    const answer = await admin('POST', `/admin/audit/${write.id}/undo`);

    expect(answer.json()).toMatchObject({ restored: [{ id: write.id }], failed: [] });
    const left = (await jira.jira.getItem(from)).links.map((link) => [link.type, link.target.title]);
    expect(left).toEqual([['Blocks', 'Export invoices as CSV']]);
  });
});

describe('admin undo of a link the service removed', () => {
  /** A new issue of the BR project, a person's, as a link target the way the service names one. */
  function newIssue(summary: string): { ref: ItemRef; target: LinkTarget } {
    const { id, key } = jira.sandbox.act.createIssue({ as: PERSON, project: 'BR', summary });
    const ref = { tracker: 'jira' as const, id, key };
    return { ref, target: { kind: 'item', ref, url: `${jira.baseUrl}/browse/${key}`, title: key } };
  }

  it('keeps a Jira issue link a person linked and removed again after the service, naming the person; puts back one nobody touched', async () => {
    const [support, story, other] = ['Refund stuck', 'Refund flow', 'Refund mails'].map(newIssue) as [
      ReturnType<typeof newIssue>,
      ReturnType<typeof newIssue>,
      ReturnType<typeof newIssue>,
    ];
    jira.sandbox.act.link({ as: PERSON, from: support.ref.key, to: story.ref.key, type: 'Relates' });
    await job('job-unlink', jira.jira).removeLink(support.ref, story.target);
    const write = await lastEntry(support.ref);
    jira.sandbox.act.link({ as: PERSON, from: support.ref.key, to: story.ref.key, type: 'Relates' });
    jira.sandbox.act.unlink({ as: PERSON, from: support.ref.key, to: story.ref.key });

    await expectKept(
      write,
      'removeLink',
      `changed since: the link to ${story.ref.key} was added and removed again by Dana Person after the service; kept`,
    );
    expect(await links(jira.jira, support.ref)).toEqual([]);

    jira.sandbox.act.link({ as: PERSON, from: support.ref.key, to: other.ref.key, type: 'Relates' });
    await job('job-unlink-2', jira.jira).removeLink(support.ref, other.target);
    const untouched = await lastEntry(support.ref);
    const undone = await admin('POST', `/admin/audit/${untouched.id}/undo`);
    expect(undone.json()).toMatchObject({ restored: [{ id: untouched.id }], failed: [] });
    expect(await links(jira.jira, support.ref)).toEqual([other.ref.key]);
  });

  it('keeps a Trello attachment a person attached and deleted again after the service, and names the person', async () => {
    const card = trelloCard('Refund policy');
    const url = 'https://acme.atlassian.net/browse/BR-1';
    const issue: LinkTarget = {
      kind: 'item',
      ref: { tracker: 'jira', id: '10001', key: 'BR-1' },
      url,
      title: 'BR-1: Export invoices as CSV',
    };
    await trelloAct('add-attachment', { cardId: card.id, url, name: 'BR-1' });
    await job('job-detach', trelloTracker).removeLink(card, issue);
    const write = await lastEntry(card);
    const { id: again } = await trelloAct('add-attachment', { cardId: card.id, url, name: 'BR-1' });
    await trelloAct('delete-attachment', { cardId: card.id, attachmentId: again! });

    await expectKept(
      write,
      'removeLink',
      'changed since: the link to BR-1: Export invoices as CSV was added and removed again by Pat Person after the service; kept',
    );
    expect(await links(trelloTracker, card)).toEqual([]);
  });
});

describe('admin undo of a title the service wrote', () => {
  it('keeps the title a person edited after the service, and undoes one nobody edited', async () => {
    const found = [...jira.sandbox.state.issues.values()].find((i) => i.key === 'SUP-1')!;
    const ticket: ItemRef = { tracker: 'jira', id: found.id, key: 'SUP-1' };
    const before = found.summary;
    await job('job-title', jira.jira).setTitle(ticket, 'Sprint 1: summary');
    const write = await lastEntry(ticket);
    jira.sandbox.act.editIssue({ as: PERSON, issue: 'SUP-1', summary: 'Sprint 1: summary (reviewed)' });

    await expectKept(write, 'setTitle', 'changed since: the title was edited');
    expect((await jira.jira.getItem(ticket)).title).toBe('Sprint 1: summary (reviewed)');

    await job('job-title-2', jira.jira).setTitle(ticket, 'Sprint 2: summary');
    const own = await lastEntry(ticket);
    expect((await admin('POST', `/admin/audit/${own.id}/undo`)).json()).toMatchObject({
      restored: [{ id: own.id }],
      failed: [],
    });
    expect((await jira.jira.getItem(ticket)).title).toBe('Sprint 1: summary (reviewed)');
    expect(before).not.toBe('Sprint 1: summary (reviewed)');
  });
});

describe('admin undo of a move a person made again after the service', () => {
  it('keeps a Trello card a person moved away and back to the list the service moved it to', async () => {
    const card = trelloCard('Saved addresses');
    await job('job-move', trelloTracker).moveTo(card, 'Ready');
    const write = await lastEntry(card);
    await trelloAct('move-card', { cardId: card.id, list: 'Doing' });
    await trelloAct('move-card', { cardId: card.id, list: 'Ready' });

    await expectKept(
      write,
      'moveTo',
      'changed since: Pat Person moved it to Ready again after the service; kept',
    );
    expect((await trelloTracker.getItem(card)).status.name).toBe('Ready');
  });

  // A Trello list's name may run to 16,384 characters: the reason quoted it whole.
  it('names the list a person moved a card back to by its name cut to 120 characters', async () => {
    const list = `Ready for review by ${'the product and design leads '.repeat(12)}`.trim();
    const seeded = trello.sandbox.seedBoard({
      name: 'Board of long lists',
      lists: ['Backlog', list, 'Doing'],
      cards: [{ list: 'Backlog', name: 'Invoice reminders' }],
    });
    const card = { tracker: 'trello' as const, id: seeded.cards[0]!.id, key: seeded.cards[0]!.shortLink };
    await job('job-move-long', trelloTracker).moveTo(card, list);
    const write = await lastEntry(card);
    await trelloAct('move-card', { cardId: card.id, list: 'Doing' });
    await trelloAct('move-card', { cardId: card.id, list });

    await expectKept(
      write,
      'moveTo',
      `changed since: Pat Person moved it to ${list.slice(0, 119).trimEnd()}… again after the service; kept`,
    );
  });

  it('keeps a Jira issue a person moved away and back to the status the service moved it to', async () => {
    const found = [...jira.sandbox.state.issues.values()].find((i) => i.key === 'BR-2')!;
    const story: ItemRef = { tracker: 'jira', id: found.id, key: 'BR-2' };
    await job('job-transition', jira.jira).moveTo(story, 'In Progress');
    const write = await lastEntry(story);
    jira.sandbox.act.transition({ as: PERSON, issue: 'BR-2', to: 'Done' });
    jira.sandbox.act.transition({ as: PERSON, issue: 'BR-2', to: 'In Progress' });

    await expectKept(
      write,
      'moveTo',
      'changed since: Dana Person moved it to In Progress again after the service; kept',
    );
    expect((await jira.jira.getItem(story)).status.name).toBe('In Progress');
  });
});

describe('admin undo of a field a person set again after the service', () => {
  it('keeps an Impact a person changed and set back to what the service wrote, on Trello', async () => {
    const card = trelloCard('Wallet top-up');
    await job('job-score', trelloTracker).setNumberFields(card, { Impact: 5 }, { createMissing: false });
    const write = await lastEntry(card);
    await trelloAct('set-field', { cardId: card.id, field: 'Impact', value: '3' });
    await trelloAct('set-field', { cardId: card.id, field: 'Impact', value: '5' });

    await expectKept(
      write,
      'setNumberFields',
      'changed since: Pat Person set Impact again after the service; kept',
    );
    expect((await trelloTracker.getItem(card)).fields.Impact).toBe(5);
  });

  it('keeps an Impact a person changed and set back to what the service wrote, on Jira', async () => {
    const found = [...jira.sandbox.state.issues.values()].find((i) => i.key === 'BR-1')!;
    const story: ItemRef = { tracker: 'jira', id: found.id, key: 'BR-1' };
    await job('job-score-2', jira.jira).setNumberFields(story, { Impact: 5 }, { createMissing: false });
    const write = await lastEntry(story);
    jira.sandbox.act.editIssue({ as: PERSON, issue: 'BR-1', fields: { Impact: 3 } });
    jira.sandbox.act.editIssue({ as: PERSON, issue: 'BR-1', fields: { Impact: 5 } });

    await expectKept(
      write,
      'setNumberFields',
      'changed since: Dana Person set Impact again after the service; kept',
    );
    expect((await jira.jira.getItem(story)).fields.Impact).toBe(5);
  });
});
