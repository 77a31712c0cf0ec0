import { safeUrl } from '../../read-model/records.ts';

/**
 * The console's only way to build HTML: `html` escapes every interpolated value unless it is itself `Html` built
 * the same way, so tracker content (titles, names, comments: written by anyone who can file a ticket) is text.
 */
export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (char) => ESCAPES[char] ?? char);
}

function render(part: Part): string {
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  if (part === null || part === undefined || part === false) return '';
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/**
 * Tracker text beside the console's own: whatever direction it runs in (a right-to-left title, an override character
 * someone pasted) ends with it, so the figures and dates written next to it keep their order.
 */
export function isolate(text: Part): Html {
  return html`<bdi>${text}</bdi>`;
}

/** `text` as a link to `href` when that is an http(s) URL, as plain text otherwise. */
export function externalLink(href: string | undefined, text: Part): Html {
  const url = safeUrl(href);
  return url ? html`<a href="${url}" rel="noopener noreferrer">${text}</a>` : html`${text}`;
}
