import { adfToWiki } from './adf-wiki.ts';
import {
  type JiraState,
  linkPhrases,
  ORGANIZATIONS,
  type SandboxComment,
  type SandboxIssue,
  type SandboxProject,
  type SandboxSprint,
  SPRINT_FIELD_ID,
  STATUSES,
  type StatusId,
  securityLevels,
} from './state.ts';

/** REST shapes built per request, so `self` links name the host and version the client used. */
export interface ViewContext {
  state: JiraState;
  /** Site URL including the sandbox prefix, e.g. http://127.0.0.1:4000/jira. */
  site: string;
  /** 3 for REST reads, 2 for webhook payloads (whose bodies are wiki markup). */
  version: 2 | 3;
}

const api = (ctx: ViewContext, path: string) => `${ctx.site}/rest/api/${ctx.version}/${path}`;

export function userView(ctx: ViewContext, accountId: string) {
  const user = ctx.state.users.get(accountId);
  const avatar = (size: string) =>
    `${ctx.site}/secure/useravatar?size=${size}&accountId=${encodeURIComponent(accountId)}`;
  return {
    self: api(ctx, `user?accountId=${encodeURIComponent(accountId)}`),
    accountId,
    avatarUrls: {
      '48x48': avatar('48'),
      '24x24': avatar('24'),
      '16x16': avatar('16'),
      '32x32': avatar('32'),
    },
    displayName: user?.displayName ?? accountId,
    active: true,
    timeZone: 'Etc/UTC',
    accountType: user?.accountType ?? 'atlassian',
  };
}

export function statusView(ctx: ViewContext, statusId: StatusId) {
  const status = STATUSES[statusId];
  return {
    self: api(ctx, `status/${status.id}`),
    description: '',
    iconUrl: `${ctx.site}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: { self: api(ctx, `statuscategory/${status.category.id}`), ...status.category },
  };
}

/** `style` of GET /project and /project/search: team-managed projects are `next-gen`. */
export const projectStyle = (project: SandboxProject) => (project.teamManaged ? 'next-gen' : 'classic');

export function projectView(ctx: ViewContext, project: SandboxProject) {
  return {
    self: api(ctx, `project/${project.id}`),
    id: project.id,
    key: project.key,
    name: project.name,
    projectTypeKey: project.projectTypeKey,
    simplified: project.teamManaged,
    avatarUrls: {
      '48x48': `${ctx.site}/secure/projectavatar?avatarId=10324`,
      '24x24': `${ctx.site}/secure/projectavatar?size=small&avatarId=10324`,
      '16x16': `${ctx.site}/secure/projectavatar?size=xsmall&avatarId=10324`,
      '32x32': `${ctx.site}/secure/projectavatar?size=medium&avatarId=10324`,
    },
  };
}

/** Jira's own sub-task types: company-managed projects name theirs "Sub-task", team-managed ones "Subtask". */
const SUBTASK_TYPES = new Set(['Sub-task', 'Subtask']);

export const issueTypeId = (name: string): string =>
  name === 'Bug' ? '10004' : name === 'Task' ? '10003' : SUBTASK_TYPES.has(name) ? '10005' : '10001';

export function issueTypeView(ctx: ViewContext, name: string) {
  const subtask = SUBTASK_TYPES.has(name);
  const id = issueTypeId(name);
  return {
    self: api(ctx, `issuetype/${id}`),
    id,
    description: '',
    iconUrl: `${ctx.site}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10315?size=medium`,
    name,
    subtask,
    avatarId: 10315,
    hierarchyLevel: subtask ? -1 : 0,
  };
}

export function priorityView(ctx: ViewContext, name: string) {
  const id = { Highest: '1', High: '2', Medium: '3', Low: '4', Lowest: '5' }[name] ?? '3';
  return {
    self: api(ctx, `priority/${id}`),
    iconUrl: `${ctx.site}/images/icons/priorities/${name.toLowerCase()}.svg`,
    name,
    id,
  };
}

export function resolutionView(ctx: ViewContext, name: string | null) {
  const resolution = ctx.state.resolutions.find((r) => r.name === name);
  return resolution ? { self: api(ctx, `resolution/${resolution.id}`), ...resolution } : null;
}

export function sprintView(ctx: ViewContext, sprint: SandboxSprint) {
  return {
    id: sprint.id,
    self: `${ctx.site}/rest/agile/1.0/sprint/${sprint.id}`,
    state: sprint.state,
    name: sprint.name,
    ...(sprint.startDate && { startDate: sprint.startDate }),
    ...(sprint.endDate && { endDate: sprint.endDate }),
    ...(sprint.completeDate && { completeDate: sprint.completeDate }),
    originBoardId: sprint.boardId,
    ...(sprint.goal !== undefined && { goal: sprint.goal }),
  };
}

function linkedIssueView(ctx: ViewContext, issue: SandboxIssue) {
  return {
    id: issue.id,
    key: issue.key,
    self: api(ctx, `issue/${issue.id}`),
    fields: {
      summary: issue.summary,
      status: statusView(ctx, issue.statusId as StatusId),
      priority: priorityView(ctx, issue.priority),
      issuetype: issueTypeView(ctx, issue.issuetype),
    },
  };
}

function issueLinksView(ctx: ViewContext, issue: SandboxIssue) {
  return ctx.state.links.flatMap((link) => {
    const outward = link.fromId === issue.id;
    if (!outward && link.toId !== issue.id) return [];
    const other = ctx.state.issues.get(outward ? link.toId : link.fromId);
    if (!other) return [];
    const type = {
      id: '10003',
      name: link.typeName,
      ...linkPhrases(link.typeName),
      self: api(ctx, 'issueLinkType/10003'),
    };
    const view = linkedIssueView(ctx, other);
    return [
      {
        id: link.id,
        self: api(ctx, `issueLink/${link.id}`),
        type,
        ...(outward ? { outwardIssue: view } : { inwardIssue: view }),
      },
    ];
  });
}

/** The Organizations field's value: the organizations, each with the id JSM's API knows it by. */
function organizationsView(ctx: ViewContext, names: string) {
  return names.split('\n').map((name) => {
    const id = String([...name].reduce((sum, char) => sum + (char.codePointAt(0) ?? 0), 0));
    return { id, name, _links: { self: `${ctx.site}/rest/servicedeskapi/organization/${id}` } };
  });
}

/** A security level as Jira names it in `fields.security` and in the edit screen's allowed values. */
export function securityLevelView(ctx: ViewContext, name: string) {
  const id = securityLevels(ctx.state).find((level) => level.name === name)?.id ?? '';
  return { self: api(ctx, `securitylevel/${id}`), id, description: '', name };
}

/** All fields of an issue as GET /issue returns them (v3: ADF description; v2: wiki string). */
export function issueFields(ctx: ViewContext, issue: SandboxIssue): Record<string, unknown> {
  const project = ctx.state.projects.get(issue.projectId);
  const description =
    ctx.version === 3 ? issue.description : issue.description && adfToWiki(issue.description);
  const sprints = issue.sprintIds.flatMap((id) => {
    const sprint = ctx.state.sprints.get(id);
    return sprint ? [{ ...sprintView(ctx, sprint), boardId: sprint.boardId }] : [];
  });
  const custom: Record<string, unknown> = {};
  for (const field of ctx.state.fields) {
    if (!field.custom || field.id === SPRINT_FIELD_ID) continue;
    const value = issue.custom[field.id] ?? null;
    if (field.customType === ORGANIZATIONS) {
      custom[field.id] = typeof value === 'string' && value !== '' ? organizationsView(ctx, value) : [];
      continue;
    }
    custom[field.id] =
      field.type === 'option' && value !== null
        ? {
            self: api(
              ctx,
              `customFieldOption/${field.id.slice(12)}${field.options?.indexOf(String(value)) ?? 0}`,
            ),
            value,
            id: `${field.id.slice(12)}${field.options?.indexOf(String(value)) ?? 0}`,
          }
        : value;
  }
  return {
    summary: issue.summary,
    issuetype: issueTypeView(ctx, issue.issuetype),
    project: project && projectView(ctx, project),
    status: statusView(ctx, issue.statusId as StatusId),
    statuscategorychangedate: issue.statusCategoryChanged,
    priority: priorityView(ctx, issue.priority),
    labels: issue.labels,
    issuelinks: issueLinksView(ctx, issue),
    description,
    reporter: userView(ctx, issue.reporterId),
    creator: userView(ctx, issue.reporterId),
    assignee: null,
    created: issue.created,
    updated: issue.updated,
    timeoriginalestimate: issue.timeoriginalestimate,
    resolution: resolutionView(ctx, issue.resolution),
    resolutiondate: issue.resolutionDate ?? null,
    components: issue.components.map((name, i) => ({
      self: api(ctx, `component/${10000 + i}`),
      id: String(10000 + i),
      name,
    })),
    [SPRINT_FIELD_ID]: sprints.length > 0 ? sprints : null,
    ...(issue.securityLevel && { security: securityLevelView(ctx, issue.securityLevel.name) }),
    ...custom,
  };
}

/** `expand=names`: the display name now of each field the answered issues carry, by id. */
export function fieldNames(
  state: JiraState,
  issues: readonly { id: string; fields?: object }[],
): Record<string, string> {
  const ids = new Set(issues.flatMap((issue) => Object.keys(issue.fields ?? {})));
  return Object.fromEntries(
    state.fields.flatMap((field) => (ids.has(field.id) ? [[field.id, field.name]] : [])),
  );
}

export function issueView(ctx: ViewContext, issue: SandboxIssue, only?: Set<string>) {
  const all = issueFields(ctx, issue);
  const fields = only ? Object.fromEntries(Object.entries(all).filter(([id]) => only.has(id))) : all;
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: api(ctx, `issue/${issue.id}`),
    key: issue.key,
    fields,
  };
}

export function commentView(ctx: ViewContext, comment: SandboxComment) {
  return {
    self: api(ctx, `issue/${comment.issueId}/comment/${comment.id}`),
    id: comment.id,
    author: userView(ctx, comment.authorId),
    body: ctx.version === 3 ? comment.body : adfToWiki(comment.body),
    updateAuthor: userView(ctx, comment.updateAuthorId),
    created: comment.created,
    updated: comment.updated,
    jsdPublic: !comment.internal,
    ...(comment.visibility && { visibility: comment.visibility }),
  };
}
