import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { MemberSchema } from 'trello.js/models';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { bold, doc, paragraph } from '../../../src/domain/doc.ts';
import type { TrackerError } from '../../../src/errors.ts';
import { createOutboundLimiter } from '../../../src/trackers/rate-limit/outbound-limiter.ts';
import { isValidTrelloSignature } from '../../../src/trackers/trello/trello-signature.ts';
import { startReceiver, startSandbox } from './trello-sandbox-harness.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const board = {
  name: 'Product',
  lists: ['Backlog', 'Doing', 'Done'],
  labels: ['bug'],
  customFields: [{ name: 'Story Points', type: 'number' as const }],
  cards: [
    {
      list: 'Backlog',
      name: 'Login fails',
      desc: 'Given a user',
      labels: ['bug'],
      fields: { 'Story Points': 3 },
      checklists: [{ name: 'AC', items: [{ text: 'works', checked: true }] }],
    },
  ],
};

describe('Trello sandbox with the real adapter', () => {
  it('serves shapes the adapter validates, and records the writes it makes', async () => {
    const { sandbox, app, tracker: makeTracker } = await startSandbox();
    closers.push(() => app.close());
    const seeded = sandbox.seedBoard(board);
    const tracker = makeTracker();
    const card = seeded.cards[0]!;
    const ref = { tracker: 'trello' as const, id: card.id, key: card.shortLink };

    const me = await tracker.whoAmI();
    const item = await tracker.getItem(ref);
    const fields = await tracker.setNumberFields(
      ref,
      { 'Story Points': 5, Impact: 2 },
      { createMissing: true },
    );
    const first = await tracker.upsertComment(ref, 'ac', doc(paragraph(bold('Missing'), ' criteria')));
    const same = await tracker.upsertComment(ref, 'ac', doc(paragraph(bold('Missing'), ' criteria')));
    const edited = await tracker.upsertComment(ref, 'ac', doc(paragraph('All good')));
    const labelled = await tracker.setLabel(ref, 'needs-ac', true);
    const linked = await tracker.addLink(
      ref,
      { kind: 'url', url: 'https://acme.atlassian.net/browse/ABC-1', title: 'ABC-1' },
      'relates',
    );
    await tracker.moveTo(ref, 'Doing');
    const created = await tracker.createItem(
      { containerId: seeded.id, typeOrList: 'Support' },
      { title: 'New', body: doc(paragraph('x')), labels: ['bug'] },
    );
    const after = await tracker.getItem(ref);
    const found = await tracker.findItem(`https://trello.com/c/${card.shortLink}/1-login-fails`);
    const page = await tracker.listItems({ kind: 'container', containerId: seeded.id });

    expect(me.id).toBe(sandbox.botMemberId);
    expect(item).toMatchObject({
      title: 'Login fails',
      status: { name: 'Backlog', category: 'todo' },
      container: { id: seeded.id, key: seeded.shortLink, listName: 'Backlog' },
      labels: ['bug'],
      fields: { 'Story Points': 3 },
      checklists: [{ name: 'AC', items: [{ text: 'works', checked: true }] }],
    });
    expect(fields).toEqual({ written: ['Story Points', 'Impact'], unchanged: [], missing: [] });
    expect([first.action, same.action, edited.action]).toEqual(['created', 'unchanged', 'updated']);
    expect(edited.id).toBe(first.id);
    expect([labelled, linked]).toEqual([true, true]);
    expect(after).toMatchObject({
      status: { name: 'Doing', category: 'in_progress' },
      labels: ['bug', 'needs-ac'],
      fields: { 'Story Points': 5, Impact: 2 },
    });
    expect(after.links[0]?.target).toMatchObject({ kind: 'item', ref: { tracker: 'jira', key: 'ABC-1' } });
    expect(found?.ref.id).toBe(card.id);
    expect(page.items.map((i) => i.title).sort()).toEqual(['Login fails', 'New']);
    expect(created.key).toHaveLength(8);
    expect(sandbox.writes.map((w) => `${w.method} ${w.path.replace(/[0-9a-f]{24}/g, ':id')}`)).toEqual([
      'PUT /cards/:id/customField/:id/item',
      'POST /customFields',
      'PUT /cards/:id/customField/:id/item',
      'POST /cards/:id/actions/comments',
      'PUT /cards/:id/actions/:id/comments',
      'POST /boards/:id/labels',
      'POST /cards/:id/idLabels',
      'POST /cards/:id/attachments',
      'PUT /cards/:id',
      'POST /boards/:id/lists',
      'POST /cards',
    ]);
    expect(sandbox.writes.every((w) => w.actor === sandbox.botMemberId)).toBe(true);
  });

  it('turns a person’s comment into a delivery signed over the raw body and the callback URL', async () => {
    const receiver = await startReceiver();
    closers.push(() => new Promise((resolve) => receiver.server.close(resolve)));
    const { sandbox, app, origin } = await startSandbox({
      webhook: { url: receiver.url, secret: 'app-secret' },
    });
    closers.push(() => app.close());
    const seeded = sandbox.seedBoard(board);

    const response = await fetch(`${origin}/_sandbox/trello/act/comment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cardId: seeded.cards[0]!.id, text: '/refine score' }),
    });
    await sandbox.webhooksIdle();

    expect(response.status).toBe(200);
    expect(receiver.deliveries).toHaveLength(1);
    const delivery = receiver.deliveries[0]!;
    expect(isValidTrelloSignature(delivery.raw, delivery.signature, ['app-secret'], receiver.url)).toBe(true);
    expect(JSON.parse(delivery.raw.toString('utf8'))).toMatchObject({
      action: {
        type: 'commentCard',
        idMemberCreator: sandbox.personMemberId,
        data: {
          text: '/refine score',
          card: { id: seeded.cards[0]!.id, shortLink: seeded.cards[0]!.shortLink, name: 'Login fails' },
          list: { name: 'Backlog' },
          board: { id: seeded.id, shortLink: seeded.shortLink },
        },
        memberCreator: { id: sandbox.personMemberId, fullName: 'Pat Person' },
      },
      model: { id: seeded.id, name: 'Product' },
    });
  });

  it('lets a stranger comment only on a public board whose comments are public, and says so in the delivery', async () => {
    const receiver = await startReceiver();
    closers.push(() => new Promise((resolve) => receiver.server.close(resolve)));
    const { sandbox, app, origin } = await startSandbox({
      webhook: { url: receiver.url, secret: 'app-secret' },
    });
    closers.push(() => app.close());
    const members = { [sandbox.botMemberId]: 'admin', [sandbox.personMemberId]: 'observer' } as const;
    const team = sandbox.seedBoard({ ...board, members });
    const open = sandbox.seedBoard({
      ...board,
      members,
      prefs: { permissionLevel: 'public', comments: 'public' },
    });
    const stranger = '5a00000000000000000000c0';
    const comment = (cardId: string, memberId: string) =>
      fetch(`${origin}/_sandbox/trello/act/comment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cardId, memberId, text: 'hello' }),
      });

    // Comments default to members: neither an observer nor a stranger may write one.
    expect((await comment(team.cards[0]!.id, sandbox.personMemberId)).status).toBe(401);
    expect((await comment(team.cards[0]!.id, stranger)).status).toBe(401);
    expect((await comment(open.cards[0]!.id, stranger)).status).toBe(200);
    await sandbox.webhooksIdle();

    expect(receiver.deliveries).toHaveLength(1);
    expect(JSON.parse(receiver.deliveries[0]!.raw.toString('utf8'))).toMatchObject({
      action: { type: 'commentCard', idMemberCreator: stranger },
      model: { id: open.id, prefs: { permissionLevel: 'public', comments: 'public' } },
    });
  });

  it('lets a Workspace’s members comment on its boards whose comments are “org”, where they can see the board', async () => {
    const receiver = await startReceiver();
    closers.push(() => new Promise((resolve) => receiver.server.close(resolve)));
    const { sandbox, app, origin } = await startSandbox({
      webhook: { url: receiver.url, secret: 'app-secret' },
    });
    closers.push(() => app.close());
    const colleague = { id: '5a00000000000000000000d0', fullName: 'Wes Workspace', username: 'weswork' };
    const stranger = '5a00000000000000000000c0';
    sandbox.state().members.set(colleague.id, { ...colleague, initials: 'WW' });
    const members = { [sandbox.botMemberId]: 'admin', [sandbox.personMemberId]: 'normal' } as const;
    const workspace = { name: 'Acme Product', members: [sandbox.botMemberId, colleague.id] };
    const shared = sandbox.seedBoard({
      ...board,
      members,
      workspace,
      prefs: { permissionLevel: 'org', comments: 'org' },
    });
    const hidden = sandbox.seedBoard({
      ...board,
      members,
      workspace,
      prefs: { permissionLevel: 'private', comments: 'org' },
    });
    const open = sandbox.seedBoard({
      ...board,
      members,
      workspace,
      prefs: { permissionLevel: 'org', comments: 'public' },
    });
    const comment = (cardId: string, memberId: string) =>
      fetch(`${origin}/_sandbox/trello/act/comment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cardId, memberId, text: 'hello' }),
      });
    const api = (path: string) => fetch(`${origin}${sandbox.prefix}${path}?key=k&token=t`);

    expect((await comment(shared.cards[0]!.id, colleague.id)).status).toBe(200);
    expect((await comment(shared.cards[0]!.id, sandbox.personMemberId)).status).toBe(200);
    expect((await comment(shared.cards[0]!.id, stranger)).status).toBe(401);
    // A private board shows only to its own people: a Workspace member who is not one cannot see it to comment.
    expect((await comment(hidden.cards[0]!.id, colleague.id)).status).toBe(401);
    await sandbox.webhooksIdle();

    const boardJson = (await (await api(`/boards/${shared.id}`)).json()) as {
      idOrganization: string;
      prefs: unknown;
    };
    const idOrganization: string = boardJson.idOrganization;
    expect(idOrganization).toMatch(/^[0-9a-f]{24}$/);
    expect(boardJson.prefs).toMatchObject({ permissionLevel: 'org', comments: 'org' });
    const listed = await (await api(`/organizations/${idOrganization}/members`)).json();
    expect(MemberSchema.array().parse(listed)).toEqual([
      { id: sandbox.botMemberId, fullName: 'Backlog Refinery', username: 'backlogrefinery' },
      colleague,
    ]);
    expect(await (await api('/organizations/acmeproduct/members')).json()).toEqual(listed);
    expect((await api('/organizations/5a0000000000000000000fff/members')).status).toBe(404);
    expect(receiver.deliveries.map((d) => JSON.parse(d.raw.toString('utf8')))).toMatchObject([
      { action: { idMemberCreator: colleague.id }, model: { id: shared.id, idOrganization } },
      { action: { idMemberCreator: sandbox.personMemberId } },
    ]);
    // Comments open to the public take in the Workspace: on a Workspace board, that is who sees it.
    expect((await comment(open.cards[0]!.id, colleague.id)).status).toBe(200);
    expect((await comment(open.cards[0]!.id, stranger)).status).toBe(401);
  });

  it('retries a failing receiver a bounded number of times', async () => {
    const receiver = await startReceiver(500);
    closers.push(() => new Promise((resolve) => receiver.server.close(resolve)));
    const { sandbox, app, origin } = await startSandbox({ webhook: { url: receiver.url, secret: 's' } });
    closers.push(() => app.close());
    const seeded = sandbox.seedBoard(board);

    await fetch(`${origin}/_sandbox/trello/act/move-card`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cardId: seeded.cards[0]!.id, list: 'Done' }),
    });
    await sandbox.webhooksIdle();

    expect(receiver.deliveries).toHaveLength(4);
    expect(sandbox.webhookCounters).toEqual({ delivered: 0, failedAttempts: 4, dropped: 1 });
  });

  it('answers 429 with Trello’s body when the token budget is spent', async () => {
    const { sandbox, app, tracker } = await startSandbox({
      rateLimit: { perToken: 3, perKey: 10, windowMs: 60_000 },
    });
    closers.push(() => app.close());
    const seeded = sandbox.seedBoard(board);
    const reader = tracker().boardActivity!;

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => reader.getBoardLists(seeded.id)),
    );

    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as TrackerError] : []));
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toMatchObject({ kind: 'rateLimit', status: 429 });
    expect(rejected[0]?.message).toContain('API_TOKEN_LIMIT_EXCEEDED');
    expect(sandbox.counters.rateLimited).toBe(2);
  });

  it('lets the limiter-paced adapter drain a burst without a single 429', async () => {
    const redis = new Redis(inject('redisUrl'));
    closers.push(() => redis.disconnect());
    const { sandbox, app, tracker } = await startSandbox({
      rateLimit: { perToken: 4, perKey: 8, windowMs: 250 },
    });
    closers.push(() => app.close());
    const seeded = sandbox.seedBoard(board);
    // Slack over the sandbox's window: Trello counts a request when it arrives, which on a busy machine can be a
    // hundred milliseconds or more after the limiter let it go (50 ms of slack failed under a loaded test run).
    const limiter = createOutboundLimiter({
      redis,
      keyPrefix: `{test:trello:${randomUUID()}}`,
      rules: [
        { name: 'token', limit: 4, windowMs: 650 },
        { name: 'key', limit: 8, windowMs: 650 },
      ],
    });
    const reader = tracker(limiter).boardActivity!;

    const lists = await Promise.all(Array.from({ length: 12 }, () => reader.getBoardLists(seeded.id)));

    expect(lists.every((l) => l.length === 3)).toBe(true);
    expect(sandbox.counters.rateLimited).toBe(0);
    expect(sandbox.counters.requests).toBe(12);
  });
});
