/**
 * How a Jira site names its issues in URLs: both adapters read them (a Trello attachment may name a Jira issue,
 * a person may `/link` one by its address), and only the configured site's issues are the service's items.
 */
const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-\d+$/;
const BROWSE_PATH = /^\/browse\/([A-Z][A-Z0-9_]*-\d+)(?:\/|$)/;

function httpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The key of the issue a URL names on the site: `<site>/browse/KEY` (a site may live under a path,
 * `https://host/jira`), or a board or backlog page with `selectedIssue=KEY`. Another site's issue is not ours,
 * whatever its key. Parsed, not matched whole: a pattern for "any path, then /browse/" backtracks over every
 * /browse/ in a hostile URL.
 */
export function issueKeyOnSite(siteUrl: string, url: string): string | undefined {
  const site = httpUrl(siteUrl);
  const parsed = httpUrl(url.trim());
  if (!site || !parsed || parsed.origin !== site.origin) return undefined;
  const base = site.pathname.replace(/\/+$/, '');
  if (!parsed.pathname.startsWith(`${base}/`)) return undefined;
  const browsed = BROWSE_PATH.exec(parsed.pathname.slice(base.length))?.[1];
  const selected = parsed.searchParams.get('selectedIssue') ?? '';
  return browsed ?? (ISSUE_KEY.test(selected) ? selected : undefined);
}

/** `ABC-12`, or the URL of an issue on the site (see `issueKeyOnSite`). */
export function parseIssueKey(siteUrl: string, keyOrUrl: string): string | undefined {
  const text = keyOrUrl.trim();
  return ISSUE_KEY.test(text) ? text : issueKeyOnSite(siteUrl, text);
}
