import { readFileSync } from 'node:fs';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';

export interface JiraDeliveryOptions {
  secret: string;
  /** Issues the comments are on, in turn (default: the sample's own issue). */
  issues?: readonly { id: string; key: string }[];
  /** Account id of the comments' author (default: the sample's). */
  author?: string;
}

/** A real Jira `comment_created` delivery (`/help`, ~4 KB), made unique per request and signed like Jira does. */
export function jiraCommentDeliveries(
  options: JiraDeliveryOptions,
): () => { body: string; headers: Record<string, string> } {
  const delivery = JSON.parse(
    readFileSync(new URL('../../test/fixtures/jira/comment_created.json', import.meta.url), 'utf8'),
  ) as {
    timestamp: number;
    comment: { id: string; body: string; author: { accountId: string } };
    issue: { id: string; key: string };
  };
  delivery.timestamp = Date.now();
  delivery.comment.body = '/help';
  delivery.comment.id = '@SEQ@';
  if (options.author) delivery.comment.author.accountId = options.author;
  // One template per issue, split where the sequence goes: no JSON work per request in the load generator.
  const templates = (options.issues ?? [delivery.issue]).map((issue) => {
    delivery.issue.id = issue.id;
    delivery.issue.key = issue.key;
    return JSON.stringify(delivery).split('@SEQ@') as [string, string];
  });
  const run = Math.random().toString(36).slice(2, 8);
  let sequence = 0;
  return () => {
    sequence += 1;
    const [before, after] = templates[sequence % templates.length]!;
    // Distinct bodies: intake takes the same bytes under a second id for a replay.
    const body = `${before}${run}-${sequence}${after}`;
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': signJiraBody(body, options.secret),
        'x-atlassian-webhook-identifier': `${run}-${sequence}`,
      },
    };
  };
}
