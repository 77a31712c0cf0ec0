/** A command found in a comment: `/name args` (or another prefix, or a mention of the service) at a line start. */
export interface ParsedCommand {
  name: string;
  args: string;
  /** 1-based line number in the comment. */
  line: number;
  /** Stable across edits of the comment, so an edit runs only the commands it added or changed. */
  fingerprint: string;
}

/** How people may write a command on a site: the same parser and the same code/quote rules for every form. */
export interface CommandSyntax {
  /** What starts a command at the beginning of a line (rules: `commands.prefixes`). */
  prefixes: readonly string[];
  /**
   * The service account's mention as it reads in the comment's plain text (Jira `@<accountId>`, Trello
   * `@username`): "@Refinery score impact=4" addresses the service without a prefix.
   */
  mentions: readonly string[];
  /**
   * Command names a mention may start. Prose addressed to the service ("@Refinery thanks!") is not a command;
   * absent, any word after the mention counts (the request path, which does not know the commands, plans loosely).
   */
  names?: readonly string[];
}

export const DEFAULT_SYNTAX: CommandSyntax = { prefixes: ['/'], mentions: [] };

const NAME_MAX = 32;
// CommonMark: a fence opens with 3+ backticks or tildes (a backtick fence's info string holds no backtick, else
// the line is inline code) and closes only with a bare run of the same character at least as long. Read any
// looser, a block would end earlier than the tracker shows it, and a line shown as code would run.
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
// The options class excludes braces, so a failed match stops at the next brace: linear on "{code:{code:...".
const JIRA_BLOCK = /\{(code|noformat|quote)(?::[^{}]*)?\}/gi;
const QUOTE_LINE = /^ {0,3}(>|bq\.\s)/;
const SEPARATOR_AFTER_MENTION = /^[\s:,]+/;

const isNameStart = (char: string) => (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
const isNameChar = (char: string) => isNameStart(char) || (char >= '0' && char <= '9') || char === '-';

/** `word` in lower case if it is written like a command name (as the parser reads names), else undefined. */
export function commandName(word: string): string | undefined {
  const valid =
    word.length > 0 && word.length <= NAME_MAX && isNameStart(word[0]!) && [...word].every(isNameChar);
  return valid ? word.toLowerCase() : undefined;
}

function startsWithFold(text: string, prefix: string): boolean {
  return text.length >= prefix.length && text.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
}

/**
 * Reads a command off one line, by hand and in one pass: the regular expression it replaces backtracked over
 * long runs of spaces, which made a 32 KB comment cost seconds inside the webhook request.
 */
function commandOf(line: string, syntax: CommandSyntax): { name: string; args: string } | undefined {
  let indent = 0;
  while (line[indent] === ' ') indent += 1;
  if (indent > 3) return undefined;
  let rest = line.slice(indent);
  const mention = syntax.mentions.find((handle) => handle && startsWithFold(rest, handle));
  const afterMention = mention === undefined ? undefined : rest.slice(mention.length);
  if (afterMention !== undefined && (afterMention === '' || SEPARATOR_AFTER_MENTION.test(afterMention))) {
    rest = afterMention.replace(SEPARATOR_AFTER_MENTION, '');
    const prefix = syntax.prefixes.find((p) => rest.startsWith(p));
    if (prefix) rest = rest.slice(prefix.length);
  } else {
    const prefix = syntax.prefixes.find((p) => p && rest.startsWith(p));
    if (!prefix) return undefined;
    rest = rest.slice(prefix.length);
  }
  if (!isNameStart(rest[0] ?? '')) return undefined;
  let end = 1;
  while (end < rest.length && end < NAME_MAX && isNameChar(rest[end]!)) end += 1;
  const next = rest[end];
  if (next !== undefined && next !== ' ' && next !== '\t') return undefined;
  const name = rest.slice(0, end).toLowerCase();
  if (mention !== undefined && afterMention !== undefined && syntax.names && !syntax.names.includes(name))
    return undefined;
  return { name, args: rest.slice(end).trim().replace(/\s+/g, ' ') };
}

/**
 * Finds the commands in a comment written in Markdown (Trello) or Jira wiki markup. Lines inside code blocks
 * (``` fences, {code}, {noformat}) and quotes (> lines, bq., {quote}) are not commands: people quote and
 * document commands without meaning to run them. Linear in the length of the text.
 */
export function parseCommands(
  text: string,
  maxCommands = 10,
  syntax: CommandSyntax = DEFAULT_SYNTAX,
): ParsedCommand[] {
  const commands: ParsedCommand[] = [];
  const seen = new Map<string, number>();
  let fence: string | undefined;
  let jiraBlock: string | undefined;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (const [index, line] of lines.entries()) {
    if (fence) {
      const close = FENCE_CLOSE.exec(line)?.[1];
      if (close !== undefined && close[0] === fence[0] && close.length >= fence.length) fence = undefined;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[1]!.startsWith('`') && line.slice(open[0].length).includes('`'))) {
      fence = open[1];
      continue;
    }
    const blockWasOpen = jiraBlock !== undefined;
    for (const match of line.matchAll(JIRA_BLOCK)) {
      const kind = match[1]!.toLowerCase();
      jiraBlock = jiraBlock === kind ? undefined : (jiraBlock ?? kind);
    }
    if (blockWasOpen || jiraBlock !== undefined || QUOTE_LINE.test(line)) continue;
    const command = commandOf(line, syntax);
    if (!command) continue;
    const key = `${command.name} ${command.args}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    commands.push({ ...command, line: index + 1, fingerprint: `${key}#${occurrence}` });
    if (commands.length >= maxCommands) break;
  }
  return commands;
}
