/**
 * Our comments end with a quiet italic line naming the service and the purpose, e.g.
 * `_backlog-refinery · acceptance-criteria_`. Trello renders it small and visible (there are no hidden
 * comment properties), and it lets the service find its own comment again among all of the bot's comments.
 */
const PREFIX = 'backlog-refinery · ';

function cleanPurpose(purpose: string): string {
  return purpose.replace(/[^A-Za-z0-9 .-]+/g, '-');
}

export function commentMarker(purpose: string): string {
  return `_${PREFIX}${cleanPurpose(purpose)}_`;
}

export function withMarker(markdown: string, purpose: string): string {
  return `${markdown}\n\n${commentMarker(purpose)}`;
}

export function hasMarker(text: string, purpose: string): boolean {
  return text.trimEnd().endsWith(commentMarker(purpose));
}

export function withoutMarker(text: string, purpose: string): string {
  const trimmed = text.trimEnd();
  return hasMarker(trimmed, purpose) ? trimmed.slice(0, -commentMarker(purpose).length).trimEnd() : trimmed;
}
