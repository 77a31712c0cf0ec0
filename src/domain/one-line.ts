/**
 * Text as one line of at most `max` characters, cut with an ellipsis, never inside an emoji: for a tracker's field
 * that refuses more, or a page that quotes what strangers wrote (a Trello card name may be 16,384 characters).
 */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const head = line.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '');
  return `${head.trimEnd()}…`;
}
