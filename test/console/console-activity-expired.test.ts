import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createRedisUserStore } from '../../src/console/users.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { labelEntry } from '../helpers/audit-entries.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

const DAY = 86_400_000;
const RETENTION_DAYS = 30;

/** A page of the audit trail opened after the entries behind its link left the trail (its retention). */
describe('console activity, a page that expired', () => {
  let harness: ApiHarness;
  let person: ReturnType<typeof consoleClient>;
  const auditAt = (ms: number) =>
    createRedisAuditStore({
      redis: harness.redis,
      keyPrefix: harness.prefix,
      retentionDays: RETENTION_DAYS,
      now: () => new Date(ms),
    });

  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole });
    const { token } = await createRedisUserStore(harness.redis, harness.prefix).add('pm', 'viewer');
    person = consoleClient(harness.app);
    await person.signIn(token);
  });
  afterAll(async () => harness?.close());

  const link = (body: string, text: RegExp) => {
    for (const match of body.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g))
      if (text.test(match[2]!)) return match[1]!.replace(/&amp;/g, '&');
    return undefined;
  };

  it('says the page expired and links to the newest activity, not "Nothing recorded."', async () => {
    const yesterday = auditAt(Date.now() - DAY);
    for (const key of ['APP-1', 'APP-2', 'APP-3']) await yesterday.record(labelEntry(key));
    const first = await person.get('/console/activity?capability=scoring&limit=1');
    const older = link(first.body, /Older/);
    expect(older).toContain('before=');

    // A month on, the retention took those entries; something new was written since.
    await auditAt(Date.now() + (RETENTION_DAYS + 1) * DAY).trim();
    await auditAt(Date.now() + (RETENTION_DAYS + 1) * DAY).record(labelEntry('APP-9'));

    const expired = await person.get(older!);
    expect(expired.statusCode).toBe(200);
    expect(expired.body).not.toContain('Nothing recorded.');
    expect(expired.body).toMatch(/This page (of the activity )?has expired/);
    const newest = link(expired.body, /newest activity/i);
    expect(newest).toBeDefined();
    const target = new URL(newest!, 'http://console.test');
    expect([
      target.pathname,
      target.searchParams.get('capability'),
      target.searchParams.get('before'),
    ]).toEqual(['/console/activity', 'scoring', null]);
    expect((await person.get(newest!)).body).toContain('APP-9');
  });
});
