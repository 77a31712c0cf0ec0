import { SandboxInputError } from './issue-changes.ts';
import { hasKey, type JiraState, projectOf, type SandboxIssue } from './state.ts';

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
    return (issue) => keys.some((key) => hasKey(issue, key));
  }
  if ((field === 'key' || field === 'issuekey') && op === '=')
    return (issue) => hasKey(issue, unquote(value).toUpperCase());
  if ((field === 'updated' || field === 'created') && (op === '>=' || op === '>')) {
    const since = parseJqlDate(value);
    return (issue) => {
      const at = Date.parse(field === 'updated' ? issue.updated : issue.created);
      return op === '>=' ? at >= since : at > since;
    };
  }
  throw new SandboxInputError(`Error in the JQL Query: the sandbox does not support '${text.trim()}'.`);
}

type Order = (a: SandboxIssue, b: SandboxIssue) => number;

function orderBy(text: string): Order {
  const [field = '', direction = 'ASC'] = text.trim().split(/\s+/);
  const sign = direction.toUpperCase() === 'DESC' ? -1 : 1;
  const key = (issue: SandboxIssue) => Number(issue.key.split('-')[1]);
  switch (field.toLowerCase()) {
    case 'created':
      return (a, b) => sign * (Date.parse(a.created) - Date.parse(b.created));
    case 'updated':
      return (a, b) => sign * (Date.parse(a.updated) - Date.parse(b.updated));
    case 'key':
      return (a, b) =>
        sign * (a.key.split('-')[0] ?? '').localeCompare(b.key.split('-')[0] ?? '') ||
        sign * (key(a) - key(b));
    default:
      throw new SandboxInputError(`Error in the JQL Query: the sandbox cannot order by '${field}'.`);
  }
}

/**
 * Jira states no order for issues the ORDER BY leaves equal (issues imported with one creation time). The sandbox
 * puts the least recently changed first: a reader's own writes then move the issues it has seen behind those it
 * has not, and a caller that pages through without a tie-breaker of its own skips as many.
 */
const unstatedOrder: Order = (a, b) =>
  Date.parse(a.updated) - Date.parse(b.updated) || Number(a.id) - Number(b.id);

/**
 * The JQL the adapter and tests send: `field op value` clauses joined by AND, then ORDER BY a list of
 * created|updated|key with ASC|DESC. Unbounded queries are rejected like Jira's enhanced search does.
 */
export function runJql(state: JiraState, jql: string): SandboxIssue[] {
  const [where = '', order = 'created ASC'] = jql.split(/\s+ORDER\s+BY\s+/i);
  if (!where.trim())
    throw new SandboxInputError(
      'Unbounded JQL queries are not allowed here. Please add a search restriction.',
    );
  const clauses = where.split(/\s+AND\s+/i).map((text) => clause(state, text));
  const orders = [...order.split(',').map(orderBy), unstatedOrder];
  const compare: Order = (a, b) => orders.reduce((result, next) => result || next(a, b), 0);
  return [...state.issues.values()].filter((issue) => clauses.every((test) => test(issue))).sort(compare);
}
