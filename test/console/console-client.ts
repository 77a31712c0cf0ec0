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
