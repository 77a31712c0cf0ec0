import { describe, expect, it } from 'vitest';
import { ErrorKind } from '../../../src/errors.ts';
import { api, PERSON, tracker } from './jira-fixtures.ts';

const refs = [
  { tracker: 'jira' as const, id: '10010', key: 'APP-1' },
  { tracker: 'jira' as const, id: '10011', key: 'SECRET-1' },
];

describe('Jira adapter permissions of another account', () => {
  it('asks the bulk permission check for that account and keeps the issues it grants', async () => {
    const check = api()
      .post('/rest/api/3/permissions/check', {
        accountId: PERSON,
        projectPermissions: [{ permissions: ['BROWSE_PROJECTS'], issues: [10010, 10011] }],
      })
      // The response shape of Atlassian's reference: granted issues and projects per permission.
      .reply(200, {
        projectPermissions: [{ permission: 'BROWSE_PROJECTS', issues: [10010], projects: [10000] }],
        globalPermissions: [],
      });

    const permitted = await tracker().permittedItems(PERSON, refs, 'browse');

    expect(check.isDone()).toBe(true);
    expect([...permitted]).toEqual(['10010']);
  });

  it('edit asks for EDIT_ISSUES; no grant means no item', async () => {
    api()
      .post('/rest/api/3/permissions/check', {
        accountId: PERSON,
        projectPermissions: [{ permissions: ['EDIT_ISSUES'], issues: [10010] }],
      })
      .reply(200, { projectPermissions: [], globalPermissions: [] });

    expect((await tracker().permittedItems(PERSON, refs.slice(0, 1), 'edit')).size).toBe(0);
  });

  it('a service account without Administer Jira gets a forbidden TrackerError', async () => {
    api()
      .post('/rest/api/3/permissions/check')
      .reply(403, { errorMessages: ['You do not have permission to check the permissions of other users.'] });

    await expect(tracker().permittedItems(PERSON, refs, 'browse')).rejects.toMatchObject({
      kind: ErrorKind.Forbidden,
    });
  });
});
