import type { Block, Doc, Inline, TextRun } from '../../src/domain/doc.ts';
import type { TrackerName } from '../../src/domain/events.ts';
import { renderMarkdown } from '../../src/trackers/trello/markdown-render.ts';

function run(part: TextRun): string {
  let out = part.code ? `\`${part.text}\`` : part.text;
  if (part.italic) out = `_${out}_`;
  if (part.bold) out = `**${out}**`;
  return part.href ? `[${out}](${part.href})` : out;
}

const text = (content: Inline) => content.map(run).join('');
const cells = (row: Inline[]) => `| ${row.map((cell) => text(cell).replace(/\|/g, '/')).join(' | ')} |`;

function block(b: Block): string {
  switch (b.type) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${text(b.content)}`;
    case 'paragraph':
      return text(b.content);
    case 'bulletList':
      return b.items.map((item) => `- ${text(item)}`).join('\n');
    case 'orderedList':
      return b.items.map((item, index) => `${index + 1}. ${text(item)}`).join('\n');
    case 'table':
      return [cells(b.header), `|${' --- |'.repeat(b.header.length)}`, ...b.rows.map(cells)].join('\n');
    case 'code':
      return `\`\`\`\n${b.text}\n\`\`\``;
    case 'rule':
      return '---';
  }
}

/**
 * The summary as the text `Tracker.setDescription` takes. Jira parses it back into the same Doc (its Markdown
 * reader knows no escapes, so none are written); Trello gets what its createItem would have written.
 */
export function descriptionText(tracker: TrackerName, body: Doc): string {
  return tracker === 'trello' ? renderMarkdown(body) : body.blocks.map(block).join('\n\n');
}
