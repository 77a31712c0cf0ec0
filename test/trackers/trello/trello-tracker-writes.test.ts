import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { bold, doc, paragraph } from '../../../src/domain/doc.ts';
import {
  API,
  BOARD,
  boardPluginsJson,
  CARD,
  cardJson,
  commentAction,
  createTestTracker,
  DONE,
  fieldsJson,
  listsJson,
  meJson,
  POINTS,
} from './trello-fixtures.ts';

const ref = { tracker: 'trello' as const, id: CARD, key: '4K7LwAKx' };
const MARKER = '_backlog-refinery · acceptance_';

function mockCardAndFields() {
  nock(API)
    .get(`/1/cards/${CARD}`)
    .query(true)
    .reply(200, cardJson())
    .get(`/1/boards/${BOARD}/boardPlugins`)
    .query(true)
    .reply(200, boardPluginsJson)
    .get(`/1/boards/${BOARD}/customFields`)
    .query(true)
    .reply(200, fieldsJson);
}

describe('setNumberFields', () => {
  it('skips unchanged values and sends changed numbers as strings', async () => {
    const { tracker } = createTestTracker();
    mockCardAndFields();
    const write = nock(API)
      .put(`/1/cards/${CARD}/customField/${POINTS}/item`, { value: { number: '8' } })
      .query(true)
      .reply(200, {
        id: 'i1',
        value: { number: '8' },
        idCustomField: POINTS,
        idModel: CARD,
        modelType: 'card',
      });

    const outcome = await tracker.setNumberFields(ref, { 'story points': 8 }, { createMissing: false });

    expect(outcome).toEqual({ written: ['story points'], unchanged: [], missing: [] });
    expect(write.isDone()).toBe(true);
  });

  it('leaves an equal value alone and reports missing fields when it may not create them', async () => {
    const { tracker } = createTestTracker();
    mockCardAndFields();

    const outcome = await tracker.setNumberFields(
      ref,
      { 'Story Points': 5, Impact: 3 },
      { createMissing: false },
    );

    expect(outcome).toEqual({
      written: [],
      unchanged: ['Story Points'],
      missing: [{ name: 'Impact', reason: 'no custom field with this name on the board' }],
    });
  });

  it('creates a missing Number field on the board when allowed, and clears with an empty value', async () => {
    const { tracker } = createTestTracker();
    mockCardAndFields();
    nock(API)
      .post('/1/customFields', {
        idModel: BOARD,
        modelType: 'board',
        name: 'Impact',
        type: 'number',
        pos: 'bottom',
        display_cardFront: true,
      })
      .query(true)
      .reply(200, {
        id: 'f-impact',
        idModel: BOARD,
        modelType: 'board',
        name: 'Impact',
        type: 'number',
        display: { cardFront: true },
      })
      .put(`/1/cards/${CARD}/customField/f-impact/item`, { value: { number: '3' } })
      .query(true)
      .reply(200, {})
      .put(`/1/cards/${CARD}/customField/${POINTS}/item`, { value: '' })
      .query(true)
      .reply(200, {});

    const outcome = await tracker.setNumberFields(
      ref,
      { Impact: 3, 'Story Points': null },
      { createMissing: true },
    );

    expect(outcome.written).toEqual(['Impact', 'Story Points']);
  });
});

describe('upsertComment', () => {
  function mockComments(actions: unknown[]) {
    nock(API)
      .get('/1/members/me')
      .query(true)
      .reply(200, meJson)
      .get(`/1/cards/${CARD}/actions`)
      .query((q) => q.filter === 'commentCard')
      .reply(200, actions);
  }

  it('creates the comment with Markdown and the purpose marker', async () => {
    const { tracker } = createTestTracker();
    mockComments([commentAction('c-other', `Hi\n\n${MARKER}`, 'someone-else')]);
    nock(API)
      .post(`/1/cards/${CARD}/actions/comments`, { text: `**Missing:** criteria\n\n${MARKER}` })
      .query((q) => q.text === undefined)
      .reply(200, commentAction('c-new', `**Missing:** criteria\n\n${MARKER}`));

    const outcome = await tracker.upsertComment(
      ref,
      'acceptance',
      doc(paragraph(bold('Missing:'), ' criteria')),
    );

    expect(outcome).toEqual({ id: 'c-new', action: 'created' });
  });

  it('edits its own comment in place and leaves an identical one alone', async () => {
    const { tracker } = createTestTracker();
    mockComments([commentAction('c1', `old\n\n${MARKER}`)]);
    nock(API)
      .put(`/1/cards/${CARD}/actions/c1/comments`, { text: `new\n\n${MARKER}` })
      .query((q) => q.text === undefined)
      .reply(200, commentAction('c1', `new\n\n${MARKER}`));
    nock(API)
      .get(`/1/cards/${CARD}/actions`)
      .query(true)
      .reply(200, [commentAction('c1', `new\n\n${MARKER}`)]);

    const edited = await tracker.upsertComment(ref, 'acceptance', doc(paragraph('new')));
    const again = await tracker.upsertComment(ref, 'acceptance', doc(paragraph('new')));

    expect(edited).toEqual({ id: 'c1', action: 'updated' });
    expect(again).toEqual({ id: 'c1', action: 'unchanged' });
  });

  it('reads and deletes its own comment for a purpose', async () => {
    const { tracker } = createTestTracker();
    mockComments([commentAction('c1', `body\n\n${MARKER}`)]);
    nock(API)
      .get(`/1/cards/${CARD}/actions`)
      .query(true)
      .reply(200, [commentAction('c1', `body\n\n${MARKER}`)]);
    nock(API).delete(`/1/cards/${CARD}/actions/c1/comments`).query(true).reply(200, {});

    const own = await tracker.getOwnComment(ref, 'acceptance');
    const deleted = await tracker.deleteOwnComment(ref, 'acceptance');

    expect(own).toEqual({ id: 'c1', text: 'body', doc: doc(paragraph('body')) });
    expect(deleted).toBe(true);
  });
});

describe('labels, links, moves, descriptions, creation', () => {
  it('adds an existing board label, creates a missing one, and removes one', async () => {
    const { tracker } = createTestTracker();
    const card = cardJson({ labels: [{ id: 'l-bug', idBoard: BOARD, name: 'bug', color: 'red' }] });
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, card)
      .get(`/1/boards/${BOARD}/labels`)
      .query(true)
      .reply(200, [{ id: 'l-bug', idBoard: BOARD, name: 'bug', color: 'red' }])
      .post(`/1/boards/${BOARD}/labels`)
      .query((q) => q.name === 'needs-ac' && q.color === 'sky')
      .reply(200, { id: 'l-new', idBoard: BOARD, name: 'needs-ac', color: 'sky' })
      .post(`/1/cards/${CARD}/idLabels`)
      .query((q) => q.value === 'l-new')
      .reply(200, ['l-bug', 'l-new'])
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, card)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, card)
      .delete(`/1/cards/${CARD}/idLabels/l-bug`)
      .query(true)
      .reply(200, []);

    expect(await tracker.setLabel(ref, 'needs-ac', true)).toBe(true);
    expect(await tracker.setLabel(ref, 'Bug', true)).toBe(false);
    expect(await tracker.setLabel(ref, 'bug', false)).toBe(true);
  });

  it('adds a link as an attachment once, and removes it', async () => {
    const { tracker } = createTestTracker();
    const target = {
      kind: 'item' as const,
      ref: { tracker: 'jira' as const, id: '10001', key: 'ABC-12' },
      url: 'https://acme.atlassian.net/browse/ABC-12',
      title: 'ABC-12 Login',
    };
    const attachment = {
      id: 'att1',
      url: 'https://acme.atlassian.net/browse/ABC-12',
      name: 'ABC-12 Login',
      isUpload: false,
    };
    nock(API)
      .get(`/1/cards/${CARD}/attachments`)
      .query(true)
      .reply(200, [])
      .post(`/1/cards/${CARD}/attachments`)
      .query((q) => q.url === target.url && q.name === 'ABC-12 Login')
      .reply(200, attachment)
      .get(`/1/cards/${CARD}/attachments`)
      .query(true)
      .reply(200, [attachment])
      .get(`/1/cards/${CARD}/attachments`)
      .query(true)
      .reply(200, [attachment])
      .delete(`/1/cards/${CARD}/attachments/att1`)
      .query(true)
      .reply(200, {});

    expect(await tracker.addLink(ref, target, 'relates')).toBe(true);
    expect(await tracker.addLink(ref, target, 'relates')).toBe(false);
    expect(await tracker.removeLink(ref, target)).toBe(true);
  });

  it('moves a card to a list by name and fails when the board has none', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, cardJson())
      .get(`/1/boards/${BOARD}/lists`)
      .query(true)
      .reply(200, listsJson)
      .put(`/1/cards/${CARD}`)
      .query((q) => q.idList === DONE)
      .reply(200, cardJson({ idList: DONE }))
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, cardJson())
      .get(`/1/boards/${BOARD}/lists`)
      .query(true)
      .reply(200, listsJson);

    await tracker.moveTo(ref, 'done');
    const error = await tracker.moveTo(ref, 'Shipped').catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: 'validation', message: 'No open list named "Shipped" on the board' });
  });

  it('writes the description only when it changed', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, cardJson())
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, cardJson())
      .put(`/1/cards/${CARD}`, { desc: 'New text' })
      .query((q) => q.desc === undefined)
      .reply(200, cardJson({ desc: 'New text' }));

    await tracker.setDescription(ref, '## Acceptance criteria\n- Given a user');
    await tracker.setDescription(ref, 'New text');
  });

  it('creates a card in a new list with labels and a Markdown body', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get(`/1/boards/${BOARD}/lists`)
      .query(true)
      .reply(200, listsJson)
      .post(`/1/boards/${BOARD}/lists`)
      .query((q) => q.name === 'Support')
      .reply(200, { id: 'list-s', name: 'Support', idBoard: BOARD })
      .get(`/1/boards/${BOARD}/labels`)
      .query(true)
      .reply(200, [{ id: 'l-bug', idBoard: BOARD, name: 'bug', color: 'red' }])
      .post('/1/cards', { desc: '**Steps**' })
      .query(
        (q) => q.idList === 'list-s' && q.name === 'Crash' && q.desc === undefined && q.idLabels === 'l-bug',
      )
      .reply(200, cardJson({ id: '6000000000000000000000e1', shortLink: 'NewCard1', idList: 'list-s' }));

    const created = await tracker.createItem(
      { containerId: BOARD, typeOrList: 'Support' },
      { title: 'Crash', body: doc(paragraph(bold('Steps'))), labels: ['bug'] },
    );

    expect(created).toEqual({ tracker: 'trello', id: '6000000000000000000000e1', key: 'NewCard1' });
  });
});
