const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-\d+$/;
const KEY_IN_URL = /(?:\/browse\/|[?&]selectedIssue=)([A-Z][A-Z0-9_]*-\d+)(?=$|[/?#&])/;

/** `ABC-12`, or a Jira URL naming one (`…/browse/ABC-12`, a board URL with `selectedIssue=ABC-12`). */
export function parseIssueKey(keyOrUrl: string): string | undefined {
  const text = keyOrUrl.trim();
  if (ISSUE_KEY.test(text)) return text;
  return KEY_IN_URL.exec(text)?.[1];
}
