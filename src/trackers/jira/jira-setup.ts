import Type from 'typebox';
import type { JiraAdminWebhook, JiraSetup, JiraTypeScreen } from '../../doctor/ports.ts';
import { ErrorKind, TrackerError } from '../../errors.ts';
import { validate } from '../../schema/validate.ts';
import { createJiraContext, type JiraContext, type JiraTrackerOptions } from './jira-context.ts';
import { offsetPages } from './jira-pages.ts';
import { browseAudience } from './jira-permissions.ts';
import { createSprintReader } from './jira-sprints.ts';

const NUMBER_FIELD = 'com.atlassian.jira.plugin.system.customfieldtypes:float';
const NUMBER_SEARCHER = 'com.atlassian.jira.plugin.system.customfieldtypes:exactnumber';
const ADMIN_WEBHOOKS = '/rest/webhooks/1.0/webhook';
const PAGE = 50;

/** GET /rest/webhooks/1.0/webhook: the admin webhooks API, which jira.js does not wrap. */
const AdminWebhooksSchema = Type.Array(
  Type.Object({
    name: Type.String(),
    url: Type.String(),
    events: Type.Array(Type.String()),
    enabled: Type.Boolean({ default: true }),
  }),
);

async function projectScreens(ctx: JiraContext, projectKey: string): Promise<JiraTypeScreen[]> {
  const types = await ctx.call('getCreateIssueMetaIssueTypes', () =>
    ctx.cloud.issues.getCreateIssueMetaIssueTypes({ projectIdOrKey: projectKey }),
  );
  const issueTypes = (types.issueTypes ?? types.createMetaIssueType ?? []).filter((type) => !type.subtask);
  // The edit screen is what scoring writes through; an existing issue of the type tells it (editmeta).
  const recent = await ctx.call('searchIssues', () =>
    ctx.cloud.issueSearch.searchAndReconsileIssuesUsingJqlPost({
      jql: `project = "${projectKey}" ORDER BY created DESC`,
      maxResults: PAGE,
      fields: ['issuetype'],
    }),
  );
  const screens: JiraTypeScreen[] = [];
  for (const type of issueTypes) {
    const name = type.name ?? type.id ?? '';
    const sample = (recent.issues ?? []).find((issue) => issue.fields?.issuetype?.id === type.id);
    if (sample?.id) {
      const meta = await ctx.call('getEditIssueMeta', () =>
        ctx.cloud.issues.getEditIssueMeta({ issueIdOrKey: String(sample.id) }),
      );
      screens.push({
        issueType: name,
        issueTypeId: String(type.id),
        fieldIds: Object.keys(meta.fields ?? {}),
        source: 'editmeta',
      });
      continue;
    }
    const meta = await ctx.call('getCreateIssueMetaIssueTypeId', () =>
      ctx.cloud.issues.getCreateIssueMetaIssueTypeId({
        projectIdOrKey: projectKey,
        issueTypeId: String(type.id),
      }),
    );
    const fields = meta.fields ?? meta.results ?? [];
    screens.push({
      issueType: name,
      issueTypeId: String(type.id),
      fieldIds: fields.map((f) => f.fieldId),
      source: 'createmeta',
    });
  }
  return screens;
}

/** Every value of a paged Jira admin or Agile list (`values`, `isLast`, `total`). */
const allPages = <T>(
  read: (startAt: number) => Promise<{ values?: T[]; isLast?: boolean; total?: number }>,
) =>
  offsetPages(async (startAt) => {
    const page = await read(startAt);
    return { items: page.values ?? [], isLast: page.isLast, total: page.total };
  });

const unique = <T>(values: (T | undefined)[]): T[] => [
  ...new Set(values.filter((v): v is T => v !== undefined)),
];

/**
 * The screens a company-managed project edits its issue types with: project -> issue type screen scheme ->
 * the screen scheme of each issue type (else the scheme's default mapping) -> its edit screen (else its default).
 */
async function editScreens(ctx: JiraContext, projectId: string, issueTypeIds: readonly string[]) {
  const schemes = await allPages((startAt) =>
    ctx.call('getIssueTypeScreenSchemeProjectAssociations', () =>
      ctx.cloud.issueTypeScreenSchemes.getIssueTypeScreenSchemeProjectAssociations({
        projectId: [Number(projectId)],
        startAt,
        maxResults: PAGE,
      }),
    ),
  );
  const scheme = schemes.find((s) => s.projectIds.includes(projectId))?.issueTypeScreenScheme;
  // Jira lists issue type screen schemes of company-managed projects only.
  if (!scheme)
    throw new TrackerError(
      ErrorKind.Validation,
      'jira',
      `Project ${projectId} has no issue type screen scheme (is it team-managed?)`,
    );
  const mappings = await allPages((startAt) =>
    ctx.call('getIssueTypeScreenSchemeMappings', () =>
      ctx.cloud.issueTypeScreenSchemes.getIssueTypeScreenSchemeMappings({
        issueTypeScreenSchemeId: [Number(scheme.id)],
        startAt,
        maxResults: PAGE,
      }),
    ),
  );
  const schemeOf = (issueTypeId: string) =>
    (mappings.find((m) => m.issueTypeId === issueTypeId) ?? mappings.find((m) => m.issueTypeId === 'default'))
      ?.screenSchemeId;
  const screenSchemeIds = unique(issueTypeIds.map(schemeOf)).map(Number);
  if (screenSchemeIds.length === 0) return [];
  const screenSchemes = await allPages((startAt) =>
    ctx.call('getScreenSchemes', () =>
      ctx.cloud.screenSchemes.getScreenSchemes({ id: screenSchemeIds, startAt, maxResults: PAGE }),
    ),
  );
  return unique(screenSchemes.map((s) => s.screens?.edit ?? s.screens?.default));
}

/** Puts a field on the first tab of a screen, unless one of its tabs shows it already; whether it did. */
async function addToScreen(ctx: JiraContext, screenId: number, fieldId: string): Promise<boolean> {
  const tabs = await ctx.call('getAllScreenTabs', () => ctx.cloud.screenTabs.getAllScreenTabs({ screenId }));
  const tabIds = unique(tabs.map((tab) => tab.id));
  for (const tabId of tabIds) {
    const fields = await ctx.call('getAllScreenTabFields', () =>
      ctx.cloud.screenTabFields.getAllScreenTabFields({ screenId, tabId }),
    );
    if (fields.some((field) => field.id === fieldId)) return false;
  }
  const [first] = tabIds;
  if (first === undefined)
    throw new TrackerError(
      ErrorKind.Validation,
      'jira',
      `Screen ${screenId} has no tab to put ${fieldId} on`,
    );
  await ctx.call('addScreenTabField', () =>
    ctx.cloud.screenTabFields.addScreenTabField({ screenId, tabId: first, fieldId }),
  );
  return true;
}

/** The doctor's reads and repairs on a Jira Cloud site, through the same client and error boundary as the adapter. */
export function createJiraSetup(options: JiraTrackerOptions): JiraSetup {
  const ctx = createJiraContext(options);
  const sprints = createSprintReader(ctx);
  const basic = Buffer.from(`${options.email}:${options.apiToken}`).toString('base64');

  return {
    async serverDate() {
      try {
        const response = await fetch(`${ctx.siteUrl}/rest/api/3/serverInfo`, {
          headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
          signal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000),
        });
        await response.arrayBuffer();
        if (response.status >= 500 || response.status === 404)
          throw new TrackerError(ErrorKind.Server, 'jira', `Jira serverInfo answered ${response.status}`, {
            status: response.status,
          });
        return response.headers.get('date') ?? undefined;
      } catch (error) {
        if (error instanceof TrackerError) throw error;
        const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
        throw new TrackerError(
          ErrorKind.Network,
          'jira',
          `${ctx.siteUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
          { cause: error },
        );
      }
    },

    async account() {
      const [user, admin] = await Promise.all([
        ctx.call('myself', () => ctx.cloud.myself.getCurrentUser()),
        ctx.call('getMyPermissions', () =>
          ctx.cloud.permissions.getMyPermissions({ permissions: 'ADMINISTER' }),
        ),
      ]);
      return {
        accountId: user.accountId ?? '',
        displayName: user.displayName ?? '',
        accountType: String(user.accountType ?? 'atlassian'),
        siteAdmin: admin.permissions?.ADMINISTER?.havePermission === true,
      };
    },

    async projects() {
      const all = await allPages((startAt) =>
        ctx.call('searchProjects', () => ctx.cloud.projects.searchProjects({ startAt, maxResults: PAGE })),
      );
      return all.map((project) => ({
        id: String(project.id ?? ''),
        key: project.key ?? '',
        name: project.name ?? '',
        typeKey: String(project.projectTypeKey ?? 'software'),
        teamManaged: project.style === 'next-gen' || project.simplified === true,
      }));
    },

    async permissions(projectKey, keys) {
      const answer = await ctx.call('getMyPermissions', () =>
        ctx.cloud.permissions.getMyPermissions({ projectKey, permissions: keys.join(',') }),
      );
      return Object.fromEntries(keys.map((key) => [key, answer.permissions?.[key]?.havePermission === true]));
    },

    async suppressesNotifications(projectKey) {
      return (await ctx.capabilities.project(projectKey)).canSuppressNotifications;
    },

    async readsBrowseAudience(projectKey) {
      return (await browseAudience(ctx, projectKey)) !== undefined;
    },

    async fields() {
      const raw = await ctx.call('getFields', () => ctx.cloud.issueFields.getFields());
      return raw.flatMap((field) =>
        field.id && field.name
          ? [{ id: field.id, name: field.name, custom: field.custom ?? false, type: field.schema?.type }]
          : [],
      );
    },

    screens: (projectKey) => projectScreens(ctx, projectKey),

    async boards(projectKey) {
      const all = await allPages((startAt) =>
        ctx.call('getAllBoards', () =>
          ctx.agile.board.getAllBoards({ projectKeyOrId: projectKey, startAt, maxResults: PAGE }),
        ),
      );
      const boards = [];
      for (const board of all) {
        const { estimationField } = (await sprints.getBoardConfiguration(String(board.id))) ?? {};
        boards.push({ id: String(board.id), name: board.name ?? String(board.id), estimationField });
      }
      return boards;
    },

    async adminWebhooks(): Promise<JiraAdminWebhook[]> {
      const raw = await ctx.call('getAdminWebhooks', () =>
        ctx.client.sendRequest<unknown>({ url: ADMIN_WEBHOOKS, method: 'GET' }),
      );
      const parsed = validate(AdminWebhooksSchema, raw, {
        coerce: true,
        label: (path) => path || 'webhooks',
      });
      if (!parsed.ok)
        throw new TrackerError(
          ErrorKind.Schema,
          'jira',
          `Jira admin webhooks: unexpected shape (${parsed.problems.join('; ')})`,
        );
      return parsed.value;
    },

    async createNumberField(name) {
      const field = await ctx.call('createCustomField', () =>
        ctx.cloud.issueFields.createCustomField({ name, type: NUMBER_FIELD, searcherKey: NUMBER_SEARCHER }),
      );
      return { id: field.id ?? '' };
    },

    async addToEditScreens(projectId, issueTypeIds, fieldId) {
      const changed: number[] = [];
      for (const screenId of await editScreens(ctx, projectId, issueTypeIds))
        if (await addToScreen(ctx, screenId, fieldId)) changed.push(screenId);
      return changed;
    },

    async fieldContexts(fieldId) {
      const api = ctx.cloud.issueCustomFieldContexts;
      const [contexts, projects, issueTypes] = await Promise.all([
        allPages((startAt) =>
          ctx.call('getContextsForField', () =>
            api.getContextsForField({ fieldId, startAt, maxResults: PAGE }),
          ),
        ),
        allPages((startAt) =>
          ctx.call('getProjectContextMapping', () =>
            api.getProjectContextMapping({ fieldId, startAt, maxResults: PAGE }),
          ),
        ),
        allPages((startAt) =>
          ctx.call('getIssueTypeMappingsForContexts', () =>
            api.getIssueTypeMappingsForContexts({ fieldId, startAt, maxResults: PAGE }),
          ),
        ),
      ]);
      return contexts.map((context) => ({
        id: context.id,
        name: context.name,
        projectIds: context.isGlobalContext
          ? []
          : unique(projects.filter((m) => m.contextId === context.id).map((m) => m.projectId)),
        issueTypeIds: context.isAnyIssueType
          ? []
          : unique(issueTypes.filter((m) => m.contextId === context.id).map((m) => m.issueTypeId)),
      }));
    },

    async addProjectToContext(fieldId, contextId, projectId) {
      await ctx.call('assignProjectsToCustomFieldContext', () =>
        ctx.cloud.issueCustomFieldContexts.assignProjectsToCustomFieldContext({
          fieldId,
          contextId: Number(contextId),
          projectIds: [projectId],
        }),
      );
    },

    async registerWebhook(hook) {
      await ctx.call('registerAdminWebhook', () =>
        ctx.client.sendRequest<unknown>({
          url: ADMIN_WEBHOOKS,
          method: 'POST',
          body: { ...hook, excludeBody: false, filters: { 'issue-related-events-section': '' } },
        }),
      );
    },
  };
}
