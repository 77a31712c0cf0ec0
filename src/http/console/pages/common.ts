import type { ItemBrief } from '../../../read-model/read-model.ts';
import { externalLink, type Html, html, isolate } from '../html.ts';
import { CONSOLE_PREFIX } from '../layout.ts';

/**
 * Where a form may send the person next (`next` after sign-in, `back` after undo): a page of the console on
 * this origin, after the browser would have resolved `..` and `//`; anything else gives `fallback`.
 */
export function consolePath(target: string | undefined, fallback: string): string {
  if (!target) return fallback;
  try {
    const base = 'http://console.invalid';
    const url = new URL(target, base);
    return url.origin === base && url.pathname.startsWith(`${CONSOLE_PREFIX}/`)
      ? `${url.pathname}${url.search}`
      : fallback;
  } catch {
    return fallback;
  }
}

/** A console path with its querystring; unset values are left out. */
export function withQuery(
  path: string,
  params: Record<string, string | number | boolean | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) search.set(name, String(value));
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

export const itemPath = (item: Pick<ItemBrief, 'tracker' | 'key'>) =>
  `${CONSOLE_PREFIX}/items/${encodeURIComponent(item.tracker)}/${encodeURIComponent(item.key)}`;

/** Key and title, linking to the item in its tracker (http(s) only; plain text otherwise). */
export function trackerLink(item: Pick<ItemBrief, 'key' | 'title' | 'url'>): Html {
  return externalLink(item.url, html`<span class="key">${item.key}</span> ${isolate(item.title)}`);
}

export function when(iso: string | undefined): Html {
  if (!iso) return html`—`;
  const text = iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  return html`<time datetime="${iso}">${text}</time>`;
}

/** A date without its time, for things that happen on days (sprint starts and ends). */
export function day(iso: string | undefined): Html {
  return iso ? html`<time datetime="${iso}">${iso.slice(0, 10)}</time>` : html`—`;
}

export function selectOptions(
  options: readonly { value: string; label: string }[],
  selected: string | undefined,
): Html {
  return html`${options.map(
    (o) => html`<option value="${o.value}"${o.value === selected ? html` selected` : ''}>${o.label}</option>`,
  )}`;
}

/** Previous/next links of a paged list. */
export function pager(previous: string | undefined, next: string | undefined): Html {
  if (!previous && !next) return html``;
  return html`<nav class="pager" aria-label="Pages">${previous ? html`<a href="${previous}" rel="prev">← Previous</a>` : ''}${next ? html`<a href="${next}" rel="next">Next →</a>` : ''}</nav>`;
}

export function notice(message: string | undefined): Html {
  return message ? html`<p class="notice" role="status">${message}</p>` : html``;
}
