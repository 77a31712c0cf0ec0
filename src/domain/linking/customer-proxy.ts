/**
 * Customer-worded proxy of a developer bug report: what a support ticket about the same problem would say.
 * Customers write no title, no stack trace, no code and no logs, and only a few sentences; so the proxy is the
 * description's prose with pasted blocks, stack frames, log and code lines, URLs, issue keys and code-like
 * tokens removed, cut to its first `CUSTOMER_PROXY_WORDS` words. There is no customer-worded dev set: this is
 * how the dev set measures matching for customer wording.
 */
export const CUSTOMER_PROXY_WORDS = 35;
/** Proxies shorter than this say nothing a matcher could use (e.g. a description that is only a link). */
export const MIN_CUSTOMER_PROXY_WORDS = 5;

const PASTED_BLOCK = /\{(code|noformat|quote|panel)[^}]*\}[\s\S]*?(?:\{\1\}|$)/gi;
const STACK_FRAME =
  /^\s*(?:\[\w+\]\s*)?(?:at\s+[\w.$<>/]+\(|caused by:|\.\.\.\s*\d+\s+more|[\w$]+(?:\.[\w$]+)+:\s)/i;
const EXCEPTION_LINE = /\b[\w$]+(?:\.[\w$]+)+(?:Exception|Error)\b/;
const LOG_LINE =
  /^\s*(?:\[?\d{2,4}[-/.]\d{1,2}[-/.]\d{1,4}|\[?\d{1,2}:\d{2}:\d{2}|\[[\w .-]+\])|\b(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL)\b/;
const CODE_LINE =
  /[;{}]\s*$|^\s*(?:[$#>|]|\w+>\s|\/\/|<\/?\w|@\w)|^\s*(?:select\b.*\bfrom\b|insert\s+(?:into|overwrite)\b|create\s+(?:external\s+)?(?:table|view|database|function|index)\b|drop\s+(?:table|view|database)\b|alter\s+table\b)/i;
const URL = /\b(?:https?|ftp|file):\/\/\S+/gi;
const ISSUE_KEY = /\b[A-Z][A-Z0-9]+-\d+\b/g;
const LINK_MARKUP = /\[([^\]|]*)\|[^\]]*\]/g;
const INLINE_MARKUP = /\{\{[^}]*\}\}|\{[\w:#=|]+\}|^\s*h\d\.\s*/gm;
const EMPHASIS = /(^|\s)[*_]+|[*_]+(?=[\s.,;:!?]|$)/g;
const CODE_TOKEN = /^\S*(?:\w\.\w\S*\.\w|\(\)|\w\/\w\S*\/|::|=)\S*$/;
const WORD_CHAR = /[\p{L}\p{N}]/u;

function proseLine(line: string): boolean {
  return !(
    STACK_FRAME.test(line) ||
    EXCEPTION_LINE.test(line) ||
    LOG_LINE.test(line) ||
    CODE_LINE.test(line)
  );
}

/** The first `words` words of the description's prose (empty when it has none). */
export function customerWording(description: string, words = CUSTOMER_PROXY_WORDS): string {
  const prose = description
    .replace(PASTED_BLOCK, '\n')
    .split('\n')
    .filter(proseLine)
    .join('\n')
    .replace(LINK_MARKUP, '$1')
    .replace(URL, ' ')
    .replace(INLINE_MARKUP, ' ')
    .replace(EMPHASIS, '$1')
    .replace(ISSUE_KEY, ' ');
  return prose
    .split(/\s+/)
    .filter((token) => WORD_CHAR.test(token) && !CODE_TOKEN.test(token))
    .slice(0, words)
    .join(' ');
}

/** A ticket as a customer would file it: no title, a short prose description; undefined when too short. */
export function customerTicket<T extends { title: string; description: string }>(ticket: T): T | undefined {
  const description = customerWording(ticket.description);
  if (description.split(' ').length < MIN_CUSTOMER_PROXY_WORDS) return undefined;
  return { ...ticket, title: '', description };
}

/** The customer-worded proxies of `tickets`, leaving out those without enough prose. */
export function customerTickets<T extends { title: string; description: string }>(
  tickets: readonly T[],
): T[] {
  return tickets.flatMap((t) => customerTicket(t) ?? []);
}
