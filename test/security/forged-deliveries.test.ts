import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';
import { isValidTrelloSignature, signTrelloBody } from '../../src/trackers/trello/trello-signature.ts';
import { fixtureText } from '../fixtures/index.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { jiraHeaders, trelloHeaders } from '../helpers/sign.ts';
import { JIRA_SECRET, PUBLIC_URL, TRELLO_SECRET, testConfig } from '../helpers/test-config.ts';
import { postWebhook } from './support.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api.close();
});

const UNAUTHORIZED = '{"error":"Unauthorized","message":"Signature missing or invalid"}';
const CALLBACK = `${PUBLIC_URL}/webhooks/trello`;
const jiraBody = fixtureText('jira/comment_created');
const trelloBody = fixtureText('trello/commentCard');
const hmac = (method: string, secret: string, data: string, encoding: 'hex' | 'base64') =>
  createHmac(method, secret).update(data).digest(encoding);
const jiraDigest = signJiraBody(jiraBody, JIRA_SECRET).slice('sha256='.length);
const trelloDigest = signTrelloBody(trelloBody, TRELLO_SECRET, CALLBACK);

/** [label, body, x-hub-signature or undefined] */
const forgedJira: [string, string, string | undefined][] = [
  ['a wrong secret', jiraBody, signJiraBody(jiraBody, 'not the secret')],
  ['no header', jiraBody, undefined],
  ['an empty header', jiraBody, ''],
  ['a sha256 digest labelled sha1', jiraBody, `sha1=${jiraDigest}`],
  ['a sha1 digest labelled sha256', jiraBody, `sha256=${hmac('sha1', JIRA_SECRET, jiraBody, 'hex')}`],
  ['a digest without method', jiraBody, jiraDigest],
  ['a truncated digest', jiraBody, `sha256=${jiraDigest.slice(0, 63)}`],
  ['a digest cut in half', jiraBody, `sha256=${jiraDigest.slice(0, 32)}`],
  ['an upper-case digest', jiraBody, `sha256=${jiraDigest.toUpperCase()}`],
  ['an upper-case method', jiraBody, `SHA256=${jiraDigest}`],
  ['a non-hex digest', jiraBody, `sha256=${jiraDigest.slice(0, 62)}zz`],
  ['a digest with a trailing byte', jiraBody, `sha256=${jiraDigest}00`],
  ['a base64 digest', jiraBody, `sha256=${hmac('sha256', JIRA_SECRET, jiraBody, 'base64')}`],
  ['an md5 HMAC', jiraBody, `md5=${hmac('md5', JIRA_SECRET, jiraBody, 'hex')}`],
  ['an empty body signed for the real one', '', signJiraBody(jiraBody, JIRA_SECRET)],
  ['an empty body with no signature', '', undefined],
  ['the signature of an empty body, with the real body', jiraBody, signJiraBody('', JIRA_SECRET)],
];

const forgedTrello: [string, string, string | undefined][] = [
  ['a wrong secret', trelloBody, signTrelloBody(trelloBody, 'not the secret', CALLBACK)],
  ['no header', trelloBody, undefined],
  ['an empty header', trelloBody, ''],
  ['HMAC-SHA256 instead of SHA1', trelloBody, hmac('sha256', TRELLO_SECRET, trelloBody + CALLBACK, 'base64')],
  ['the body without the callback URL', trelloBody, hmac('sha1', TRELLO_SECRET, trelloBody, 'base64')],
  ['another callback URL', trelloBody, signTrelloBody(trelloBody, TRELLO_SECRET, `${CALLBACK}/`)],
  ['a hex digest', trelloBody, hmac('sha1', TRELLO_SECRET, trelloBody + CALLBACK, 'hex')],
  ['a truncated digest', trelloBody, trelloDigest.slice(0, -2)],
  ['an upper-case digest', trelloBody, trelloDigest.toUpperCase()],
  ['unpadded base64', trelloBody, trelloDigest.replace(/=+$/, '')],
  [
    'the base64 of the hex digest',
    trelloBody,
    Buffer.from(hmac('sha1', TRELLO_SECRET, trelloBody + CALLBACK, 'hex')).toString('base64'),
  ],
  ['a digest with a space', trelloBody, ` ${trelloDigest}`],
  ['an empty body signed for the real one', '', trelloDigest],
];

describe('S1 forged deliveries', () => {
  it.each([
    ...forgedJira.map(([label, body, sig]) => ['jira', label, body, sig] as const),
    ...forgedTrello.map(([label, body, sig]) => ['trello', label, body, sig] as const),
  ])('%s: %s → 401, nothing enqueued', async (tracker, _label, body, signature) => {
    const base = tracker === 'jira' ? jiraHeaders(jiraBody) : trelloHeaders(trelloBody);
    const header = tracker === 'jira' ? 'x-hub-signature' : 'x-trello-webhook';
    const { [header]: _dropped, ...rest } = base;
    const headers = signature === undefined ? rest : { ...rest, [header]: signature };

    const response = await postWebhook(api.app, tracker, body, headers);

    expect(response.statusCode).toBe(401);
    // Same bytes for every forgery: the answer tells a forger nothing about how close they came.
    expect(response.body).toBe(UNAUTHORIZED);
    await api.drain();
    expect(await api.queue.count()).toBe(0);
  });

  it('the genuine deliveries are accepted (the forgeries above differ from them in one thing only)', async () => {
    const jira = await postWebhook(api.app, 'jira', jiraBody, jiraHeaders(jiraBody, 'genuine-s1'));
    const trello = await postWebhook(api.app, 'trello', trelloBody, trelloHeaders(trelloBody));

    expect([jira.statusCode, trello.statusCode]).toEqual([202, 202]);
    await api.queue.obliterate({ force: true });
  });
});

describe('S3 known-answer vectors', () => {
  // Computed with `printf '%s' 'Hello World!https://refinery.example.test/webhooks/trello'
  //   | openssl dgst -sha1 -hmac trello-app-secret-for-tests -binary | base64`.
  const VECTOR = 'tO7X55GDyGEmiy1dTum+KGFs2B0=';

  it('Trello: base64 HMAC-SHA1 over the body followed by the callback URL', () => {
    expect(hmac('sha1', TRELLO_SECRET, `Hello World!${CALLBACK}`, 'base64')).toBe(VECTOR);
    expect(signTrelloBody('Hello World!', TRELLO_SECRET, CALLBACK)).toBe(VECTOR);
    expect(isValidTrelloSignature(Buffer.from('Hello World!'), VECTOR, [TRELLO_SECRET], CALLBACK)).toBe(true);
  });

  it.each([
    ['a flipped body byte', 'Hello World?', VECTOR],
    ['a flipped signature byte', 'Hello World!', `u${VECTOR.slice(1)}`],
  ])('Trello: %s fails', (_label, body, signature) => {
    expect(isValidTrelloSignature(Buffer.from(body), signature, [TRELLO_SECRET], CALLBACK)).toBe(false);
  });

  it('Jira: a flipped body byte of the published vector fails at the route', async () => {
    const response = await postWebhook(api.app, 'jira', 'Hello World?', {
      ...jiraHeaders('Hello World!'),
      'x-hub-signature': 'sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9',
    });

    expect(response.statusCode).toBe(401);
  });
});

describe('S4 re-serialised bodies keep failing; only the signed bytes pass', () => {
  const original = '{"webhookEvent":"worklog_created","timestamp":1,"note":"café"}';
  const variants = [
    ['indented', JSON.stringify(JSON.parse(original), null, 2)],
    ['with a trailing newline', `${original}\n`],
    ['with keys reordered', '{"timestamp":1,"webhookEvent":"worklog_created","note":"café"}'],
    ['with é escaped as \\u00e9', original.replace('é', '\\u00e9')],
    ['with é decomposed (NFD)', original.normalize('NFD')],
  ] as const;

  it.each(variants)('Jira: the same JSON %s → 401', async (_label, body) => {
    const response = await postWebhook(api.app, 'jira', body, jiraHeaders(original));

    expect(response.statusCode).toBe(401);
  });

  it.each(variants)('Trello: the same JSON %s → 401', async (_label, body) => {
    const response = await postWebhook(api.app, 'trello', body, trelloHeaders(original));

    expect(response.statusCode).toBe(401);
  });

  it('the original bytes pass verification', async () => {
    const response = await postWebhook(api.app, 'jira', original, jiraHeaders(original));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ignored: 'unsupported event worklog_created' });
  });
});

describe('S10 secret rotation', () => {
  it('both secrets verify during the overlap; once the previous one is removed it no longer does', async () => {
    const overlap = await startApiHarness({
      config: testConfig({
        JIRA_WEBHOOK_SECRET: 'jira-new',
        JIRA_WEBHOOK_SECRET_PREVIOUS: JIRA_SECRET,
        TRELLO_API_SECRET: 'trello-new',
        TRELLO_API_SECRET_PREVIOUS: TRELLO_SECRET,
      }),
    });
    const after = await startApiHarness({
      config: testConfig({ JIRA_WEBHOOK_SECRET: 'jira-new', TRELLO_API_SECRET: 'trello-new' }),
    });
    const body = '{"webhookEvent":"worklog_created","timestamp":1}';
    const jira = (secret: string) => ({
      ...jiraHeaders(body),
      'x-hub-signature': signJiraBody(body, secret),
    });
    const trello = (secret: string) => ({
      'content-type': 'application/json',
      'x-trello-webhook': signTrelloBody(trelloBody, secret, CALLBACK),
    });
    try {
      const during = [
        await postWebhook(overlap.app, 'jira', body, jira('jira-new')),
        await postWebhook(overlap.app, 'jira', body, jira(JIRA_SECRET)),
        await postWebhook(overlap.app, 'trello', trelloBody, trello('trello-new')),
        await postWebhook(overlap.app, 'trello', trelloBody, trello(TRELLO_SECRET)),
      ];
      const later = [
        await postWebhook(after.app, 'jira', body, jira('jira-new')),
        await postWebhook(after.app, 'jira', body, jira(JIRA_SECRET)),
        await postWebhook(after.app, 'trello', trelloBody, trello(TRELLO_SECRET)),
        await postWebhook(after.app, 'trello', trelloBody, trello('trello-new')),
      ];

      expect(during.map((r) => r.statusCode)).toEqual([200, 200, 202, 200]);
      expect(later.map((r) => r.statusCode)).toEqual([200, 401, 401, 202]);
    } finally {
      await overlap.close();
      await after.close();
    }
  });
});
