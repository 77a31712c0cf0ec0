const BLOCK_OPEN = /^\{(code|noformat)(?::[^}]*)?\}(.*)$/;
const HEADING = /^h[1-6]\.\s*(.*)$/;
const LIST = /^([*#-]+)\s+(.*)$/;

function inlineWiki(text: string): string {
  return (
    text
      // Inline code stays marked as code, so "{{/score}}" quoted in a sentence never reads as a command.
      .replace(/\{(code|noformat)(?::[^}]*)?\}(.*?)\{\1\}/g, '`$2`')
      .replace(/\[~accountid:([^\]]+)\]/g, '@$1')
      .replace(/\[~([^\]]+)\]/g, '@$1')
      .replace(/\[([^|\]]+)\|([^\]]+)\]/g, (_, label: string, url: string) =>
        label.trim() === url.trim() ? url : `${label} (${url})`,
      )
      .replace(/\[((?:https?|mailto):[^\]]+)\]/g, '$1')
      .replace(/\{\{(.+?)\}\}/g, '`$1`')
      .replace(/\{color(?::[^}]*)?\}/g, '')
      .replace(/(^|[\s(])\*(\S(?:.*?\S)?)\*(?=$|[\s).,:;!?])/g, '$1$2')
      .replace(/(^|[\s(])_(\S(?:.*?\S)?)_(?=$|[\s).,:;!?])/g, '$1$2')
      .replace(/\\\\/g, '\n')
  );
}

function tableRow(line: string): string {
  return line
    .replace(/^\|\|?|\|\|?$/g, '')
    .split(/\|\|?/)
    .map((cell) => inlineWiki(cell.trim()))
    .join(' | ');
}

/**
 * Jira wiki markup (the body format of webhook comments) to plain lines. `{code}`/`{noformat}` blocks are
 * fenced with ``` lines so a command parser can skip what a person quoted; every other line keeps its start,
 * so `/command args` stays at the beginning of its line.
 */
export function wikiToPlainText(wiki: string): string {
  const out: string[] = [];
  const counters: number[] = [];
  const lines = wiki.replace(/\r\n?/g, '\n').split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const block = BLOCK_OPEN.exec(line.trim());
    if (block) {
      const kind = block[1] ?? 'code';
      const closing = `{${kind}}`;
      const body: string[] = [];
      let rest = block[2] ?? '';
      for (;;) {
        const end = rest.indexOf(closing);
        if (end >= 0) {
          if (rest.slice(0, end)) body.push(rest.slice(0, end));
          break;
        }
        if (rest) body.push(rest);
        index += 1;
        if (index >= lines.length) break;
        rest = lines[index] ?? '';
      }
      out.push('```', ...body, '```');
      counters.length = 0;
      continue;
    }
    const trimmed = line.trim();
    const heading = HEADING.exec(trimmed);
    const list = LIST.exec(trimmed);
    if (heading) out.push(inlineWiki(heading[1] ?? ''));
    else if (/^-{4,}$/.test(trimmed)) out.push('---');
    else if (trimmed.startsWith('|')) out.push(tableRow(trimmed));
    else if (list && !trimmed.startsWith('--')) {
      const marks = list[1] ?? '*';
      const depth = marks.length - 1;
      const indent = '  '.repeat(depth);
      counters.length = depth + 1;
      if (marks.endsWith('#')) {
        counters[depth] = (counters[depth] ?? 0) + 1;
        out.push(`${indent}${counters[depth]}. ${inlineWiki(list[2] ?? '')}`);
      } else out.push(`${indent}- ${inlineWiki(list[2] ?? '')}`);
      continue;
    } else if (trimmed.startsWith('bq. ')) out.push(inlineWiki(trimmed.slice(4)));
    else if (/^\{quote\}$/.test(trimmed)) {
      counters.length = 0;
      continue;
    } else out.push(inlineWiki(line));
    counters.length = 0;
  }
  return out.join('\n');
}
