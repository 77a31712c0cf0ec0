import type { AdfDoc } from '../../trackers/jira/adf-types.ts';
import { adfToWiki } from './adf-wiki.ts';
import { emitCommentEvent, emitIssueDeleted, emitIssueEvent, emitLinkEvent } from './events.ts';
import {
  type ChangeItem,
  type ChangelogEntry,
  customField,
  jiraDate,
  nextIssueNumber,
  type SandboxIssue,
  type SecurityLevel,
  SPRINT_FIELD_ID,
  STATUSES,
  type StatusId,
  securityLevels,
  subtasksOf,
  TRANSITIONS,
} from './state.ts';
import type { JiraWorld } from './world.ts';

export interface NewIssueInput {
  projectKey: string;
  summary: string;
  description?: AdfDoc | null;
  issuetype?: string;
  priority?: string;
  labels?: string[];
  /** Custom field values by field id or display name. */
  fields?: Record<string, number | string | null>;
  statusName?: string;
  timeoriginalestimate?: number | null;
  components?: string[];
  /** Created into this sprint, as the board's inline create does: the Sprint field is set, no changelog says so. */
  sprintId?: number;
}

export class SandboxInputError extends Error {}

/** One history of the issue's changelog, by the account that made the change. */
export function appendHistory(
  world: JiraWorld,
  actorId: string,
  issue: SandboxIssue,
  items: ChangeItem[],
): ChangelogEntry {
  const entry = {
    id: String(world.state.nextId.changelog++),
    authorId: actorId,
    created: jiraDate(world.now()),
    items,
  };
  issue.changelog.push(entry);
  return entry;
}

function record(
  world: JiraWorld,
  actorId: string,
  issue: SandboxIssue,
  items: ChangeItem[],
  typeName: string,
) {
  if (items.length === 0) return;
  const entry = appendHistory(world, actorId, issue, items);
  issue.updated = entry.created;
  emitIssueEvent(world, 'jira:issue_updated', typeName, actorId, issue, {
    changelog: { id: entry.id, items },
  });
}

const text = (value: number | string | null | undefined): string | null =>
  value === null || value === undefined ? null : String(value);

export function resolveCustom(world: JiraWorld, values: Record<string, number | string | null>) {
  return Object.entries(values).map(([nameOrId, value]) => {
    const field = customField(world.state, nameOrId);
    if (!field) throw new SandboxInputError(`Field '${nameOrId}' does not exist`);
    if (field.type === 'number' && value !== null && typeof value !== 'number') {
      throw new SandboxInputError(`Field '${field.name}' takes a number`);
    }
    if (field.type === 'option' && value !== null && !field.options?.includes(String(value))) {
      throw new SandboxInputError(`Option value '${String(value)}' is not valid for field '${field.name}'`);
    }
    return { field, value };
  });
}

export function createIssue(world: JiraWorld, actorId: string, input: NewIssueInput): SandboxIssue {
  const project = [...world.state.projects.values()].find((p) => p.key === input.projectKey.toUpperCase());
  if (!project) throw new SandboxInputError(`Project '${input.projectKey}' does not exist`);
  const number = nextIssueNumber(world.state, project);
  const status = Object.values(STATUSES).find(
    (s) => s.name.toLowerCase() === (input.statusName ?? 'To Do').toLowerCase(),
  );
  if (input.sprintId !== undefined && world.state.sprints.get(input.sprintId)?.state === undefined)
    throw new SandboxInputError(`Sprint ${input.sprintId} does not exist`);
  const id = String(world.state.nextId.issue++);
  const now = jiraDate(world.now());
  const custom: SandboxIssue['custom'] = {};
  for (const { field, value } of resolveCustom(world, input.fields ?? {})) custom[field.id] = value;
  const issue: SandboxIssue = {
    id,
    key: `${project.key}-${number}`,
    projectId: project.id,
    summary: input.summary,
    description: input.description ?? null,
    issuetype: input.issuetype ?? 'Story',
    statusId: status?.id ?? '10000',
    statusCategoryChanged: now,
    priority: input.priority ?? 'Medium',
    labels: [...(input.labels ?? [])],
    reporterId: actorId,
    created: now,
    updated: now,
    timeoriginalestimate: input.timeoriginalestimate ?? null,
    custom,
    sprintIds: input.sprintId === undefined ? [] : [input.sprintId],
    changelog: [],
    resolution: null,
    components: [...(input.components ?? [])],
  };
  world.state.issues.set(id, issue);
  world.ledger.record({ item: issue.key, actor: actorId, kind: 'item.created' });
  emitIssueEvent(world, 'jira:issue_created', 'issue_created', actorId, issue);
  return issue;
}

export interface IssueEdit {
  summary?: string;
  description?: AdfDoc | null;
  fields?: Record<string, number | string | null>;
  addLabels?: string[];
  removeLabels?: string[];
  /** The id of the issue security level to set (`fields.security.id`); null removes the level. */
  security?: string | null;
}

/** The level an edit sets, or undefined when it removes it; a level the site does not have is bad input. */
export function securityLevelOf(world: JiraWorld, id: string | null): SecurityLevel | undefined {
  if (id === null) return undefined;
  const level = securityLevels(world.state).find((known) => known.id === id);
  if (!level) throw new SandboxInputError(`Security level with id '${id}' does not exist.`);
  return level;
}

/** Jira's change item for a security level: ids in from/to, names in the strings, as for status or project. */
function securityChange(
  world: JiraWorld,
  issue: SandboxIssue,
  to: SecurityLevel | undefined,
): ChangeItem | undefined {
  const name = issue.securityLevel?.name;
  const from = securityLevels(world.state).find((known) => known.name === name);
  if (from?.id === to?.id) return undefined;
  if (to) issue.securityLevel = { name: to.name, members: to.members };
  else delete issue.securityLevel;
  return {
    field: 'security',
    fieldtype: 'jira',
    fieldId: 'security',
    from: from?.id ?? null,
    fromString: from?.name ?? null,
    to: to?.id ?? null,
    toString: to?.name ?? null,
  };
}

export function editIssue(
  world: JiraWorld,
  actorId: string,
  issue: SandboxIssue,
  edit: IssueEdit,
): ChangeItem[] {
  const items: ChangeItem[] = [];
  // Read first, so an unknown level is refused before anything of the edit is applied.
  const level = edit.security === undefined ? undefined : { to: securityLevelOf(world, edit.security) };
  const jira = (field: string, from: string | null, to: string | null): ChangeItem => ({
    field,
    fieldtype: 'jira',
    fieldId: field,
    from: null,
    fromString: from,
    to: null,
    toString: to,
  });
  if (edit.summary !== undefined && edit.summary !== issue.summary) {
    items.push(jira('summary', issue.summary, edit.summary));
    issue.summary = edit.summary;
  }
  if (
    edit.description !== undefined &&
    JSON.stringify(edit.description) !== JSON.stringify(issue.description)
  ) {
    const wiki = (doc: AdfDoc | null) => (doc ? adfToWiki(doc) : null);
    items.push(jira('description', wiki(issue.description), wiki(edit.description)));
    issue.description = edit.description;
  }
  for (const { field, value } of resolveCustom(world, edit.fields ?? {})) {
    const before = issue.custom[field.id] ?? null;
    if (before === value) continue;
    items.push({
      field: field.name,
      fieldtype: 'custom',
      fieldId: field.id,
      from: null,
      fromString: text(before),
      to: null,
      toString: text(value),
    });
    issue.custom[field.id] = value;
  }
  const labels = issue.labels.filter((l) => !(edit.removeLabels ?? []).includes(l));
  for (const label of edit.addLabels ?? []) if (!labels.includes(label)) labels.push(label);
  if (labels.join(' ') !== issue.labels.join(' ')) {
    items.push(jira('labels', issue.labels.join(' '), labels.join(' ')));
    issue.labels = labels;
  }
  const security = level && securityChange(world, issue, level.to);
  if (security) items.push(security);
  for (const item of items) world.ledger.record(editEffect(issue, actorId, item));
  if (items.length === 0) world.ledger.record({ item: issue.key, actor: actorId, kind: 'unchanged' });
  record(world, actorId, issue, items, 'issue_updated');
  return items;
}

function editEffect(issue: SandboxIssue, actor: string, change: ChangeItem) {
  const kind =
    change.fieldtype === 'custom' || change.field === 'security'
      ? 'field.set'
      : change.field === 'labels'
        ? 'labels.set'
        : change.field === 'summary'
          ? 'summary.set'
          : 'description.set';
  return { item: issue.key, actor, kind, target: change.field, value: change.toString } as const;
}

export function transitionIssue(
  world: JiraWorld,
  actorId: string,
  issue: SandboxIssue,
  transitionId: string,
  resolution?: string,
): void {
  const transition = TRANSITIONS[issue.statusId as StatusId].find((t) => t.id === transitionId);
  if (!transition)
    throw new SandboxInputError(`Transition id '${transitionId}' is not valid for this issue.`);
  const from = STATUSES[issue.statusId as StatusId];
  const to = STATUSES[transition.to];
  issue.statusId = to.id;
  if (from.category.key !== to.category.key) issue.statusCategoryChanged = jiraDate(world.now());
  // Done carries a resolution (the one given, else Jira's default post-function sets Done), kept on the way to
  // Released; leaving the Done category clears it.
  const resolved = issue.resolution;
  issue.resolution = to.category.key === 'done' ? (resolution ?? issue.resolution ?? 'Done') : null;
  if (issue.resolution === null) issue.resolutionDate = null;
  else if (issue.resolution !== resolved) issue.resolutionDate = jiraDate(world.now());
  const item: ChangeItem = {
    field: 'status',
    fieldtype: 'jira',
    fieldId: 'status',
    from: from.id,
    fromString: from.name,
    to: to.id,
    toString: to.name,
  };
  world.ledger.record({ item: issue.key, actor: actorId, kind: 'status.set', value: to.name });
  record(world, actorId, issue, [item], 'issue_generic');
}

/**
 * "Move" to another project: a new key there (the old one keeps answering), and one `issue_moved` update whose
 * changelog has Jira's `Key` item (no field id) and its `project` item (ids and names).
 */
export function moveIssue(world: JiraWorld, actorId: string, issue: SandboxIssue, projectKey: string): void {
  const { state } = world;
  const to = [...state.projects.values()].find((p) => p.key === projectKey.toUpperCase());
  if (!to) throw new SandboxInputError(`Project '${projectKey}' does not exist`);
  const from = state.projects.get(issue.projectId);
  if (!from || from.id === to.id) throw new SandboxInputError(`${issue.key} is in ${to.key} already`);
  const oldKey = issue.key;
  issue.key = `${to.key}-${nextIssueNumber(state, to)}`;
  issue.formerKeys = [...(issue.formerKeys ?? []), oldKey];
  issue.projectId = to.id;
  const items: ChangeItem[] = [
    { field: 'Key', fieldtype: 'jira', from: null, fromString: oldKey, to: null, toString: issue.key },
    {
      field: 'project',
      fieldtype: 'jira',
      fieldId: 'project',
      from: from.id,
      fromString: from.name,
      to: to.id,
      toString: to.name,
    },
  ];
  world.ledger.record({
    item: issue.key,
    actor: actorId,
    kind: 'project.set',
    target: oldKey,
    value: to.key,
  });
  record(world, actorId, issue, items, 'issue_moved');
}

/** Sets the Sprint field; the changelog keeps ids and names the way Jira writes them ("37, 38"). */
export function setSprints(
  world: JiraWorld,
  actorId: string,
  issue: SandboxIssue,
  sprintIds: number[],
): void {
  const names = (ids: number[]) =>
    ids.map((id) => world.state.sprints.get(id)?.name ?? String(id)).join(', ');
  if (sprintIds.join() === issue.sprintIds.join()) return;
  const item: ChangeItem = {
    field: 'Sprint',
    fieldtype: 'custom',
    fieldId: SPRINT_FIELD_ID,
    from: issue.sprintIds.join(', '),
    fromString: names(issue.sprintIds),
    to: sprintIds.join(', '),
    toString: names(sprintIds),
  };
  issue.sprintIds = [...sprintIds];
  world.ledger.record({ item: issue.key, actor: actorId, kind: 'sprint.set', value: [...sprintIds] });
  record(world, actorId, issue, [item], 'issue_updated');
}

/**
 * Deletes an issue as `DELETE /rest/api/3/issue/{issueIdOrKey}` does: refused while it has sub-tasks unless they go
 * too, each sub-task first, each with its own `jira:issue_deleted`. Its comments, issue links and remote links go
 * with it: each comment's `comment_deleted`, then each issue link's `issuelink_deleted`, follows as a secondary
 * delivery (`X-Atlassian-Webhook-Flow: Secondary`); remote links send nothing.
 */
export function deleteIssue(
  world: JiraWorld,
  actorId: string,
  issue: SandboxIssue,
  { deleteSubtasks = false }: { deleteSubtasks?: boolean } = {},
): void {
  const { state } = world;
  const subtasks = subtasksOf(state, issue);
  if (subtasks.length > 0 && !deleteSubtasks)
    throw new SandboxInputError(
      `Issue (${issue.key}) has subtasks. You must specify the 'deleteSubtasks' parameter to delete this issue and all its subtasks.`,
    );
  for (const subtask of subtasks) deleteIssue(world, actorId, subtask);
  // The delivery shows the issue as it was, links included.
  emitIssueDeleted(world, actorId, issue);
  for (const comment of state.comments.filter((c) => c.issueId === issue.id))
    emitCommentEvent(world, 'comment_deleted', comment, issue, 'Secondary');
  for (const link of state.links.filter((l) => l.fromId === issue.id || l.toId === issue.id))
    emitLinkEvent(world, 'issuelink_deleted', link, 'Secondary');
  state.issues.delete(issue.id);
  state.deletedKeys.push(issue.key, ...(issue.formerKeys ?? []));
  state.comments = state.comments.filter((c) => c.issueId !== issue.id);
  state.links = state.links.filter((l) => l.fromId !== issue.id && l.toId !== issue.id);
  state.remoteLinks = state.remoteLinks.filter((l) => l.issueId !== issue.id);
  world.ledger.record({ item: issue.key, actor: actorId, kind: 'item.deleted' });
}
