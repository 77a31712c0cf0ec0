import type { Doc } from '../../src/domain/doc.ts';
import { renderMarkdown } from '../../src/trackers/trello/markdown-render.ts';

/**
 * The summary as the text `Tracker.setDescription` takes: Markdown with every character of tracker text that
 * Markdown gives a meaning escaped. Both adapters read the escapes back, so an issue title written as
 * `[x](https://…)` stays text in the edited summary, as it was in the posted one.
 */
export function descriptionText(body: Doc): string {
  return renderMarkdown(body);
}
