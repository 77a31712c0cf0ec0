import { waitFor } from '../../scripts/lib/stack.ts';
import type { JiraSandbox } from '../../src/sandbox/jira/jira-sandbox.ts';
import type { SandboxComment } from '../../src/sandbox/jira/state.ts';

/** Comments `body` on issue `key` as the person `as`, and waits for the service's reply to that comment. */
export async function commandReply(
  jira: JiraSandbox,
  as: string,
  key: string,
  body: string,
): Promise<SandboxComment> {
  const comment = jira.act.comment({ as, issue: key, body });
  return replyTo(jira, key, comment.id);
}

/**
 * Waits for the service's reply on issue `key` to the comment `commentId` (a console action's comment id is its
 * delivery id with a dash: `console-…`). The reply is a command job's last write: once it shows, the job is done.
 */
export function replyTo(jira: JiraSandbox, key: string, commentId: string): Promise<SandboxComment> {
  const issueId = [...jira.state.issues.values()].find((i) => i.key === key)?.id;
  return waitFor(
    () =>
      jira.state.comments.find(
        (c) =>
          c.issueId === issueId &&
          c.authorId === jira.botCredentials.accountId &&
          JSON.stringify(c.body).includes(`backlog-refinery · reply-${commentId}`),
      ),
    undefined,
    `the service's reply to comment ${commentId} on ${key}`,
  );
}

/** The text of an ADF document as Jira shows it: paragraphs and headings on lines of their own. */
export function plain(node: unknown): string {
  const { text, content, type } = node as { text?: string; content?: unknown[]; type?: string };
  if (text !== undefined) return text;
  const inner = (content ?? []).map(plain).join('');
  return ['paragraph', 'heading'].includes(type ?? '') ? `${inner}\n` : inner;
}

/** Comments `body` as `as` on `key` and returns the text of the service's reply to that comment. */
export async function commandText(jira: JiraSandbox, as: string, key: string, body: string): Promise<string> {
  return plain((await commandReply(jira, as, key, body)).body);
}
