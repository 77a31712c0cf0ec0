import type { ItemBrief } from '../../../read-model/read-model.ts';
import { externalLink, type Html, html, isolate } from '../html.ts';
import { CONSOLE_PREFIX } from '../layout.ts';

const BASE = 'http://console.invalid';

/**
 * Where a form may send the person next (`next` after sign-in, `back` after an action): a page of the console on
 * this origin, after the browser would have resolved `..` and `//`, with its fragment (the place on the page);
 * anything else gives `fallback`.
 */
export function consolePath(target: string | undefined, fallback: string): string {
  if (!target) return fallback;
  try {
    const url = new URL(target, BASE);
    return url.origin === BASE && url.pathname.startsWith(`${CONSOLE_PREFIX}/`)
      ? `${url.pathname}${url.search}${url.hash}`
      : fallback;
  } catch {
    return fallback;
  }
}

/** After an action: the page and place its form came from (`back`, see consolePath), with the notice's parameter. */
export function returnTo(back: string | undefined, fallback: string, notice: Record<string, string>): string {
  const url = new URL(consolePath(back, fallback), BASE);
  for (const [name, value] of Object.entries(notice)) url.searchParams.set(name, value);
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The offset of a paged view's last page: a page past the end (an old link, its items handled) shows that one. */
export const lastPageOffset = (total: number, limit: number) => Math.floor((total - 1) / limit) * limit;

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

/**
 * Previous/next links of a paged list. `newest`: a list paged by a cursor, newest first, knows only its first page
 * as the way back, so the link is named for where it goes (the browser's Back button goes to the page before).
 */
export function pager(
  previous: string | undefined,
  next: string | undefined,
  back: 'previous' | 'newest' = 'previous',
): Html {
  if (!previous && !next) return html``;
  const backLink =
    back === 'previous'
      ? html`<a href="${previous}" rel="prev">← Previous</a>`
      : html`<a href="${previous}">↑ Newest</a>`;
  return html`<nav class="pager" aria-label="Pages">${previous ? backLink : ''}${next ? html`<a href="${next}" rel="next">${back === 'newest' ? 'Older' : 'Next'} →</a>` : ''}</nav>`;
}

/** `sticky`: kept in view while the page is scrolled, for a page that returns the person further down. */
export function notice(message: Html | string | undefined, sticky = false): Html {
  return message ? html`<p class="notice${sticky ? ' sticky' : ''}" role="status">${message}</p>` : html``;
}
