import { SandboxInputError } from './issue-changes.ts';
import { type JiraState, projectOf, type SandboxIssue } from './state.ts';

const unquote = (value: string) => value.trim().replace(/^"(.*)"$/, '$1');

/** Jira's "yyyy-MM-dd HH:mm" (or "yyyy/MM/dd"), read as UTC: the sandbox's users all live on UTC. */
function parseJqlDate(value: string): number {
  const normalized = unquote(value).replace(/\//g, '-').replace(' ', 'T');
  const parsed = Date.parse(normalized.length <= 10 ? `${normalized}T00:00Z` : `${normalized}Z`);
  if (Number.isNaN(parsed))
    throw new SandboxInputError(`Date value '${value}' for field 'updated' is invalid.`);
  return parsed;
}

type Clause = (issue: SandboxIssue) => boolean;

function clause(state: JiraState, text: string): Clause {
  const match = /^(\w+)\s*(=|!=|>=|<=|>|<|in)\s*(.+)$/i.exec(text.trim());
  if (!match) throw new SandboxInputError(`Error in the JQL Query: unable to parse '${text.trim()}'.`);
  const [, rawField = '', rawOp = '', value = ''] = match;
  const field = rawField.toLowerCase();
  const op = rawOp.toLowerCase();
  if (field === 'project' && op === '=') {
    const key = unquote(value).toUpperCase();
    return (issue) => projectOf(state, issue).key === key;
  }
  if (field === 'labels' && op === '=') return (issue) => issue.labels.includes(unquote(value));
  if ((field === 'key' || field === 'issuekey') && op === 'in') {
    const keys = value
      .replace(/[()]/g, '')
      .split(',')
      .map((k) => unquote(k).toUpperCase());
    return (issue) => keys.includes(issue.key);
  }
  if ((field === 'key' || field === 'issuekey') && op === '=')
    return (issue) => issue.key === unquote(value).toUpperCase();
  if ((field === 'updated' || field === 'created') && (op === '>=' || op === '>')) {
    const since = parseJqlDate(value);
    return (issue) => {
      const at = Date.parse(field === 'updated' ? issue.updated : issue.created);
      return op === '>=' ? at >= since : at > since;
    };
  }
  throw new SandboxInputError(`Error in the JQL Query: the sandbox does not support '${text.trim()}'.`);
}

/**
 * The JQL the adapter and tests send: `field op value` clauses joined by AND, then ORDER BY created|updated|key.
 * Unbounded queries are rejected like Jira's enhanced search does.
 */
export function runJql(state: JiraState, jql: string): SandboxIssue[] {
  const [where = '', order = ''] = jql.split(/\s+ORDER\s+BY\s+/i);
  if (!where.trim())
    throw new SandboxInputError(
      'Unbounded JQL queries are not allowed here. Please add a search restriction.',
    );
  const clauses = where.split(/\s+AND\s+/i).map((text) => clause(state, text));
  const [sortField = 'created', direction = 'ASC'] = order.trim().split(/\s+/);
  const sign = direction.toUpperCase() === 'DESC' ? -1 : 1;
  const sortKey = (issue: SandboxIssue): number =>
    sortField.toLowerCase() === 'updated'
      ? Date.parse(issue.updated)
      : sortField.toLowerCase() === 'key'
        ? Number(issue.key.split('-')[1])
        : Number(issue.id);
  return [...state.issues.values()]
    .filter((issue) => clauses.every((test) => test(issue)))
    .sort((a, b) => sign * (sortKey(a) - sortKey(b)) || Number(a.id) - Number(b.id));
}
