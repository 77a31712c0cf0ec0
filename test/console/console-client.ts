import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A browser's cookie jar over app.inject: keeps what Set-Cookie says, sends it back, reads forms' CSRF tokens. */
export function consoleClient(app: FastifyInstance) {
  const jar = new Map<string, string>();
  const keep = (response: LightMyRequestResponse) => {
    for (const cookie of response.cookies) {
      if (cookie.maxAge === 0 || cookie.value === '') jar.delete(cookie.name);
      else jar.set(cookie.name, cookie.value);
    }
    return response;
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const client = {
    jar,
    async get(url: string) {
      return keep(await app.inject({ method: 'GET', url, headers: { cookie: cookie() } }));
    },
    async post(url: string, form: Record<string, string>) {
      return keep(
        await app.inject({
          method: 'POST',
          url,
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(form).toString(),
        }),
      );
    },
    /** The CSRF token of the page's forms. */
    csrf(body: string): string {
      const match = /name="_csrf" value="([^"]+)"/.exec(body);
      if (!match?.[1]) throw new Error('no CSRF token on the page');
      return match[1];
    },
    async signIn(token: string) {
      const page = await client.get('/console/login');
      return client.post('/console/login', { _csrf: client.csrf(page.body), token });
    },
  };
  return client;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' };

/** The fields of the page's form posting to `action` (for the suggestion `item`), decoded as a browser sends them. */
export function formFields(page: string, action: string, item?: string): Record<string, string> {
  for (const match of page.matchAll(
    /<form class="action" method="post" action="([^"]+)">([\s\S]*?)<\/form>/g,
  )) {
    if (match[1] !== action) continue;
    const fields = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((f) => [
        f[1],
        (f[2] ?? '').replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, name: string) => ENTITIES[name] ?? ''),
      ]),
    );
    if (item === undefined || fields.item === item) return fields as Record<string, string>;
  }
  throw new Error(`no form ${action} for ${item} on the page`);
}
