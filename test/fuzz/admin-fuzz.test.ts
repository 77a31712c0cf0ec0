import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { ADMIN_TOKEN } from '../helpers/test-config.ts';
import { BOUNDED, heapAfterGc, loose, MiB, text, within } from './support.ts';

let api: ApiHarness;
let routes: Route[];
beforeAll(async () => {
  api = await startApiHarness({ admin: {} });
  routes = adminRoutes(api.app);
});
afterAll(async () => {
  await api.close();
});

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
}

/** Every documented /admin route, as the running app lists them (whatever has been added since). */
function adminRoutes(app: FastifyInstance): Route[] {
  const doc = (app as unknown as { swagger(): { paths: Record<string, Record<string, unknown>> } }).swagger();
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .map((method) => ({ method: method.toUpperCase() as Route['method'], path }))
      .filter((route) => path.startsWith('/admin/') && ['GET', 'POST', 'DELETE'].includes(route.method)),
  );
}

// No 503: Redis is up for the whole run.
const ANSWERS = new Set([200, 202, 400, 404, 409, 413, 414, 415]);
const either = <T>(right: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: right as fc.Arbitrary<unknown> }, loose);

/** Bodies with the admin API's own field names, right- and wrong-typed, plus JSON and bytes of any kind. */
const knownFields = fc.record(
  {
    tracker: either(fc.constantFrom('jira', 'trello')),
    item: either(fc.oneof(fc.constantFrom('ZUL-1', 'https://acme.atlassian.net/browse/ZUL-1'), text)),
    command: either(fc.constantFrom('/help', '/score impact=4', '/ac', 'no command', '/score __proto__=1')),
    dryRun: either(fc.boolean()),
    boards: either(fc.array(text, { maxLength: 4 })),
    actor: either(fc.record({ id: text, displayName: text })),
    extra: loose,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  { weight: 4, arbitrary: knownFields.map((value) => JSON.stringify(value)) },
  fc.json({ maxDepth: 4 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.constant(''),
);
const contentType = fc.oneof(
  { weight: 5, arbitrary: fc.constant('application/json') },
  fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'APPLICATION/JSON; charset=utf-8', ''),
);
const pathParam = fc.oneof(
  fc.stringMatching(/^[\w.-]{1,40}$/),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom('%2e%2e', '..%2F..%2Fetc', '%00', 'a'.repeat(250)),
);
const query = fc.dictionary(
  fc.constantFrom('offset', 'limit', 'tracker', 'item', 'since', 'until', 'x'),
  text,
  {
    maxKeys: 3,
  },
);

interface Case {
  route: number;
  param: string;
  body: string;
  type: string;
  query: Record<string, string>;
}

const cases = fc.record({ route: fc.nat(), param: pathParam, body, type: contentType, query });

async function send(c: Case) {
  const route = routes[c.route % routes.length]!;
  const url = route.path.replace(/\{[^}]+\}/g, c.param);
  const withBody = route.method === 'POST' && c.body !== '';
  const response = await within(
    2_000,
    api.app.inject({
      method: route.method,
      url,
      query: c.query,
      payload: withBody ? c.body : undefined,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(withBody && c.type !== '' ? { 'content-type': c.type } : {}),
      },
    }),
    `${route.method} ${url} ${c.body.slice(0, 200)}`,
  );
  if (!ANSWERS.has(response.statusCode))
    throw new Error(`${route.method} ${url} answered ${response.statusCode} ${response.body.slice(0, 300)}`);
  return response;
}

describe('admin API under fuzzed bodies, parameters and queries', () => {
  it('lists the routes it fuzzes, POST routes with bodies among them', () => {
    expect(routes.filter((route) => route.method === 'POST').length).toBeGreaterThanOrEqual(4);
  });

  it('answers only 2xx/400/404/409/413/414/415, each within 2 s', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        runs += 1;
        await send(c);
      }),
      { numRuns: 2_000, ...BOUNDED },
    );

    expect(runs).toBeGreaterThan(300);
  });

  it('memory stays flat across repeated equal batches', async () => {
    const batch = fc.sample(cases, { numRuns: 300, seed: 11 });
    const run = async () => {
      for (const c of batch) await send(c);
    };
    await run();
    const first = heapAfterGc();
    await run();
    await run();
    const third = heapAfterGc();

    // 600 more requests: ~0.5 MB of growth here; a 7 kB-per-request leak would add 4 MB.
    expect(third - first).toBeLessThan(4 * MiB);
  });
});
