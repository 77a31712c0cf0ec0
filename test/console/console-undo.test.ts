import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAuditEntry } from '../../src/audit/audit-entry.ts';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createRedisUserStore } from '../../src/console/users.ts';
import { createReadModelWriter } from '../../src/read-model/index.ts';
import { makeItem } from '../domain/scoring/make-item.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { consoleClient, formFields } from './console-client.ts';
import { realConsole } from './real-console.ts';

/** Undo offered on the activity page for items the console can comment `/undo` on, and only for those. */
describe('console undo beyond backlog items', () => {
  let harness: ApiHarness;
  let ada: ReturnType<typeof consoleClient>;
  const ticket = makeItem({ key: 'HELP-7', id: '10107', container: { id: '10001', key: 'HELP' } });
  const summary = makeItem({ key: 'SUM-1', id: '10201', container: { id: '10002', key: 'SUM' } });
  const auditIds: Record<string, string> = {};

  const written = (item: typeof ticket, operation: NewAuditEntry['operation'], jobId: string) =>
    ({
      item: item.ref,
      operation,
      mode: 'applied',
      context: {
        capability: operation === 'addLink' ? 'link-ticket' : 'post-sprint-summary',
        jobId,
        deliveryId: `d-${jobId}`,
        actor: { id: 'service', displayName: 'backlog-refinery' },
      },
      target:
        operation === 'addLink'
          ? {
              link: {
                kind: 'item',
                ref: { tracker: 'jira', id: '3', key: 'APP-3' },
                url: '',
                title: 'APP-3',
              },
              type: 'Relates',
            }
          : {},
      before: operation === 'addLink' ? null : 'the old summary',
      after: operation === 'addLink' ? { type: 'Relates' } : 'the new summary',
    }) satisfies NewAuditEntry;

  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole });
    const users = createRedisUserStore(harness.redis, harness.prefix);
    ada = consoleClient(harness.app);
    expect((await ada.signIn((await users.add('ada', 'editor')).token)).statusCode).toBe(303);
    // A support ticket the read model holds (linked automatically), and a sprint summary's item it does not.
    await createReadModelWriter(harness.redis, harness.prefix).ticketLinked(ticket);
    const audit = createRedisAuditStore({
      redis: harness.redis,
      keyPrefix: harness.prefix,
      retentionDays: 30,
    });
    auditIds.ticket = (await audit.record(written(ticket, 'addLink', 'j1'))).id;
    auditIds.summary = (await audit.record(written(summary, 'setDescription', 'j2'))).id;
  });
  afterAll(async () => harness?.close());

  const row = (body: string, id: string) => {
    const match = new RegExp(`<tr id="[^"]+" data-audit-id="${id}">([\\s\\S]*?)</tr>`).exec(body);
    if (!match?.[1]) throw new Error(`no activity row ${id}`);
    return match[1];
  };

  it("offers undo on a support ticket's latest change, and undo comments /undo on the ticket as the person", async () => {
    const page = await ada.get('/console/activity');
    expect(page.statusCode).toBe(200);
    expect(row(page.body, auditIds.ticket!)).toContain('data-action="undo"');
    expect(row(page.body, auditIds.ticket!)).toContain('<input type="hidden" name="id" value="10107">');
    expect(row(page.body, auditIds.ticket!)).toContain('<input type="hidden" name="change" value="j1">');

    const undone = await ada.post('/console/undo', {
      _csrf: ada.csrf(page.body),
      tracker: 'jira',
      id: '10107',
      change: 'j1',
      back: '/console/activity',
    });
    expect(undone.statusCode).toBe(303);
    expect(undone.headers.location).toBe('/console/activity?undone=1');
    const [job] = await harness.queue.getWaiting();
    expect(job?.name).toBe('run-commands');
    expect(job?.data.event).toMatchObject({
      item: { tracker: 'jira', id: '10107', key: 'HELP-7' },
      container: { id: '10001', key: 'HELP' },
      actor: { displayName: 'console: ada' },
      comment: { text: '/undo' },
    });
  });

  /** HELP-8, a ticket the read model holds with one change of the service: its activity page, as ada opened it. */
  async function openHelp8() {
    const help8 = makeItem({ key: 'HELP-8', id: '10108', container: { id: '10001', key: 'HELP' } });
    await createReadModelWriter(harness.redis, harness.prefix).ticketLinked(help8);
    const audit = createRedisAuditStore({
      redis: harness.redis,
      keyPrefix: harness.prefix,
      retentionDays: 30,
    });
    await audit.record(written(help8, 'addLink', 'j8'));
    const page = await ada.get('/console/activity?tracker=jira&item=HELP-8');
    const fields = formFields(page.body, '/console/undo');
    const undos = async () =>
      (await harness.queue.getWaiting()).filter((job) => job.data.event.item.key === 'HELP-8').length;
    return { help8, audit, fields, undos, page: page.body };
  }

  it('returns from Undo to the row that was undone, not to the top of the page', async () => {
    const { fields, page } = await openHelp8();
    const undoneRow = /<tr[^>]*data-audit-id="([^"]+)"[^>]*>(?:(?!<\/tr>)[\s\S])*?data-action="undo"/.exec(
      page,
    )?.[1];
    const undone = await ada.post('/console/undo', fields);
    expect(undone.statusCode).toBe(303);
    const [path, fragment] = (undone.headers.location as string).split('#');
    expect(path).toMatch(/^\/console\/activity\?tracker=jira&item=HELP-8&.*undone=1$/);
    const back = (await ada.get(path!)).body;
    expect(back).toContain(`<tr id="${fragment}" data-audit-id="${undoneRow}">`);
  });

  it('queues one /undo when the same Undo is sent twice (a double click would undo, then redo)', async () => {
    const { fields, undos } = await openHelp8();
    const sent = await Promise.all([ada.post('/console/undo', fields), ada.post('/console/undo', fields)]);
    expect(sent.map((response) => response.statusCode)).toEqual([303, 303]);
    expect(await undos()).toBe(1);
  });

  it("refuses a stale page's Undo once the item has a newer change than the one the page showed", async () => {
    const { help8, audit, fields, undos } = await openHelp8();
    const before = await undos();
    // A job changes HELP-8 again after ada opened the page: /undo would now take back that change, not the link.
    await audit.record(written(help8, 'setDescription', 'j9'));
    const stale = await ada.post('/console/undo', fields);
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('HELP-8 changed since');
    expect(await undos()).toBe(before);
  });

  it('answers an Undo from a page of the release before, which names no change, as a stale page', async () => {
    const { fields, undos } = await openHelp8();
    const before = await undos();
    const { change: _shown, ...older } = fields;
    const stale = await ada.post('/console/undo', older);
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('HELP-8 changed since the page was shown: reload it');
    expect(await undos()).toBe(before);
  });

  it('offers no undo on an item the console cannot comment on, and refuses one with 404', async () => {
    const page = await ada.get('/console/activity');
    expect(row(page.body, auditIds.summary!)).not.toContain('data-action="undo"');
    expect(row(page.body, auditIds.summary!)).toContain('applied');
    const refused = await ada.post('/console/undo', {
      _csrf: ada.csrf(page.body),
      tracker: 'jira',
      id: '10201',
      change: 'j2',
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.body).toContain('No backlog item or support ticket jira:10201');
  });
});
