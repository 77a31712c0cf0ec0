import type { AdfDoc } from '../../trackers/jira/adf-types.ts';
import { addContext } from './field-contexts.ts';
import { createIssue, type NewIssueInput, SandboxInputError, setSprints } from './issue-changes.ts';
import {
  customField,
  DEFAULT_PERMISSION_SCHEME,
  defaultColumns,
  defineSecurityLevel,
  FLOAT,
  ORGANIZATIONS,
  type SandboxGrantHolder,
  type SandboxSprint,
  type SandboxUser,
  STATUSES,
  type StatusId,
  schemeBrowsedBy,
} from './state.ts';
import { issueTypeId } from './views.ts';
import type { JiraWorld } from './world.ts';

const TEXT_FIELD = 'com.atlassian.jira.plugin.system.customfieldtypes:textfield';

export interface JiraSeed {
  /** Resolutions the site's admins added to Jira's defaults (a help desk's Obsolete). */
  resolutions?: string[];
  people?: {
    accountId: string;
    displayName: string;
    email: string;
    /** `app`: the account of Automation for Jira or a Connect/Forge app, which writes in its own name. */
    accountType?: SandboxUser['accountType'];
    groups?: string[];
  }[];
  /** The groups and project roles the service account is in: it reads and writes comments restricted to them. */
  botGroups?: string[];
  /**
   * Extra custom fields, numbers unless `text` or `organizations` (JSM's Organizations field: set it to the names,
   * one a line); team-managed projects make fields whose names repeat another's.
   */
  fields?: { id: string; name: string; text?: boolean; organizations?: boolean }[];
  projects?: {
    key: string;
    name?: string;
    projectTypeKey?: 'software' | 'service_desk';
    /** Field names (or ids, where names repeat) kept off the edit screen. */
    hiddenFields?: string[];
    /** The bot may administer the project (and so suppress notification emails). */
    botAdministers?: boolean;
    /** Field ids the create screen requires, e.g. `components`. */
    requiredOnCreate?: string[];
    /** The transition into Done requires a resolution, as a "Resolve issue" screen does. */
    resolutionOnDone?: boolean;
    components?: string[];
    /**
     * Account ids that may browse the project (absent: whom its scheme grants it to): its own scheme grants Browse
     * Projects to each as a `user` holder.
     */
    browsers?: string[];
    /** The name of a scheme of `permissionSchemes` (absent: Jira's default scheme, unless `browsers` is given). */
    permissionScheme?: string;
    /** Account ids that may edit its issues (absent: everyone who may browse). */
    editors?: string[];
    /** False: the project has its own screens, which the Default Screen does not change (default true). */
    onDefaultScreen?: boolean;
    /** A team-managed project (`style: next-gen`), which the site's screen APIs do not reach. */
    teamManaged?: boolean;
  }[];
  /**
   * Contexts of custom fields (by name or id), each limited to these project keys (absent: global) and issue type
   * names (absent: every type). A field's first context here replaces the global one Jira gave it.
   */
  fieldContexts?: { field: string; name?: string; projects?: string[]; issueTypes?: string[] }[];
  boards?: {
    name: string;
    projectKey: string;
    estimationField?: string;
    type?: 'scrum' | 'kanban';
    /** Left to right, statuses by name; default: To Do, In Progress, Done, each status by its category. */
    columns?: { name: string; statuses: string[] }[];
  }[];
  sprints?: {
    name: string;
    board: string;
    state?: SandboxSprint['state'];
    startDate?: string;
    endDate?: string;
    goal?: string;
  }[];
  /**
   * Permission schemes besides Jira's default, each granting Browse Projects to these holders (and to apps) and
   * everything else as the default does.
   */
  permissionSchemes?: { name: string; browse: SandboxGrantHolder[] }[];
  /** Levels of the site's issue security scheme, before any issue uses them (issues define theirs too). */
  securityLevels?: { name: string; members: string[] }[];
  issues?: (Omit<NewIssueInput, 'description'> & {
    description?: AdfDoc | string | null;
    reporter?: string;
    sprints?: string[];
    /** An issue security level: only these account ids see the issue. */
    securityLevel?: { name: string; members: string[] };
    /** Its creation time, as an import keeps the source's (Jira's `+0000` form); now if absent. */
    created?: string;
  })[];
}

function statusIdOf(name: string): StatusId {
  const status = Object.values(STATUSES).find((known) => known.name.toLowerCase() === name.toLowerCase());
  if (!status) throw new SandboxInputError(`Status '${name}' does not exist`);
  return status.id;
}

export interface SeedResult {
  projects: Record<string, string>;
  boards: Record<string, number>;
  sprints: Record<string, number>;
  issues: { id: string; key: string; summary: string }[];
}

/**
 * Seeding sets up the world before the test. Callers pass a world with a silent webhook outbox, so a test watching
 * deliveries sees only what happens after the seed.
 */
export function applySeed(world: JiraWorld, seed: JiraSeed, toAdf: (text: string) => AdfDoc): SeedResult {
  const { state } = world;
  const result: SeedResult = { projects: {}, boards: {}, sprints: {}, issues: [] };
  for (const name of seed.resolutions ?? [])
    state.resolutions.push({ id: String(10_000 + state.resolutions.length), name, description: '' });
  for (const person of seed.people ?? []) {
    const user: SandboxUser = { ...person, accountType: person.accountType ?? 'atlassian' };
    state.users.set(person.accountId, user);
  }
  const bot = state.users.get(world.botAccountId);
  if (bot && seed.botGroups) bot.groups = [...(bot.groups ?? []), ...seed.botGroups];
  const extra = (seed.fields ?? []).map(({ text, organizations, ...f }) =>
    organizations
      ? { ...f, custom: true, type: 'array', customType: ORGANIZATIONS, items: 'sd-customerorganization' }
      : text
        ? { ...f, custom: true, type: 'string', customType: TEXT_FIELD }
        : { ...f, custom: true, type: 'number', customType: FLOAT },
  );
  if (extra.length > 0) state.fields = [...state.fields, ...extra];
  const schemeIds = new Map<string, number>();
  const addScheme = (name: string, holders: SandboxGrantHolder[]) => {
    const scheme = schemeBrowsedBy(10_000 + state.permissionSchemes.size, name, holders);
    state.permissionSchemes.set(scheme.id, scheme);
    return scheme.id;
  };
  for (const scheme of seed.permissionSchemes ?? [])
    schemeIds.set(scheme.name, addScheme(scheme.name, scheme.browse));
  for (const project of seed.projects ?? []) {
    const id = String(10000 + state.projects.size);
    const named = project.permissionScheme;
    const schemeId = named
      ? schemeIds.get(named)
      : project.browsers
        ? addScheme(
            `${project.key.toUpperCase()} permission scheme`,
            project.browsers.map((accountId) => ({ type: 'user', parameter: accountId, value: accountId })),
          )
        : DEFAULT_PERMISSION_SCHEME.id;
    if (schemeId === undefined) throw new SandboxInputError(`Permission scheme '${named}' does not exist`);
    const hidden = (project.hiddenFields ?? []).map((name) => customField(state, name)?.id ?? name);
    state.projects.set(id, {
      id,
      key: project.key.toUpperCase(),
      name: project.name ?? project.key,
      projectTypeKey: project.projectTypeKey ?? 'software',
      hiddenFieldIds: hidden,
      adminIds: project.botAdministers ? [world.botAccountId] : [],
      requiredOnCreate: project.requiredOnCreate ?? [],
      resolutionOnDone: project.resolutionOnDone ?? false,
      components: project.components ?? [],
      browsers: project.browsers,
      permissionSchemeId: schemeId,
      editors: project.editors,
      onDefaultScreen: !project.teamManaged && (project.onDefaultScreen ?? true),
      teamManaged: project.teamManaged ?? false,
    });
    result.projects[project.key] = id;
  }
  for (const context of seed.fieldContexts ?? []) {
    const field = customField(state, context.field);
    if (!field) throw new SandboxInputError(`Field '${context.field}' does not exist`);
    const projectIds = (context.projects ?? []).map((key) => {
      const project = [...state.projects.values()].find((p) => p.key === key.toUpperCase());
      if (!project) throw new SandboxInputError(`Project '${key}' does not exist`);
      return project.id;
    });
    addContext(state, field.id, {
      name: context.name ?? `${field.name} context`,
      projectIds,
      issueTypeIds: (context.issueTypes ?? []).map(issueTypeId),
    });
  }
  for (const board of seed.boards ?? []) {
    const id = state.nextId.board++;
    // A board may also estimate by a system field (Original estimate, i.e. time).
    const estimation = board.estimationField
      ? (
          customField(state, board.estimationField) ??
          state.fields.find((f) => f.name === board.estimationField)
        )?.id
      : undefined;
    state.boards.set(id, {
      id,
      name: board.name,
      projectKey: board.projectKey.toUpperCase(),
      estimationFieldId: estimation,
      type: board.type ?? 'scrum',
      columns: board.columns
        ? board.columns.map((column) => ({ name: column.name, statusIds: column.statuses.map(statusIdOf) }))
        : defaultColumns(),
    });
    result.boards[board.name] = id;
  }
  for (const sprint of seed.sprints ?? []) {
    const id = state.nextId.sprint++;
    const boardId = result.boards[sprint.board] ?? Number(sprint.board);
    state.sprints.set(id, { ...sprint, id, boardId, state: sprint.state ?? 'future' });
    result.sprints[sprint.name] = id;
  }
  for (const level of [
    ...(seed.securityLevels ?? []),
    ...(seed.issues ?? []).flatMap((issue) => issue.securityLevel ?? []),
  ])
    defineSecurityLevel(state, level);
  for (const input of seed.issues ?? []) {
    const description = typeof input.description === 'string' ? toAdf(input.description) : input.description;
    const issue = createIssue(world, input.reporter ?? world.botAccountId, { ...input, description });
    const sprintIds = (input.sprints ?? []).map((name) => result.sprints[name] ?? Number(name));
    if (sprintIds.length > 0) setSprints(world, issue.reporterId, issue, sprintIds);
    if (input.securityLevel) issue.securityLevel = input.securityLevel;
    if (input.created) issue.created = input.created;
    issue.changelog.length = 0;
    result.issues.push({ id: issue.id, key: issue.key, summary: issue.summary });
  }
  return result;
}
