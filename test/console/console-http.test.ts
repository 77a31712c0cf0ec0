import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsoleCommand } from '../../src/cli/console.ts';
import { createRedisUserStore, type UserStore } from '../../src/console/users.ts';
import { createRedisSessionStore } from '../../src/http/console/sessions.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { testConfig } from '../helpers/test-config.ts';
import { consoleClient, formFields } from './console-client.ts';
import { createFakeReadModel, HOSTILE } from './fake-read-model.ts';

describe('console over HTTP', () => {
  let harness: ApiHarness;
  let users: UserStore;
  let fake: ReturnType<typeof createFakeReadModel>;
  let editorToken: string;
  let viewerToken: string;

  beforeAll(async () => {
    fake = createFakeReadModel();
    // Users live on the harness's Redis under its prefix: the store is built after the harness picked it.
    let store: UserStore | undefined;
    const lazyUsers: UserStore = {
      add: (...a) => store!.add(...a),
      remove: (...a) => store!.remove(...a),
      list: () => store!.list(),
      get: (n) => store!.get(n),
      byToken: (t) => store!.byToken(t),
      count: () => store!.count(),
    };
    let sessions: ReturnType<typeof createRedisSessionStore> | undefined;
    harness = await startApiHarness({
      console: {
        users: lazyUsers,
        sessions: {
          create: (n) => sessions!.create(n),
          get: (id) => sessions!.get(id),
          destroy: (id) => sessions!.destroy(id),
          cookieSecret: () => sessions!.cookieSecret(),
        },
        readModel: fake.readModel,
        actions: fake.actions,
        signInsPerMinute: 30,
      },
    });
    store = createRedisUserStore(harness.redis, harness.prefix);
    sessions = createRedisSessionStore(harness.redis, harness.prefix);
    users = store;
  });
  afterAll(async () => harness?.close());

  it('is off, and says how to switch it on, until someone is added', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/console/backlog' });
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('npm run console -- add-user NAME --role viewer|editor');
  });

  it('add-user prints the token last and stores only its hash; list-users and remove-user go with it', async () => {
    const added = await runConsoleCommand(['add-user', 'ada', '--role', 'editor'], users);
    editorToken = added.at(-1)!;
    expect(editorToken).toMatch(/^rfc_[A-Za-z0-9_-]{43}$/);
    viewerToken = (await runConsoleCommand(['add-user', 'vic', '--role', 'viewer'], users)).at(-1)!;
    await runConsoleCommand(['add-user', 'gone', '--role', 'viewer'], users);
    expect(await runConsoleCommand(['remove-user', 'gone'], users)).toEqual([
      'Removed gone; their sessions end now.',
    ]);
    const listed = await runConsoleCommand(['list-users'], users);
    expect(listed.map((line) => line.split('\t').slice(0, 2).join(' '))).toEqual([
      'ada editor',
      'vic viewer',
    ]);
    const keys = await harness.redis.keys(`{${harness.prefix}:console}*`);
    const stored = await Promise.all(keys.map((key) => harness.redis.hgetall(key).catch(() => ({}))));
    expect(JSON.stringify(stored)).not.toContain(editorToken);
    await expect(runConsoleCommand(['add-user', 'x y', '--role', 'editor'], users)).rejects.toThrow(/NAME/);
    await expect(runConsoleCommand(['add-user', 'bob', '--role', 'admin'], users)).rejects.toThrow(/--role/);
  });

  it('sends a visitor to the sign-in page, whose only form has a password field', async () => {
    const visitor = consoleClient(harness.app);
    const response = await visitor.get('/console/backlog?sort=key');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/console/login?next=%2Fconsole%2Fbacklog%3Fsort%3Dkey');
    const login = await visitor.get(response.headers.location as string);
    expect(login.statusCode).toBe(200);
    expect(login.body.match(/<form/g)).toHaveLength(1);
    expect(login.body).toContain('type="password"');
    const csp = String(login.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(login.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('signs in with a token into an HttpOnly, SameSite=Strict, Secure, signed, expiring cookie, and out again', async () => {
    const person = consoleClient(harness.app);
    const wrong = await person.signIn('rfc_not-a-token');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('not valid');

    const signedIn = await person.signIn(editorToken);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/console/backlog');
    const session = signedIn.cookies.find((c) => c.name === 'refinery_session')!;
    expect(session).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      secure: true,
      path: '/console',
      maxAge: 28_800,
    });
    expect(session.value).toMatch(/\./); // value.signature

    const tampered = consoleClient(harness.app);
    tampered.jar.set('refinery_session', `${session.value.split('.')[0]}.forged`);
    expect((await tampered.get('/console/backlog')).statusCode).toBe(303);

    for (const home of ['/console', '/console/']) {
      const redirected = await person.get(home);
      expect([home, redirected.statusCode, redirected.headers.location]).toEqual([
        home,
        303,
        '/console/backlog',
      ]);
    }
    const page = await person.get('/console/backlog');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('ada');
    const out = await person.post('/console/logout', { _csrf: person.csrf(page.body) });
    expect(out.statusCode).toBe(303);
    person.jar.set('refinery_session', session.value);
    expect((await person.get('/console/backlog')).statusCode).toBe(303);
  });

  it('sends a person back to the console page they asked for, never elsewhere', async () => {
    for (const [next, target] of [
      ['/console/triage?offset=25', '/console/triage?offset=25'],
      ['https://evil.test/console/', '/console/backlog'],
      ['//evil.test/console/', '/console/backlog'],
      ['/console/../admin', '/console/backlog'],
      ['/console/%2e%2e/admin', '/console/backlog'],
      ['javascript:alert(1)//console/', '/console/backlog'],
    ]) {
      const person = consoleClient(harness.app);
      const login = await person.get(`/console/login?next=${encodeURIComponent(next!)}`);
      const response = await person.post('/console/login', {
        _csrf: person.csrf(login.body),
        token: editorToken,
        next: next!,
      });
      expect([next, response.headers.location]).toEqual([next, target]);
    }
  });

  it('refuses a sign-in from a form that did not come from the console (no CSRF token)', async () => {
    const person = consoleClient(harness.app);
    await person.get('/console/login');
    const response = await person.post('/console/login', { token: editorToken });
    expect(response.statusCode).toBe(403);
    expect(response.cookies.find((c) => c.name === 'refinery_session')).toBeUndefined();
  });

  it('renders hostile tracker content as text, never as markup or a javascript: link', async () => {
    const person = consoleClient(harness.app);
    await person.signIn(editorToken);
    const pages = [
      '/console/backlog?sort=key&dir=asc',
      '/console/items/jira/KAN-1',
      '/console/triage',
      '/console/sprints',
      '/console/activity',
      '/console/operations',
    ];
    for (const url of pages) {
      const { body, statusCode } = await person.get(url);
      expect(statusCode, url).toBe(200);
      expect(body, url).not.toContain('<script>window');
      expect(body, url).not.toContain('<img src=x');
      expect(body, url).not.toMatch(/href="\s*javascript:/i);
      expect(body, url).not.toMatch(/<script(?![^>]*src="\/console\/assets\/console\.js")/);
    }
    const backlog = (await person.get('/console/backlog?sort=key&dir=asc')).body;
    expect(backlog).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;Export fails');
    expect(backlog).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;Login slow');
    // The javascript: URL of KAN-3 is shown as text, without a link.
    expect(backlog).toMatch(
      /Details<\/a> <span class="key">KAN-3<\/span> <bdi>Invoice PDF shows wrong VAT rate<\/bdi><span class="container">/,
    );
    expect(backlog).not.toContain('href="javascript');
    expect(HOSTILE.jsUrl).toMatch(/^javascript:/);
  });

  it('sorts by a column, filters, pages and exports the current view as CSV', async () => {
    const person = consoleClient(harness.app);
    await person.signIn(viewerToken);
    const keysOf = (body: string) => [...body.matchAll(/data-item-key="([^"]+)"/g)].map((m) => m[1]);
    const scoresOf = (body: string) => [...body.matchAll(/data-score="([^"]+)"/g)].map((m) => Number(m[1]));

    const ranked = await person.get('/console/backlog');
    expect(scoresOf(ranked.body)).toEqual([...scoresOf(ranked.body)].sort((a, b) => b - a));
    expect(keysOf(ranked.body)).toHaveLength(50);
    expect(ranked.body).toContain('Items 1–50 of 120');

    const byCustomers = await person.get('/console/backlog?sort=customers&dir=asc');
    expect(byCustomers.body).toContain('aria-sort="ascending"');
    const byTitle = await person.get('/console/backlog?sort=title&dir=asc');
    expect(byTitle.body).toMatch(/<th scope="col" aria-sort="ascending"><a [^>]+>Item<\/a>/);
    expect(byTitle.body).toContain('title ▲');
    const second = await person.get('/console/backlog?sort=key&dir=asc&offset=50');
    expect(keysOf(second.body)[0]).toBe('KAN-51');
    expect(second.body).toContain('rel="prev"');
    // A page past the end of the view (its items were fewer when the link was made) shows the view's last page.
    const past = await person.get('/console/backlog?sort=key&dir=asc&offset=1000');
    expect(past.statusCode).toBe(303);
    expect(past.headers.location).toBe('/console/backlog?sort=key&dir=asc&limit=50&offset=100');

    const failing = await person.get('/console/backlog?failing=true&q=&type=&container=');
    expect(failing.statusCode).toBe(200);
    expect(failing.body).toContain('Items 1–24 of 24');

    const csv = await person.get('/console/backlog.csv?failing=true&sort=key&dir=asc');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toHaveLength(25);
    expect(lines[1]).toMatch(/^"KAN-1","<script>/);
    expect(failing.body).toContain('href="/console/backlog.csv?failing=true&amp;sort=score"');
  });

  it('answers bad input with 400 and the reason, on an HTML page', async () => {
    const person = consoleClient(harness.app);
    await person.signIn(viewerToken);
    for (const url of [
      '/console/backlog?sort=%3Cscript%3E',
      '/console/backlog?offset=-1',
      '/console/backlog?limit=100000',
      '/console/items/gitlab/X-1',
      '/console/activity?item=KAN-1',
    ]) {
      const response = await person.get(url);
      expect([url, response.statusCode]).toEqual([url, 400]);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).not.toContain('<script>');
    }
  });

  it('lets an editor confirm a suggestion (audited as the person) and refuses a POST without a CSRF token', async () => {
    const person = consoleClient(harness.app);
    await person.signIn(editorToken);
    const inbox = await person.get('/console/triage');
    expect(inbox.body).toContain('data-action="confirm-link"');
    expect(inbox.body).toContain('data-action="reject-link"');
    expect(inbox.body).toContain('data-action="no-match"');
    expect(inbox.body).toMatch(/aria-label="3 waiting">3</);
    const help3 = inbox.body.slice(inbox.body.indexOf('data-ticket-key="HELP-3"'));
    expect(help3).toContain('KAN-4');
    expect(help3).not.toContain('KAN-5');

    const forged = await person.post('/console/triage/confirm', {
      tracker: 'jira',
      ticket: '20000',
      item: '10003',
    });
    expect(forged.statusCode).toBe(403);
    expect(fake.calls).toEqual([]);

    const confirmed = await person.post('/console/triage/confirm', {
      _csrf: person.csrf(inbox.body),
      tracker: 'jira',
      ticket: '20000',
      item: '10003',
    });
    expect(confirmed.statusCode).toBe(303);
    expect(fake.calls).toEqual([
      {
        action: 'confirmLink',
        by: 'ada',
        args: [{ tracker: 'jira', id: '20000' }, { tracker: 'jira', id: '10003' }, { name: 'ada' }],
      },
    ]);
    const gone = await person.post('/console/triage/confirm', {
      _csrf: person.csrf(inbox.body),
      tracker: 'jira',
      ticket: '20000',
      item: '10003',
    });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('No support ticket jira:20000 in the read model');
    const after = await person.get(confirmed.headers.location as string);
    expect(after.body).toContain('Link confirmed');
    expect(after.body).not.toContain('data-ticket-key="HELP-1"');
  });

  it('shows a viewer no action and refuses their POST', async () => {
    const viewer = consoleClient(harness.app);
    await viewer.signIn(viewerToken);
    const inbox = await viewer.get('/console/triage');
    expect(inbox.body).not.toContain('data-action=');
    const before = fake.calls.length;
    const refused = await viewer.post('/console/triage/reject', {
      _csrf: viewer.csrf(inbox.body),
      tracker: 'jira',
      ticket: '20001',
      item: '10003',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('only editors act');
    expect(fake.calls).toHaveLength(before);
    expect((await viewer.get('/console/operations')).body).not.toContain('data-action="retry');
  });

  it('brings an editor back to the inbox page and ticket they answered, and a page past the end to the last page', async () => {
    const person = consoleClient(harness.app);
    await person.signIn(editorToken);
    const [first, last] = [fake.tickets[0]!, fake.tickets.at(-1)!];
    const lastPage = await person.get(`/console/triage?limit=1&offset=${fake.tickets.length - 1}`);
    expect(lastPage.body).toContain(`data-ticket-key="${last.key}"`);

    const rejected = await person.post(
      '/console/triage/reject',
      formFields(lastPage.body, '/console/triage/reject', last.suggestions[0]!.item.id),
    );
    expect(rejected.statusCode).toBe(303);
    const back = new URL(rejected.headers.location as string, 'http://console.test');
    const after = await person.get(`${back.pathname}${back.search}`);
    expect(after.body).toContain('Suggestion rejected');
    expect(after.body).toContain(`data-ticket-key="${last.key}"`);
    expect(after.body).not.toContain(`data-ticket-key="${first.key}"`);
    // The browser scrolls to the ticket (and the keys start from it): the fragment names an element of its card.
    const card = after.body.slice(after.body.indexOf(`data-ticket-key="${last.key}"`));
    expect(back.hash).toMatch(/^#./);
    expect(card).toContain(`id="${back.hash.slice(1)}"`);

    // Its tickets handled meanwhile, the page a person returns to (or bookmarked) is past the end of the inbox.
    const past = await person.get(`/console/triage?limit=1&offset=${fake.tickets.length + 3}&done=rejected`);
    const shown = past.statusCode === 303 ? await person.get(past.headers.location as string) : past;
    expect(shown.body).not.toContain('The inbox is empty');
    expect(shown.body).toContain(`data-ticket-key="${last.key}"`);
    expect(shown.body).toContain('Suggestion rejected');
  });

  it("lets a person turn the inbox's single-key shortcuts off with a form, back on their page, and keeps it so (WCAG 2.1.4)", async () => {
    const person = consoleClient(harness.app);
    await person.signIn(editorToken);
    // A GET changes no setting: a link someone sends, or an image's address, cannot turn a person's keys off.
    await person.get('/console/triage?keys=off');
    expect(person.jar.has('refinery_triage_keys')).toBe(false);
    const inbox = (await person.get('/console/triage?limit=1&offset=1')).body;
    expect(inbox).toContain('<div class="inbox" data-keys="on">');
    expect(inbox).not.toMatch(/href="[^"]*keys=/);
    const form = formFields(inbox, '/console/triage/keys');

    const forged = await person.post('/console/triage/keys', { ...form, _csrf: '' });
    expect(forged.statusCode).toBe(403);
    expect(person.jar.has('refinery_triage_keys')).toBe(false);

    const turnedOff = await person.post('/console/triage/keys', form);
    expect(turnedOff.statusCode).toBe(303);
    const back = new URL(turnedOff.headers.location as string, 'http://console.test');
    expect([back.pathname, back.searchParams.get('offset'), back.searchParams.get('limit')]).toEqual([
      '/console/triage',
      '1',
      '1',
    ]);
    const there = (await person.get(`${back.pathname}${back.search}`)).body;
    expect(there).toContain('<div class="inbox" data-keys="off">');
    expect(there).toContain('Single-key shortcuts are off.');
    expect(there).toContain(`data-ticket-key="${fake.tickets[1]!.key}"`);
    const later = (await person.get('/console/triage')).body;
    expect(later).toContain('<div class="inbox" data-keys="off">');

    const on = await person.post('/console/triage/keys', formFields(later, '/console/triage/keys'));
    expect(on.statusCode).toBe(303);
    expect((await person.get(on.headers.location as string)).body).toContain(
      '<div class="inbox" data-keys="on">',
    );

    // A viewer reads the inbox with j and k, and may turn those off too.
    const viewer = consoleClient(harness.app);
    await viewer.signIn(viewerToken);
    const viewed = (await viewer.get('/console/triage')).body;
    const viewerOff = await viewer.post('/console/triage/keys', formFields(viewed, '/console/triage/keys'));
    expect((await viewer.get(viewerOff.headers.location as string)).body).toContain(
      '<div class="inbox" data-keys="off">',
    );
  });

  it('names the link from a later page of the audit trail for where it goes: the newest entries', async () => {
    const person = consoleClient(harness.app);
    await person.signIn(viewerToken);
    const later = await person.get('/console/activity?capability=scoring&before=7');
    const links = [...later.body.matchAll(/<nav class="pager"[^>]*>([\s\S]*?)<\/nav>/g)].flatMap((nav) => [
      ...(nav[1] ?? '').matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g),
    ]);
    const back = links.find((link) => !link[1]!.includes('before='));
    const target = new URL(back?.[1]?.replace(/&amp;/g, '&') ?? '', 'http://console.test');
    expect([target.pathname, target.searchParams.get('capability')]).toEqual([
      '/console/activity',
      'scoring',
    ]);
    // It goes to the first page, not to the page before this one: a label saying "Previous" would lie.
    expect(back?.[2]).not.toMatch(/previous/i);
    expect(back?.[2]).toMatch(/newest/i);
  });

  it('ends the sessions of a person who is removed', async () => {
    const { token } = await users.add('temp', 'viewer');
    const person = consoleClient(harness.app);
    await person.signIn(token);
    expect((await person.get('/console/activity')).statusCode).toBe(200);
    await users.remove('temp');
    expect((await person.get('/console/activity')).statusCode).toBe(303);
  });

  it('ends the sessions signed in with a token that add-user replaced (a lost or leaked token)', async () => {
    const { token } = await users.add('lee', 'editor');
    const leaked = consoleClient(harness.app);
    await leaked.signIn(token);
    expect((await leaked.get('/console/activity')).statusCode).toBe(200);
    const fresh = (await runConsoleCommand(['add-user', 'lee', '--role', 'editor'], users)).at(-1)!;
    const after = await leaked.get('/console/activity');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/console/login?next=%2Fconsole%2Factivity');
    const lee = consoleClient(harness.app);
    await lee.signIn(fresh);
    expect((await lee.get('/console/activity')).statusCode).toBe(200);
  });

  it('lets no cache keep a signed-in page or export: Back after sign-out and a shared proxy show nothing', async () => {
    const person = consoleClient(harness.app);
    await person.signIn(viewerToken);
    for (const url of ['/console/backlog', '/console/backlog.csv', '/console/triage', '/console/activity']) {
      const response = await person.get(url);
      expect([url, response.statusCode, response.headers['cache-control']]).toEqual([url, 200, 'no-store']);
    }
    const signIn = await consoleClient(harness.app).get('/console/login');
    expect(signIn.headers['cache-control']).toBe('no-store');
    // The console's own stylesheet and script hold nothing of anyone's: they stay cacheable.
    const asset = await person.get('/console/assets/console.css');
    expect(asset.headers['cache-control']).toMatch(/max-age=\d+/);
  });

  it('rate-limits sign-in attempts', async () => {
    const person = consoleClient(harness.app);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await person.signIn('rfc_guess')).statusCode);
    expect(statuses).toContain(429);
  });
});

describe('console not configured in the process', () => {
  it('answers 404 at /console', async () => {
    const harness = await startApiHarness({ config: testConfig() });
    try {
      const response = await harness.app.inject({ method: 'GET', url: '/console/backlog' });
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain('not served by this process');
    } finally {
      await harness.close();
    }
  });
});
