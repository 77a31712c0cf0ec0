import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorKind } from '../../../src/errors.ts';
import { JIRA_ISSUE_WRITE_WINDOWS } from '../../../src/sandbox/jira/issue-write-limit.ts';
import { type Harness, startHarness } from './sandbox-harness.ts';

// The sandbox's clock, moved by the tests: what the windows hold shows without waiting.
const START = Date.parse('2026-03-04T10:00:00.000Z');
let clock = START;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ issueWriteLimit: JIRA_ISSUE_WRITE_WINDOWS, now: () => new Date(clock) });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  // Each test starts 10 minutes later, with every window empty.
  clock += 600_000;
});

const rest = (path: string, init: RequestInit = {}) =>
  fetch(`${h.baseUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Basic ${Buffer.from('refinery-bot@sandbox.test:sandbox-token').toString('base64')}`,
      'content-type': 'application/json',
    },
  });
const idOf = (key: string) => [...h.sandbox.state.issues.values()].find((i) => i.key === key)!.id;
const comment = (idOrKey: string, text: string) =>
  rest(`/rest/api/3/issue/${idOrKey}/comment`, {
    method: 'POST',
    body: JSON.stringify({
      body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] },
    }),
  });
const label = (idOrKey: string, name: string) =>
  rest(`/rest/api/3/issue/${idOrKey}`, {
    method: 'PUT',
    body: JSON.stringify({ update: { labels: [{ add: name }] } }),
  });
const commentsWith = (text: string) =>
  h.sandbox.state.comments.filter((c) => JSON.stringify(c.body).includes(text)).length;

describe("the Jira sandbox enforces Jira Cloud's per-issue write limit (20 writes per 2 s, 100 per 30 s)", () => {
  it('the 21st write to one issue within 2 s gets the 429 Jira sends; reads and other issues go on; 2 s later it is written', async () => {
    // Comments and field edits, by key and by id, count against the same issue.
    for (let i = 0; i < 20; i++) {
      const answer = i % 2 === 0 ? await comment('BR-1', `burst ${i}`) : await label(idOf('BR-1'), `l${i}`);
      expect(answer.status, `write ${i + 1}`).toBeLessThan(300);
    }
    clock += 1_500;
    const refused = await comment(idOf('BR-1'), 'one too many');

    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    // The first write leaves the 2 s window 0.5 s from now: Retry-After is in whole seconds.
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('20');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('x-ratelimit-reset')).toBe(
      `${new Date(clock + 1_000).toISOString().slice(0, 19)}Z`,
    );
    expect(await refused.json()).toEqual({ errorMessages: [expect.any(String)], errors: {} });
    expect(commentsWith('one too many')).toBe(0);
    expect(h.sandbox.rateLimited.at(-1)).toMatchObject({
      method: 'POST',
      reason: 'jira-per-issue-on-write',
    });

    expect((await rest('/rest/api/3/issue/BR-1')).status).toBe(200);
    expect((await comment('BR-2', 'another issue')).status).toBe(201);

    clock += 500;
    expect((await comment('BR-1', 'after the window')).status).toBe(201);
    expect(commentsWith('after the window')).toBe(1);
  });

  it('the 101st write to one issue within 30 s is refused with the 30 s window named, until its first write leaves it', async () => {
    const first = clock;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20; i++) expect((await label('BR-2', `r${round}-${i}`)).status).toBe(204);
      clock += 2_000;
    }
    const refused = await label('BR-2', 'over');

    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('100');
    expect(refused.headers.get('retry-after')).toBe(String((first + 30_000 - clock) / 1_000));

    clock = first + 30_000;
    expect((await label('BR-2', 'later')).status).toBe(204);
  });

  it("the adapter reads the sandbox's own 429 as Jira's: a limit on that issue, for Retry-After", async () => {
    const ref = { tracker: 'jira' as const, id: idOf('SUP-1'), key: 'SUP-1' };
    for (let i = 0; i < 20; i++) expect((await comment('SUP-1', `burst ${i}`)).status).toBe(201);

    const error = await h.jira.setLabel(ref, 'too-soon', true).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: ErrorKind.RateLimit,
      status: 429,
      retryAfterMs: 2_000,
      rateLimitScope: 'item',
    });
  });

  it('a fault-injected 429 is the same answer, and shows among the 429s answered', async () => {
    h.sandbox.injectFault({
      pathPrefix: '/rest/api/3/issue/BR-1/comment',
      method: 'POST',
      status: 429,
      count: 1,
      retryAfterSeconds: 3,
      rateLimitReason: 'jira-per-issue-on-write',
    });
    const injected = await comment('BR-1', 'fault');

    expect(injected.status).toBe(429);
    expect(injected.headers.get('retry-after')).toBe('3');
    expect(injected.headers.get('x-ratelimit-limit')).toBe('20');
    expect(await injected.json()).toEqual({ errorMessages: [expect.any(String)], errors: {} });
    expect(h.sandbox.rateLimited.at(-1)).toMatchObject({
      path: '/rest/api/3/issue/BR-1/comment',
      reason: 'jira-per-issue-on-write',
    });
  });
});
