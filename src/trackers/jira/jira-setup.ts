import Type from 'typebox';
import type { JiraAdminWebhook, JiraSetup, JiraTypeScreen } from '../../doctor/ports.ts';
import { ErrorKind, TrackerError } from '../../errors.ts';
import { validate } from '../../schema/validate.ts';
import { createJiraContext, type JiraContext, type JiraTrackerOptions } from './jira-context.ts';
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
      screens.push({ issueType: name, fieldIds: Object.keys(meta.fields ?? {}), source: 'editmeta' });
      continue;
    }
    const meta = await ctx.call('getCreateIssueMetaIssueTypeId', () =>
      ctx.cloud.issues.getCreateIssueMetaIssueTypeId({
        projectIdOrKey: projectKey,
        issueTypeId: String(type.id),
      }),
    );
    const fields = meta.fields ?? meta.results ?? [];
    screens.push({ issueType: name, fieldIds: fields.map((f) => f.fieldId), source: 'createmeta' });
  }
  return screens;
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
      const all = [];
      for (let startAt = 0; ; startAt += PAGE) {
        const page = await ctx.call('searchProjects', () =>
          ctx.cloud.projects.searchProjects({ startAt, maxResults: PAGE }),
        );
        all.push(...(page.values ?? []));
        if (page.isLast !== false || (page.values ?? []).length === 0) break;
      }
      return all.map((project) => ({
        id: String(project.id ?? ''),
        key: project.key ?? '',
        name: project.name ?? '',
        typeKey: String(project.projectTypeKey ?? 'software'),
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
      const page = await ctx.call('getAllBoards', () =>
        ctx.agile.board.getAllBoards({ projectKeyOrId: projectKey, maxResults: PAGE }),
      );
      const boards = [];
      for (const board of page.values ?? []) {
        const estimationField = await sprints.getEstimationField(String(board.id));
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

    async addToDefaultScreen(fieldId) {
      await ctx.call('addFieldToDefaultScreen', () => ctx.cloud.screens.addFieldToDefaultScreen({ fieldId }));
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
