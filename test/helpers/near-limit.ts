import { type Block, doc, paragraph } from '../../src/domain/doc.ts';
import { overflowNotice } from '../../src/domain/doc-fit.ts';
import { docToAdf, JIRA_TEXT_LIMIT } from '../../src/trackers/jira/adf-render.ts';
import type { AdfDoc } from '../../src/trackers/jira/adf-types.ts';
import { renderMarkdown, TRELLO_TEXT_LIMIT } from '../../src/trackers/trello/markdown-render.ts';

/** Descriptions at a tracker's limit, as `/ac template` meets them: typed up to near it, or cut at it before. */
const step = (n: number) =>
  paragraph(`Step ${n}: move the old invoices table to the new schema, batch by batch.`);

/** As many steps as stay within `room` once `measure`d, followed by `after` (itself not counted as a step). */
function stepsWithin(room: number, measure: (blocks: Block[]) => number, after: Block[] = []): Block[] {
  const lines: Block[] = [];
  for (let n = 1; measure([...lines, step(n), ...after]) <= room; n++) lines.push(step(n));
  return [...lines, ...after];
}

const adfLength = (blocks: Block[]) => JSON.stringify(docToAdf(doc(...blocks))).length;
const markdownLength = (blocks: Block[]) => renderMarkdown(doc(...blocks)).length;

/** The service cut it at Jira's limit before: as many lines as fit, then its notice. */
export function jiraCutDescription(): AdfDoc {
  const notice = overflowNotice(40, {
    url: 'https://example.atlassian.net/browse/APP-8',
    limit: 'Jira stops at 32,767 characters',
  });
  return docToAdf(doc(...stepsWithin(JIRA_TEXT_LIMIT - 200, adfLength, [notice])));
}

/** Typed by its author up to near Jira's limit: room left for the notice of a cut (so Jira takes the edit), none for the template's sections. */
export function jiraFullDescription(): AdfDoc {
  return docToAdf(doc(...stepsWithin(JIRA_TEXT_LIMIT - 400, adfLength)));
}

/** The same two as Trello's Markdown. */
export function trelloCutDescription(cardUrl: string): string {
  const notice = overflowNotice(40, { url: cardUrl, limit: 'Trello stops at 16,384 characters' });
  return renderMarkdown(doc(...stepsWithin(TRELLO_TEXT_LIMIT - 200, markdownLength, [notice])));
}

export function trelloFullDescription(): string {
  return renderMarkdown(doc(...stepsWithin(TRELLO_TEXT_LIMIT - 100, markdownLength)));
}
