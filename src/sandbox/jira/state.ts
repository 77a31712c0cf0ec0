import type { AdfDoc } from '../../trackers/jira/adf-types.ts';

export interface SandboxUser {
  accountId: string;
  displayName: string;
  email: string;
  /** `customer`: a Service Management portal customer, who sees public comments only. */
  accountType: 'atlassian' | 'app' | 'customer';
  /** The groups (and project roles, by name, in any project) the person is in: restricted comments show to them. */
  groups?: string[];
}

/** A comment restricted to a group or a project role: Jira shows it (and mails about it) to their members only. */
export interface CommentVisibility {
  type: 'group' | 'role';
  value: string;
  identifier?: string;
}

/** Whether the account reads a comment restricted so: a member of the group or role (the service account too). */
export function inAudience(
  state: JiraState,
  accountId: string,
  visibility: CommentVisibility | undefined,
): boolean {
  return !visibility || (state.users.get(accountId)?.groups?.includes(visibility.value) ?? false);
}

/** Jira's refusal of a comment restricted to a group or role its author is not in (400, `errors.commentLevel`). */
export function notInAudience(visibility: CommentVisibility): string {
  const audience = visibility.type === 'role' ? 'project role' : 'group';
  return `You are currently not a member of the ${audience}: ${visibility.value}.`;
}

export interface SandboxProject {
  id: string;
  key: string;
  name: string;
  projectTypeKey: 'software' | 'service_desk';
  /** Field ids left off the edit screen (editmeta omits them; PUT rejects them). */
  hiddenFieldIds: string[];
  /** Accounts with Administer Projects here: they (and site admins) may send `notifyUsers=false`. */
  adminIds: string[];
  /** Field ids the create screen requires beyond summary (e.g. `components`). */
  requiredOnCreate: string[];
  /** The transition into Done shows a screen that requires a resolution. */
  resolutionOnDone: boolean;
  components: string[];
  /**
   * Accounts granted Browse projects; absent: those its permission scheme grants it to. The service account always
   * has every permission.
   */
  browsers?: string[];
  /** Its permission scheme (Project settings > Permissions), one of `JiraState.permissionSchemes`. */
  permissionSchemeId: number;
  /** Accounts granted Edit issues; absent: everyone who may browse. */
  editors?: string[];
  /**
   * Whether the project's screens are the site's Default Screen (a company-managed project on the default
   * screen scheme): then POST /screens/addToDefault/{fieldId} puts a field on them. Otherwise it has screen
   * schemes and an edit screen of its own (routes-screens.ts).
   */
  onDefaultScreen: boolean;
  /**
   * A team-managed (next-gen) project: its fields live in the project, on no screen or screen scheme the site's
   * screen APIs reach.
   */
  teamManaged: boolean;
}

/** An admin webhook (Settings > System > WebHooks, or /rest/webhooks/1.0/webhook). */
export interface SandboxAdminWebhook {
  id: number;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
}

/** Site administration the doctor reads: permissions, admin webhooks, the clock. */
export interface SiteSetup {
  /** Project permissions the bot lacks, by project key. */
  deniedPermissions: Record<string, string[]>;
  /** Whether the bot has the global ADMINISTER permission (lists and registers admin webhooks). */
  botIsAdmin: boolean;
  /**
   * Reading a project's permission scheme takes Administer Jira or Administer Projects there. The sandbox's
   * service account reads every project's, as on a site set up as connect-jira.md asks, unless this is set: then only
   * as a site admin or the project's admin (403 otherwise).
   */
  permissionSchemesHidden: boolean;
  adminWebhooks: SandboxAdminWebhook[];
  /** Added to the HTTP Date header of every answer. */
  clockSkewMs: number;
  /**
   * How the bulk changelog read dates its histories: Jira's ISO string, or a number as in Atlassian's example for
   * that endpoint (`"created":1492070429`, ten digits: epoch seconds, or a placeholder for milliseconds).
   */
  bulkChangelogCreated: 'iso' | 'epochMillis' | 'epochSeconds';
  /** The bot's API token expired or was revoked: Jira answers its requests as to an anonymous visitor. */
  botTokenExpired: boolean;
  /** The most items one page of each list answers, whatever `maxResults` asks for. */
  pageLimits: PageLimits;
}

/**
 * Jira Cloud overrides a `maxResults` above an endpoint's own limit and answers that many ("Changing maxResults
 * parameter for Jira Cloud REST API", Atlassian KB 779160706: the limits "may change without notice"); a client
 * reads the page it got. Comments 100 (the issue comment endpoint's default and cap, as measured against Cloud),
 * projects 50 (JRACLOUD-84803), Agile board lists 50 (JSWCLOUD-18382), JQL search 100 a page unless only `id` or
 * `key` is asked for, then 5000. The admin lists (screen schemes, field contexts) publish no cap: none unless a
 * test sets one.
 */
export interface PageLimits {
  comments: number;
  projects: number;
  boards: number;
  search: number;
  searchIdsOnly: number;
  admin?: number;
}

export const JIRA_PAGE_LIMITS: PageLimits = {
  comments: 100,
  projects: 50,
  boards: 50,
  search: 100,
  searchIdsOnly: 5000,
};

export interface FieldDef {
  id: string;
  name: string;
  custom: boolean;
  type: string;
  customType?: string;
  /** An array field's item type, as its schema names it (`sd-customerorganization`). */
  items?: string;
  options?: string[];
}

/**
 * A custom field context: where the field exists (Jira settings > Issues > Custom fields > Contexts and default
 * value). No projects: global; no issue types: every type.
 */
export interface SandboxFieldContext {
  id: string;
  name: string;
  description: string;
  projectIds: string[];
  issueTypeIds: string[];
}

export interface ChangeItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  /** Absent on some of Jira's own items: a move's `Key` names no field id. */
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface ChangelogEntry {
  id: string;
  authorId: string;
  created: string;
  items: ChangeItem[];
}

export interface SandboxIssue {
  id: string;
  key: string;
  /** Keys it had in projects it was moved out of: Jira still answers them (REST, JQL, browse) with this issue. */
  formerKeys?: string[];
  projectId: string;
  summary: string;
  description: AdfDoc | null;
  issuetype: string;
  statusId: string;
  /** When the status last moved to another category (Jira's `statuscategorychangedate`). */
  statusCategoryChanged: string;
  priority: string;
  labels: string[];
  reporterId: string;
  created: string;
  updated: string;
  timeoriginalestimate: number | null;
  /** Custom field values by field id: numbers, or the option value of a select. */
  custom: Record<string, number | string | null>;
  sprintIds: number[];
  changelog: ChangelogEntry[];
  resolution: string | null;
  /** When the resolution was set (Jira's `resolutiondate`); cleared with it. */
  resolutionDate?: string | null;
  components: string[];
  /** An issue security level: only these accounts (and the service) see the issue, whatever the project allows. */
  securityLevel?: { name: string; members: string[] };
}

/** A level of the site's issue security scheme (the sandbox has one, for every project). */
export interface SecurityLevel {
  id: string;
  name: string;
  members: string[];
}

export interface SandboxComment {
  id: string;
  issueId: string;
  authorId: string;
  updateAuthorId: string;
  body: AdfDoc;
  created: string;
  updated: string;
  /** Service Management: false (public, `jsdPublic`) unless created with `sd.public.comment` internal. */
  internal: boolean;
  visibility?: CommentVisibility;
  /** The entity properties set on it, by key (`sd.public.comment` as the writes named it). */
  properties?: Record<string, unknown>;
}

export interface SandboxLink {
  id: string;
  typeName: string;
  /** Sub-task and epic links Jira makes itself (`systemLink: true` in link events). */
  system?: boolean;
  /** The issue sent as `inwardIssue`: the one the type's outward phrase belongs to. */
  fromId: string;
  toId: string;
}

/** How each end of a link of the type reads ("This issue blocks BR-2"): the inward and the outward phrase. */
export function linkPhrases(typeName: string): { inward: string; outward: string } {
  return typeName === 'Blocks'
    ? { inward: 'is blocked by', outward: 'blocks' }
    : { inward: 'relates to', outward: 'relates to' };
}

export interface SandboxRemoteLink {
  id: number;
  issueId: string;
  globalId?: string;
  relationship?: string;
  object: { url: string; title: string };
}

/** A column of a board and the statuses mapped to it (an unmapped status shows in no column). */
export interface BoardColumn {
  name: string;
  statusIds: StatusId[];
}

export interface SandboxBoard {
  id: number;
  name: string;
  projectKey: string;
  estimationFieldId?: string;
  /** A kanban board has no sprints: the Agile API answers 400 to a question about them. */
  type: 'scrum' | 'kanban';
  /** Left to right. Jira's "Done" column is the last one with statuses mapped to it, whatever their category. */
  columns: BoardColumn[];
}

export interface SandboxSprint {
  id: number;
  name: string;
  state: 'future' | 'active' | 'closed';
  boardId: number;
  startDate?: string;
  endDate?: string;
  completeDate?: string;
  goal?: string;
}

/** One notification email Jira would send: what tests look at to see who was told what. */
export interface SentEmail {
  to: string;
  issueKey: string;
  /** `updated`: a field, label or description edit; `comment`; `customer-comment`: a public JSM comment. */
  kind: 'updated' | 'comment' | 'customer-comment';
}

/**
 * A permission grant's holder as Jira's permission schemes answer it: `anyone`, `applicationRole` (no parameter:
 * any logged-in user), `group` (parameter: its name, value: its id), `user` (an account id), `projectRole` (a role
 * id), `reporter`, `assignee`, `projectLead`...
 */
export interface SandboxGrantHolder {
  type: string;
  parameter?: string;
  value?: string;
}

export interface SandboxPermissionScheme {
  id: number;
  name: string;
  description: string;
  grants: { id: number; permission: string; holder: SandboxGrantHolder }[];
}

export interface JiraState {
  users: Map<string, SandboxUser>;
  projects: Map<string, SandboxProject>;
  /** By id; every project has Jira's default scheme unless its seed gave it another. */
  permissionSchemes: Map<number, SandboxPermissionScheme>;
  fields: FieldDef[];
  /** The security levels seeded, in order; an issue given another one by a test defines it by using it. */
  securityLevels: SecurityLevel[];
  /** Contexts by field id, for fields someone set them on; any other custom field has Jira's default one. */
  fieldContexts: Map<string, SandboxFieldContext[]>;
  issues: Map<string, SandboxIssue>;
  /** Keys of deleted issues (and those they had before a move): Jira gives none of them to a new issue. */
  deletedKeys: string[];
  comments: SandboxComment[];
  links: SandboxLink[];
  remoteLinks: SandboxRemoteLink[];
  boards: Map<number, SandboxBoard>;
  sprints: Map<number, SandboxSprint>;
  emails: SentEmail[];
  /** The site's resolutions (Jira settings > Issues > Resolutions): Jira's defaults, then any a seed adds. */
  resolutions: { id: string; name: string; description: string }[];
  setup: SiteSetup;
  nextId: {
    issue: number;
    comment: number;
    link: number;
    remote: number;
    changelog: number;
    sprint: number;
    board: number;
    field: number;
    context: number;
    webhook: number;
  };
}

export const STATUSES = {
  '10000': {
    id: '10000',
    name: 'To Do',
    category: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  },
  '3': {
    id: '3',
    name: 'In Progress',
    category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  },
  '10001': { id: '10001', name: 'Done', category: { id: 3, key: 'done', colorName: 'green', name: 'Done' } },
  // Steps teams add around Done: checked by QA (still in progress by category), and shipped (done, after Done).
  '10002': {
    id: '10002',
    name: 'Verified',
    category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  },
  '10003': {
    id: '10003',
    name: 'Released',
    category: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
  },
} as const;
export type StatusId = keyof typeof STATUSES;

/**
 * The workflow: To Do → In Progress → Done, and back one step at a time; In Progress → Verified → Done on the way,
 * Done → Released after it.
 */
export const TRANSITIONS: Record<StatusId, { id: string; name: string; to: StatusId }[]> = {
  '10000': [{ id: '21', name: 'Start progress', to: '3' }],
  '3': [
    { id: '11', name: 'Stop progress', to: '10000' },
    { id: '31', name: 'Done', to: '10001' },
    { id: '51', name: 'Verify', to: '10002' },
  ],
  '10001': [
    { id: '41', name: 'Reopen', to: '3' },
    { id: '71', name: 'Release', to: '10003' },
  ],
  '10002': [
    { id: '61', name: 'Done', to: '10001' },
    { id: '81', name: 'Reject', to: '3' },
  ],
  '10003': [{ id: '91', name: 'Reopen', to: '3' }],
};

/** A new board's columns: each status in the column of its category, as Jira maps a project's statuses. */
export function defaultColumns(): BoardColumn[] {
  const of = (key: string) =>
    Object.values(STATUSES)
      .filter((status) => status.category.key === key)
      .map((status) => status.id);
  return [
    { name: 'To Do', statusIds: of('new') },
    { name: 'In Progress', statusIds: of('indeterminate') },
    { name: 'Done', statusIds: of('done') },
  ];
}

/** The statuses of the board's "Done" column: the last one with statuses mapped to it. */
export function doneColumnStatuses(board: SandboxBoard | undefined): readonly StatusId[] {
  return board?.columns.findLast((column) => column.statusIds.length > 0)?.statusIds ?? [];
}

export const SPRINT_FIELD_ID = 'customfield_10020';
export const FLOAT = 'com.atlassian.jira.plugin.system.customfieldtypes:float';
/**
 * Jira Service Management's Organizations field: an array of `{ id, name, _links }`, one per organization the
 * request is shared with (a customer may belong to several). The store keeps the names, one a line.
 */
export const ORGANIZATIONS = 'com.atlassian.servicedesk:sd-customer-organizations';

export const DEFAULT_FIELDS: FieldDef[] = [
  { id: 'summary', name: 'Summary', custom: false, type: 'string' },
  { id: 'description', name: 'Description', custom: false, type: 'string' },
  { id: 'issuetype', name: 'Issue Type', custom: false, type: 'issuetype' },
  { id: 'status', name: 'Status', custom: false, type: 'status' },
  { id: 'priority', name: 'Priority', custom: false, type: 'priority' },
  { id: 'labels', name: 'Labels', custom: false, type: 'array' },
  { id: 'project', name: 'Project', custom: false, type: 'project' },
  { id: 'reporter', name: 'Reporter', custom: false, type: 'user' },
  { id: 'issuelinks', name: 'Linked Issues', custom: false, type: 'array' },
  { id: 'created', name: 'Created', custom: false, type: 'datetime' },
  { id: 'updated', name: 'Updated', custom: false, type: 'datetime' },
  { id: 'timeoriginalestimate', name: 'Original estimate', custom: false, type: 'number' },
  { id: 'resolution', name: 'Resolution', custom: false, type: 'resolution' },
  { id: 'components', name: 'Component/s', custom: false, type: 'array' },
  { id: 'customfield_10016', name: 'Story Points', custom: true, type: 'number', customType: FLOAT },
  {
    id: SPRINT_FIELD_ID,
    name: 'Sprint',
    custom: true,
    type: 'array',
    customType: 'com.pyxis.greenhopper.jira:gh-sprint',
  },
  { id: 'customfield_10050', name: 'Impact', custom: true, type: 'number', customType: FLOAT },
  { id: 'customfield_10051', name: 'Effort', custom: true, type: 'number', customType: FLOAT },
  { id: 'customfield_10052', name: 'Priority score', custom: true, type: 'number', customType: FLOAT },
  { id: 'customfield_10053', name: 'Reach', custom: true, type: 'number', customType: FLOAT },
  { id: 'customfield_10054', name: 'Confidence', custom: true, type: 'number', customType: FLOAT },
  {
    id: 'customfield_10060',
    name: 'Severity',
    custom: true,
    type: 'option',
    customType: 'com.atlassian.jira.plugin.system.customfieldtypes:select',
    options: ['Blocker', 'Critical', 'Major', 'Minor'],
  },
];

/** Jira Cloud's project role ids: Administrators, and the role every installed app's account is in. */
export const ADMINISTRATORS_ROLE = '10002';
export const ADDONS_ROLE = '10003';

/** The site's project roles, by id, as Jira describes them. */
export const PROJECT_ROLES: Record<string, { name: string; description: string }> = {
  [ADMINISTRATORS_ROLE]: {
    name: 'Administrators',
    description: 'A project role that represents administrators in a project',
  },
  [ADDONS_ROLE]: {
    name: 'atlassian-addons-project-access',
    description:
      'A project role that represents Connect add-ons declaring a scope that requires more than read issue permissions',
  },
};

const grants = (entries: [string, SandboxGrantHolder][]): SandboxPermissionScheme['grants'] =>
  entries.map(([permission, holder], index) => ({ id: 10_000 + index, permission, holder }));

/**
 * A company-managed software project's scheme on a new Cloud site, in part: Browse Projects and the everyday
 * permissions for any logged-in user (an `applicationRole` with no parameter), apps through their project role,
 * administration for the Administrators role.
 */
export const DEFAULT_PERMISSION_SCHEME: SandboxPermissionScheme = {
  id: 0,
  name: 'Default software scheme',
  description: 'Default software scheme',
  grants: grants([
    ['BROWSE_PROJECTS', { type: 'applicationRole' }],
    ['BROWSE_PROJECTS', { type: 'projectRole', parameter: ADDONS_ROLE, value: ADDONS_ROLE }],
    ['CREATE_ISSUES', { type: 'applicationRole' }],
    ['EDIT_ISSUES', { type: 'applicationRole' }],
    ['ADD_COMMENTS', { type: 'applicationRole' }],
    ['LINK_ISSUES', { type: 'applicationRole' }],
    ['TRANSITION_ISSUES', { type: 'applicationRole' }],
    [
      'ADMINISTER_PROJECTS',
      { type: 'projectRole', parameter: ADMINISTRATORS_ROLE, value: ADMINISTRATORS_ROLE },
    ],
  ]),
};

/** A scheme like the default whose Browse Projects goes to these holders only (and to apps). */
export function schemeBrowsedBy(
  id: number,
  name: string,
  holders: SandboxGrantHolder[],
): SandboxPermissionScheme {
  const others = DEFAULT_PERMISSION_SCHEME.grants.filter((grant) => grant.permission !== 'BROWSE_PROJECTS');
  const browse: [string, SandboxGrantHolder][] = [
    ...holders.map((holder): [string, SandboxGrantHolder] => ['BROWSE_PROJECTS', holder]),
    ['BROWSE_PROJECTS', { type: 'projectRole', parameter: ADDONS_ROLE, value: ADDONS_ROLE }],
    ...others.map((grant): [string, SandboxGrantHolder] => [grant.permission, grant.holder]),
  ];
  return { id, name, description: '', grants: grants(browse) };
}

export function createState(bot: SandboxUser): JiraState {
  return {
    users: new Map([[bot.accountId, bot]]),
    projects: new Map(),
    permissionSchemes: new Map([[DEFAULT_PERMISSION_SCHEME.id, structuredClone(DEFAULT_PERMISSION_SCHEME)]]),
    fields: [...DEFAULT_FIELDS],
    securityLevels: [],
    fieldContexts: new Map(),
    issues: new Map(),
    deletedKeys: [],
    comments: [],
    links: [],
    remoteLinks: [],
    boards: new Map(),
    sprints: new Map(),
    emails: [],
    resolutions: [...RESOLUTIONS],
    setup: {
      deniedPermissions: {},
      botIsAdmin: false,
      permissionSchemesHidden: false,
      adminWebhooks: [],
      clockSkewMs: 0,
      bulkChangelogCreated: 'iso',
      botTokenExpired: false,
      pageLimits: { ...JIRA_PAGE_LIMITS },
    },
    nextId: {
      issue: 10001,
      comment: 10001,
      link: 10001,
      remote: 10001,
      changelog: 10001,
      sprint: 1,
      board: 1,
      field: 10100,
      context: 10200,
      webhook: 1,
    },
  };
}

export function findIssue(state: JiraState, idOrKey: string): SandboxIssue | undefined {
  const byId = state.issues.get(idOrKey);
  if (byId) return byId;
  const upper = idOrKey.toUpperCase();
  for (const issue of state.issues.values()) if (issue.key === upper) return issue;
  for (const issue of state.issues.values()) if (issue.formerKeys?.includes(upper)) return issue;
  return undefined;
}

/** Whether the issue has, or had before a move, this key. */
export const hasKey = (issue: SandboxIssue, key: string): boolean =>
  issue.key === key || (issue.formerKeys?.includes(key) ?? false);

/**
 * A project's next issue number: Jira never gives a key twice, also one an issue took with it when moved out, or
 * a deleted issue's.
 */
export function nextIssueNumber(state: JiraState, project: SandboxProject): number {
  const prefix = `${project.key}-`;
  let last = 0;
  const keys = [...state.issues.values()].flatMap((issue) => [issue.key, ...(issue.formerKeys ?? [])]);
  for (const key of [...keys, ...state.deletedKeys])
    if (key.startsWith(prefix)) last = Math.max(last, Number(key.slice(prefix.length)));
  return last + 1;
}

/** The issue's sub-tasks: the issues Jira's own sub-task link leads to from it. */
export const subtasksOf = (state: JiraState, issue: SandboxIssue): SandboxIssue[] =>
  state.links.flatMap((link) =>
    link.system && link.typeName === 'jira_subtask_link' && link.fromId === issue.id
      ? (state.issues.get(link.toId) ?? [])
      : [],
  );

export const RESOLUTIONS = [
  { id: '10000', name: 'Done', description: 'Work has been completed on this issue.' },
  { id: '10001', name: "Won't Do", description: "This issue won't be actioned." },
  { id: '10002', name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.' },
];

/** Jira's answer to a comment or rich-text field longer than it stores (its limit counts characters). */
export const TEXT_LIMIT = 32_767;
export const TOO_LONG = 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.';

/** Measured on the stored document, so a client that measures its ADF the same way never gets the 400. */
export const tooLong = (doc: unknown): boolean =>
  doc !== undefined && doc !== null && JSON.stringify(doc).length > TEXT_LIMIT;

/** Jira's answer to a summary it cannot store: one line of at most 255 characters. */
export function summaryError(summary: unknown): { summary: string } | undefined {
  if (typeof summary !== 'string') return undefined;
  if (summary.length > 255) return { summary: "Summary can't exceed 255 characters." };
  if (/[\r\n]/.test(summary))
    return { summary: 'The summary is invalid because it contains newline characters.' };
  return undefined;
}

export function customField(state: JiraState, nameOrId: string): FieldDef | undefined {
  const lower = nameOrId.toLowerCase();
  return state.fields.find((f) => f.custom && (f.id === nameOrId || f.name.toLowerCase() === lower));
}

export function projectOf(state: JiraState, issue: SandboxIssue): SandboxProject {
  const project = state.projects.get(issue.projectId);
  if (!project) throw new Error(`Sandbox issue ${issue.key} has no project`);
  return project;
}

/** Jira's timestamp format: 2026-03-02T10:15:00.000+0000. */
/** The levels there are, numbered from 10000 in order of definition: seeded first, then by first use on an issue. */
export function securityLevels(state: JiraState): SecurityLevel[] {
  const levels = [...state.securityLevels];
  for (const { securityLevel: level } of state.issues.values())
    if (level && !levels.some((known) => known.name === level.name))
      levels.push({ ...level, id: String(10000 + levels.length) });
  return levels;
}

/** Defines a level the first time its name is seeded; later mentions of the name are the same level. */
export function defineSecurityLevel(state: JiraState, level: Omit<SecurityLevel, 'id'>): void {
  if (state.securityLevels.some((known) => known.name === level.name)) return;
  state.securityLevels.push({ ...level, id: String(10000 + state.securityLevels.length) });
}

export function jiraDate(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}
