import { describe, expect, it } from 'vitest';
import { doc, paragraph } from '../../../src/domain/doc.ts';
import { adf, api, BOT, myself, PERSON, SITE, tracker, user } from './jira-fixtures.ts';

const ref = { tracker: 'jira' as const, id: '10042', key: 'BR-42' };

function comment(id: string, author: string, body: unknown) {
  const who = user(author, author === BOT ? 'Refinery Bot' : 'Dana Person');
  return {
    self: `${SITE}/rest/api/3/issue/10042/comment/${id}`,
    id,
    author: who,
    body,
    updateAuthor: who,
    created: '2026-03-03T10:00:00.000+0000',
    updated: '2026-03-03T10:00:00.000+0000',
    jsdPublic: true,
  };
}

function page(...comments: unknown[]) {
  return { startAt: 0, maxResults: 100, total: comments.length, comments };
}

const scoreBody = (score: string) => adf(`Priority score: ${score}`, 'backlog-refinery · score');

describe('Jira adapter comments', () => {
  it('creates the comment with a marker paragraph when the service has none for the purpose', async () => {
    api().get('/rest/api/3/myself').reply(200, myself);
    api()
      .get('/rest/api/3/issue/10042/comment')
      .query({ startAt: 0, maxResults: 100, orderBy: 'created' })
      .reply(200, page(comment('1', PERSON, scoreBody('9'))));
    api()
      .post('/rest/api/3/issue/10042/comment', {
        body: scoreBody('4.2'),
        properties: [{ key: 'sd.public.comment', value: { internal: true } }],
      })
      .reply(201, comment('2', BOT, scoreBody('4.2')));

    const outcome = await tracker().upsertComment(ref, 'score', doc(paragraph('Priority score: 4.2')));

    expect(outcome).toEqual({ id: '2', action: 'created' });
  });

  it('edits its own comment instead of adding a second one, and leaves an identical one alone', async () => {
    api().get('/rest/api/3/myself').reply(200, myself);
    api()
      .get('/rest/api/3/issue/10042/comment')
      .query(true)
      .reply(200, page(comment('7', BOT, scoreBody('3'))));
    api()
      .put('/rest/api/3/issue/10042/comment/7', {
        body: scoreBody('4.2'),
        properties: [{ key: 'sd.public.comment', value: { internal: true } }],
      })
      .reply(200, comment('7', BOT, scoreBody('4.2')));
    api()
      .get('/rest/api/3/issue/10042/comment')
      .query(true)
      .reply(200, page(comment('7', BOT, scoreBody('4.2'))));
    const jira = tracker();

    const first = await jira.upsertComment(ref, 'score', doc(paragraph('Priority score: 4.2')));
    const second = await jira.upsertComment(ref, 'score', doc(paragraph('Priority score: 4.2')));

    expect(first).toEqual({ id: '7', action: 'updated' });
    expect(second).toEqual({ id: '7', action: 'unchanged' });
  });

  it('reads and deletes only its own comment for the purpose', async () => {
    const comments = page(
      comment('1', PERSON, scoreBody('1')),
      comment('2', BOT, adf('Missing: Given', 'backlog-refinery · acceptance')),
      comment('3', BOT, scoreBody('4.2')),
    );
    api().get('/rest/api/3/myself').reply(200, myself);
    api().get('/rest/api/3/issue/10042/comment').query(true).times(3).reply(200, comments);
    const del = api().delete('/rest/api/3/issue/10042/comment/3').reply(204);
    const jira = tracker();

    const own = await jira.getOwnComment(ref, 'score');
    const deleted = await jira.deleteOwnComment(ref, 'score');
    const none = await jira.deleteOwnComment(ref, 'summary');

    expect(own).toEqual({
      id: '3',
      text: 'Priority score: 4.2',
      doc: doc(paragraph('Priority score: 4.2')),
      audience: 'customers',
    });
    expect(deleted).toBe(true);
    expect(del.isDone()).toBe(true);
    expect(none).toBe(false);
  });

  it("renames a moved item's key in its own comment only, whole keys only, once", async () => {
    const linkBody = (key: string) =>
      adf(`Linked to ${key}; also linked to APP-12 and XAPP-1.`, 'backlog-refinery · link');
    api().get('/rest/api/3/myself').reply(200, myself);
    api()
      .get('/rest/api/3/issue/10042/comment')
      .query(true)
      .reply(200, page(comment('1', PERSON, linkBody('APP-1')), comment('2', BOT, linkBody('APP-1'))));
    // No visibility said: the comment keeps the one it has.
    const put = api()
      .put('/rest/api/3/issue/10042/comment/2', { body: linkBody('WEB-7') })
      .reply(200, comment('2', BOT, linkBody('WEB-7')));
    api()
      .get('/rest/api/3/issue/10042/comment')
      .query(true)
      .reply(200, page(comment('1', PERSON, linkBody('APP-1')), comment('2', BOT, linkBody('WEB-7'))));
    const jira = tracker();

    const first = await jira.renameInOwnComment(ref, 'link', 'APP-1', 'WEB-7');
    const again = await jira.renameInOwnComment(ref, 'link', 'APP-1', 'WEB-7');

    expect(first).toEqual({ id: '2', action: 'updated' });
    expect(put.isDone()).toBe(true);
    expect(again).toEqual({ id: '2', action: 'unchanged' });
  });
});
