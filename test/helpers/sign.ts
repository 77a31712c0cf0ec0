import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';
import { signTrelloBody } from '../../src/trackers/trello/trello-signature.ts';
import { JIRA_SECRET, PUBLIC_URL, TRELLO_SECRET } from './test-config.ts';

let counter = 0;

/** Headers of a real Jira Cloud delivery, signed with the test secret. */
export function jiraHeaders(
  body: string,
  deliveryId = `delivery-${Date.now()}-${++counter}`,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-hub-signature': signJiraBody(body, JIRA_SECRET),
    'x-atlassian-webhook-identifier': deliveryId,
    'x-atlassian-webhook-flow': 'Primary',
  };
}

export function trelloHeaders(body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-trello-webhook': signTrelloBody(body, TRELLO_SECRET, `${PUBLIC_URL}/webhooks/trello`),
  };
}
