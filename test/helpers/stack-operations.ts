import { expect } from 'vitest';
import { type Stack, waitFor } from '../../scripts/lib/stack.ts';
import { createRedisUserStore } from '../../src/console/users.ts';

/** A running stack's API as an operator reaches it: its URL, and the Redis its console users live in. */
type OperatorView = Pick<Stack, 'apiUrl' | 'redis' | 'queuePrefix'>;

/** /metrics once it holds every line of `lines` (each process writes its counts every half second), or as it is. */
export async function metricsWith(stack: OperatorView, lines: readonly string[]): Promise<string> {
  const read = async () => (await fetch(`${stack.apiUrl}/metrics`)).text();
  await waitFor(async () => {
    const text = await read();
    return lines.every((line) => text.split('\n').includes(line));
  }).catch(() => undefined);
  return read();
}

/** Signs in to the console as a new viewer, as a browser does (the login form's CSRF token and cookies), and reads the Operations page. */
export async function operationsPage(stack: OperatorView): Promise<string> {
  const users = createRedisUserStore(stack.redis, stack.queuePrefix);
  const { token } = await users.add('olga', 'viewer');
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const login = await (await keep(await fetch(`${stack.apiUrl}/console/login`))).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login)?.[1] ?? '';
  const signedIn = keep(
    await fetch(`${stack.apiUrl}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token }).toString(),
    }),
  );
  expect(signedIn.status).toBe(303);
  const page = await fetch(`${stack.apiUrl}/console/operations`, { headers: { cookie: cookie() } });
  expect(page.status).toBe(200);
  return page.text();
}

/** A section of the page as the operator reads it: tags dropped, blanks collapsed. */
export function pageSection(body: string, title: string): string {
  const start = body.indexOf(title);
  expect(start).toBeGreaterThan(-1);
  return body
    .slice(start, body.indexOf('</section>', start))
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
