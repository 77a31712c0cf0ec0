import type { JiraSandbox } from '../../src/sandbox/jira/jira-sandbox.ts';
import { adfToPlainText } from '../../src/trackers/jira/adf-text.ts';

/** The sandbox issue with this key: tests name issues by key, the sandbox keeps them by id. */
export function issueByKey(jira: JiraSandbox, key: string) {
  const found = [...jira.state.issues.values()].find((issue) => issue.key === key);
  if (!found) throw new Error(`No sandbox issue ${key}`);
  return found;
}

/** Whether the two issues are linked, in either direction. */
export function linkedInJira(jira: JiraSandbox, a: string, b: string): boolean {
  const [first, second] = [issueByKey(jira, a).id, issueByKey(jira, b).id];
  return jira.state.links.some(
    (link) =>
      (link.fromId === first && link.toId === second) || (link.fromId === second && link.toId === first),
  );
}

/** The comments on the issue that carry the service's marker `backlog-refinery · <marker>` (its scorecard, …). */
export function markedComments(jira: JiraSandbox, key: string, marker: string) {
  const { id } = issueByKey(jira, key);
  return jira.state.comments.filter(
    (comment) =>
      comment.issueId === id && JSON.stringify(comment.body).includes(`backlog-refinery · ${marker}`),
  );
}

/** The lines of the service's comment for a purpose on the issue (`link`: its suggestions, or the link it made). */
export function ownCommentLines(jira: JiraSandbox, key: string, purpose: string): string[] | undefined {
  const [comment] = markedComments(jira, key, purpose);
  return comment && adfToPlainText(comment.body).split('\n');
}
