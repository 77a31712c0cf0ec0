import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_TEXTS } from '../../bench/lib/hostile-text.ts';
import { STACK_JIRA_SECRET, STACK_TRELLO_SECRET, type Stack, startStack } from '../../scripts/lib/stack.ts';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';
import { signTrelloBody } from '../../src/trackers/trello/trello-signature.ts';
import { fixture } from '../fixtures/index.ts';
import { testRedisUrl } from '../helpers/redis.ts';

/**
 * Issue 12, item 2: hostile 32,767-character comments (16,384 on Trello), signed, through the real API and
 * worker processes; the readiness probe keeps answering within 100 ms meanwhile. Before the fix one such comment
 * held the API's event loop for seconds.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { LOG_LEVEL: 'warn' } });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

type JiraComment = { timestamp: number; comment: { id: string; body: string } };
type TrelloComment = { action: { id: string; date: string; data: { text: string } } };

async function postJira(body: string, index: number): Promise<number> {
  const payload = fixture<JiraComment>('jira/comment_created');
  payload.timestamp = Date.now();
  payload.comment = { ...payload.comment, id: String(50_000 + index), body };
  const raw = JSON.stringify(payload);
  const response = await fetch(`${stack.apiUrl}/webhooks/jira`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': signJiraBody(raw, STACK_JIRA_SECRET),
      'x-atlassian-webhook-identifier': `hostile-${index}-${Date.now()}`,
    },
    body: raw,
  });
  await response.arrayBuffer();
  return response.status;
}

async function postTrello(text: string, index: number): Promise<number> {
  const payload = fixture<TrelloComment>('trello/commentCard');
  payload.action = {
    ...payload.action,
    id: `hostile${index}${Date.now()}`,
    date: new Date().toISOString(),
    data: { ...payload.action.data, text },
  };
  const raw = JSON.stringify(payload);
  const response = await fetch(`${stack.apiUrl}/webhooks/trello`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-trello-webhook': signTrelloBody(raw, STACK_TRELLO_SECRET, `${stack.apiUrl}/webhooks/trello`),
    },
    body: raw,
  });
  await response.arrayBuffer();
  return response.status;
}

/** One round: every hostile comment posted while /healthz is probed every 10 ms; the slowest probe, in ms. */
async function slowestProbeWhilePosting(
  round: number,
): Promise<{ slowest: number; probes: number; statuses: number[] }> {
  const probes: number[] = [];
  let sending = true;
  const probing = (async () => {
    while (sending) {
      const started = performance.now();
      const response = await fetch(`${stack.apiUrl}/healthz`);
      await response.arrayBuffer();
      probes.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const statuses: number[] = [];
  for (const [index, text] of HOSTILE_TEXTS.entries()) {
    statuses.push(await postJira(text.make(32_767), round * 100 + index));
    statuses.push(await postTrello(text.make(16_384), round * 100 + index));
  }
  sending = false;
  await probing;
  return { slowest: Math.max(...probes), probes: probes.length, statuses };
}

describe('hostile comments and the readiness probe', () => {
  it('/healthz answers within 100 ms while 32 K hostile comments are taken in and processed', async () => {
    // Up to three rounds: other processes on a shared machine can delay one probe; a quadratic parser delays
    // every round by seconds (2.3 s before the fix).
    const rounds: number[] = [];
    for (let round = 0; round < 3; round++) {
      const { slowest, probes, statuses } = await slowestProbeWhilePosting(round);
      expect(statuses.every((status) => status < 500)).toBe(true);
      expect(probes).toBeGreaterThan(5);
      rounds.push(slowest);
      if (slowest < 100) break;
    }

    expect(Math.min(...rounds)).toBeLessThan(100);
  }, 90_000);
});
