import { findIssue, type JiraState } from './state.ts';

/** At most `limit` writes to one issue in any `windowMs`. */
export interface IssueWriteWindow {
  limit: number;
  windowMs: number;
}

/**
 * Jira Cloud's per-issue write limit has `limit` 20 (developer.atlassian.com/cloud/jira/platform/rate-limiting,
 * "Per-issue rate limiting on write operations"): 20 writes to one issue per 2 s and 100 per 30 s. Tests keep the
 * shape with a smaller count.
 */
export const issueWriteWindows = (limit: number): IssueWriteWindow[] => [
  { limit, windowMs: 2_000 },
  { limit: limit * 5, windowMs: 30_000 },
];

export const JIRA_ISSUE_WRITE_WINDOWS: readonly IssueWriteWindow[] = issueWriteWindows(20);

/** What a refused write is told: the window that is full, and when it has room again. */
export interface IssueWriteRefusal {
  limit: number;
  retryAfterSeconds: number;
}

const ISSUE_RESOURCE = /^\/rest\/api\/[23]\/issue\/([^/]+)/;

/**
 * Counts the writes (POST, PUT, DELETE) to each issue's resources (the issue, its comments, properties, remote
 * links, transitions…) when they arrive, as Jira does, and refuses one that would overfill a window. A refused
 * write is not counted: it changed nothing.
 */
export function createIssueWriteLimit(windows: readonly IssueWriteWindow[], now: () => Date) {
  const longest = Math.max(...windows.map((window) => window.windowMs));
  let arrivals = new Map<string, number[]>();
  return {
    take(state: JiraState, method: string, path: string): IssueWriteRefusal | undefined {
      if (method === 'GET') return undefined;
      const idOrKey = ISSUE_RESOURCE.exec(path)?.[1];
      const issue = idOrKey ? findIssue(state, decodeURIComponent(idOrKey)) : undefined;
      if (!issue) return undefined;
      const at = now().getTime();
      const times = (arrivals.get(issue.id) ?? []).filter((time) => time > at - longest);
      arrivals.set(issue.id, times);
      for (const window of windows) {
        const inWindow = times.filter((time) => time > at - window.windowMs);
        if (inWindow.length < window.limit) continue;
        // The window has room once its oldest write leaves it.
        const freeInMs = (inWindow[inWindow.length - window.limit] ?? at) + window.windowMs - at;
        return { limit: window.limit, retryAfterSeconds: Math.max(1, Math.ceil(freeInMs / 1_000)) };
      }
      times.push(at);
      return undefined;
    },
    reset(): void {
      arrivals = new Map();
    },
  };
}
