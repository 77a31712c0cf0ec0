import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorKind } from '../../../src/errors.ts';
import type { JiraContext } from '../../../src/trackers/jira/jira-context.ts';
import { browseAudience } from '../../../src/trackers/jira/jira-permissions.ts';
import { botContext, type Harness, startHarness } from './sandbox-harness.ts';

let h: Harness;
/** jira.js itself, validating every answer against Atlassian's schemas. */
let ctx: JiraContext;
const read = (projectKeyOrId: string, expand?: string) =>
  ctx.call('getAssignedPermissionScheme', () =>
    ctx.cloud.projectPermissionSchemes.getAssignedPermissionScheme({ projectKeyOrId, expand }),
  );

beforeAll(async () => {
  h = await startHarness();
  h.sandbox.seed({
    people: [{ accountId: 'sam', displayName: 'Sam', email: 'sam@example.test', groups: ['devs'] }],
    permissionSchemes: [
      { name: 'Developers only', browse: [{ type: 'group', parameter: 'devs', value: 'devs' }] },
    ],
    projects: [
      { key: 'APP', name: 'App' },
      { key: 'DEV', name: 'Developers', permissionScheme: 'Developers only' },
      { key: 'SEC', name: 'Security', browsers: ['sam'] },
      { key: 'ADM', name: 'Administered', botAdministers: true },
    ],
  });
  ctx = botContext(h);
});
afterAll(async () => {
  await h.close();
});

describe("a project's permission scheme in the sandbox, as Jira Cloud answers it", () => {
  it('answers the scheme without its grants unless expand names something', async () => {
    const scheme = await read('APP');
    expect(scheme).toMatchObject({ id: 0, name: 'Default software scheme' });
    expect(scheme.permissions).toBeUndefined();
  });

  it("lists the default scheme's Browse Projects grants: any logged-in user, and the apps' role by name", async () => {
    const scheme = await read('APP', 'permissions,projectRole');
    const browse = scheme.permissions?.filter((grant) => grant.permission === 'BROWSE_PROJECTS');
    expect(browse?.map((grant) => grant.holder)).toEqual([
      { type: 'applicationRole' },
      expect.objectContaining({
        type: 'projectRole',
        parameter: '10003',
        value: '10003',
        expand: 'projectRole',
        projectRole: expect.objectContaining({ id: 10003, name: 'atlassian-addons-project-access' }),
      }),
    ]);
  });

  it("tells the adapter each project's audience: everyone, a group, the listed browsers", async () => {
    expect(await browseAudience(ctx, 'APP')).toEqual({ everyone: true, holders: [], projectBound: false });
    expect(await browseAudience(ctx, 'DEV')).toEqual({
      everyone: false,
      holders: ['group:devs'],
      projectBound: false,
    });
    expect(await browseAudience(ctx, 'SEC')).toEqual({
      everyone: false,
      holders: ['user:sam'],
      projectBound: false,
    });
  });

  it('refuses the scheme to an account without Administer Projects there, once the sandbox stops granting it', async () => {
    h.sandbox.state.setup.permissionSchemesHidden = true;
    try {
      await expect(read('DEV', 'permissions')).rejects.toMatchObject({
        kind: ErrorKind.Forbidden,
        status: 403,
      });
      await expect(read('ADM', 'permissions')).resolves.toMatchObject({ name: 'Default software scheme' });
      await expect(read('NOPE', 'permissions')).rejects.toMatchObject({ kind: ErrorKind.NotFound });
    } finally {
      h.sandbox.state.setup.permissionSchemesHidden = false;
    }
  });
});
