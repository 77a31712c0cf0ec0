/**
 * Replaces an item's key wherever a text names it whole: `APP-1` in words and in addresses (`/browse/APP-1`), but
 * not `APP-12` nor `XAPP-1`. A Jira issue's key is its name in every comment and link the service writes, so a
 * move (APP-1 → WEB-7) changes exactly these.
 */
export function renameKey(text: string, from: string, to: string): string {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`, 'g'), to);
}
