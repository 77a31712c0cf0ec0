/** A slash command found in a comment: `/name args` at the start of a line. */
export interface ParsedCommand {
  name: string;
  args: string;
  /** 1-based line number in the comment. */
  line: number;
  /** Stable across edits of the comment, so an edit runs only the commands it added or changed. */
  fingerprint: string;
}

const COMMAND_LINE = /^ {0,3}\/([a-z][a-z0-9-]{0,31})(?:[ \t]+(.*))?$/i;
const FENCE = /^ {0,3}(```|~~~)/;
const JIRA_BLOCK = /\{(code|noformat|quote)(?::[^}]*)?\}/gi;
const QUOTE_LINE = /^ {0,3}(>|bq\.\s)/;

/**
 * Finds the commands in a comment written in Markdown (Trello) or Jira wiki markup. Lines inside code blocks
 * (``` fences, {code}, {noformat}) and quotes (> lines, bq., {quote}) are not commands: people quote and
 * document commands without meaning to run them.
 */
export function parseCommands(text: string, maxCommands = 10): ParsedCommand[] {
  const commands: ParsedCommand[] = [];
  const seen = new Map<string, number>();
  let fence: string | undefined;
  let jiraBlock: string | undefined;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (const [index, line] of lines.entries()) {
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch?.[1] === fence) fence = undefined;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      continue;
    }
    const blockWasOpen = jiraBlock !== undefined;
    for (const match of line.matchAll(JIRA_BLOCK)) {
      const kind = match[1]!.toLowerCase();
      jiraBlock = jiraBlock === kind ? undefined : (jiraBlock ?? kind);
    }
    if (blockWasOpen || jiraBlock !== undefined || QUOTE_LINE.test(line)) continue;
    const match = COMMAND_LINE.exec(line.trimEnd());
    if (!match) continue;
    const name = match[1]!.toLowerCase();
    const args = (match[2] ?? '').trim().replace(/\s+/g, ' ');
    const key = `${name} ${args}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    commands.push({ name, args, line: index + 1, fingerprint: `${key}#${occurrence}` });
    if (commands.length >= maxCommands) break;
  }
  return commands;
}
