import type { ItemRef } from '../../domain/events.ts';
import type { ItemLink, Sprint, StatusCategory, TrackerItem } from '../tracker.ts';
import { adfDescriptionText, adfToPlainText } from './adf-text.ts';
import { isAdfDoc } from './adf-types.ts';
import type { FieldIndex } from './jira-fields.ts';

export interface RawIssue {
  id?: string;
  key?: string;
  fields?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj => (typeof value === 'object' && value !== null ? (value as Obj) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Fields already mapped to their own TrackerItem property, or not scalar in any useful way. */
const MAPPED = new Set([
  'summary',
  'description',
  'issuetype',
  'status',
  'project',
  'labels',
  'priority',
  'issuelinks',
  'reporter',
  'created',
  'updated',
  'comment',
  'attachment',
  'worklog',
  'watches',
  'subtasks',
  'issuerestriction',
  'timetracking',
  'statusCategory',
  'security',
]);

export const STORY_POINT_NAMES = ['story points', 'story point estimate'];

const CATEGORY: Record<string, StatusCategory> = { new: 'todo', indeterminate: 'in_progress', done: 'done' };

/** A Jira status category key as ours; undefined for one Jira has no meaning for (`undefined`). */
export const categoryOf = (key: string | undefined): StatusCategory | undefined =>
  key === undefined ? undefined : CATEGORY[key];

export function jiraRef(id: string, key: string): ItemRef {
  return { tracker: 'jira', id, key };
}

function scalar(value: unknown): string | number | boolean | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (isAdfDoc(value)) return adfToPlainText(value);
  if (Array.isArray(value)) {
    const parts = value.map(scalar).filter((v) => v !== undefined && v !== null);
    return parts.length === value.length ? parts.join(', ') : undefined;
  }
  const o = obj(value);
  return str(o.value) ?? str(o.displayName) ?? str(o.name) ?? undefined;
}

function toLinks(raw: unknown, siteUrl: string): ItemLink[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry): ItemLink[] => {
    const link = obj(entry);
    const type = str(obj(link.type).name) ?? 'Relates';
    const outward = link.outwardIssue !== undefined;
    const other = obj(outward ? link.outwardIssue : link.inwardIssue);
    const id = str(other.id);
    const key = str(other.key);
    if (!id || !key) return [];
    const linkId = str(link.id);
    return [
      {
        ...(linkId && { id: linkId }),
        type,
        direction: outward ? 'outward' : 'inward',
        target: {
          kind: 'item',
          ref: jiraRef(id, key),
          url: `${siteUrl}/browse/${key}`,
          title: str(obj(other.fields).summary) ?? key,
        },
      },
    ];
  });
}

export const SPRINT_STATES: ReadonlySet<string> = new Set(['future', 'active', 'closed']);

/** The Sprint field's value: one object per sprint (id, name, state…), closed sprints included. */
function toSprints(raw: unknown): NonNullable<TrackerItem['sprints']> {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry) => {
    const sprint = obj(entry);
    const id = sprint.id;
    const state = str(sprint.state)?.toLowerCase();
    if ((typeof id !== 'number' && typeof id !== 'string') || !state || !SPRINT_STATES.has(state)) return [];
    return [{ id: String(id), name: str(sprint.name) ?? String(id), state: state as Sprint['state'] }];
  });
}

function isoDate(value: unknown): string {
  const text = str(value) ?? '';
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? text : new Date(parsed).toISOString();
}

/**
 * Maps a REST issue (all fields) to the tracker-agnostic item; custom fields are keyed by display name. Story
 * points come from the board's estimation field when the caller knows it, else from the usual field names.
 */
export function toTrackerItem(
  issue: RawIssue,
  index: FieldIndex,
  siteUrl: string,
  estimationFieldId?: string,
): TrackerItem {
  const f = issue.fields ?? {};
  const id = issue.id ?? '';
  const key = issue.key ?? id;
  const status = obj(f.status);
  const project = obj(f.project);
  const fields: TrackerItem['fields'] = {};
  const fieldLists: Record<string, string[]> = {};
  for (const [fieldId, value] of Object.entries(f)) {
    if (MAPPED.has(fieldId)) continue;
    const name = index.byId.get(fieldId)?.name;
    const converted = scalar(value);
    if (name && converted !== undefined) fields[name] = converted;
    const parts = Array.isArray(value) ? value.map(scalar) : [];
    if (name && parts.length > 1 && parts.every((part) => typeof part === 'string'))
      fieldLists[name] = parts as string[];
  }
  const pointFields = [estimationFieldId, ...STORY_POINT_NAMES.map((n) => index.byName.get(n)?.id)];
  const storyPoints = pointFields
    .map((fieldId) => (fieldId ? f[fieldId] : undefined))
    .find((v): v is number => typeof v === 'number');
  const originalSeconds = f.timeoriginalestimate;
  const reporter = obj(f.reporter);
  const categorySince = str(f.statuscategorychangedate);
  const sprintField = index.byName.get('sprint')?.id;
  const sprints = sprintField ? toSprints(f[sprintField]) : [];
  const resolution = str(obj(f.resolution).name);
  const resolvedAt = str(f.resolutiondate);
  return {
    ref: jiraRef(id, key),
    url: `${siteUrl}/browse/${key}`,
    title: str(f.summary) ?? '',
    description: isAdfDoc(f.description) ? adfDescriptionText(f.description) : (str(f.description) ?? ''),
    type: str(obj(f.issuetype).name),
    status: {
      ...(str(status.id) && { id: str(status.id) }),
      name: str(status.name) ?? '',
      category: categoryOf(str(obj(status.statusCategory).key)) ?? 'todo',
      ...(categorySince && { categorySince: isoDate(categorySince) }),
    },
    container: {
      id: str(project.id) ?? '',
      key: str(project.key) ?? '',
      projectType: str(project.projectTypeKey),
    },
    labels: Array.isArray(f.labels) ? f.labels.filter((l): l is string => typeof l === 'string') : [],
    priority: str(obj(f.priority).name),
    fields,
    ...(Object.keys(fieldLists).length > 0 && { fieldLists }),
    estimate: {
      ...(storyPoints !== undefined && { storyPoints }),
      ...(typeof originalSeconds === 'number' && { originalEstimateHours: originalSeconds / 3600 }),
    },
    links: toLinks(f.issuelinks, siteUrl),
    ...(sprints.length > 0 && { sprints }),
    ...(resolution && { resolution: { name: resolution, ...(resolvedAt && { at: isoDate(resolvedAt) }) } }),
    ...(typeof f.security === 'object' && f.security !== null && { restricted: true as const }),
    checklists: [],
    // A deleted user's corrupted record answers "unknown" for every such account: it tells no one apart.
    reporter:
      str(reporter.accountId) && reporter.accountId !== 'unknown'
        ? {
            id: str(reporter.accountId) ?? '',
            displayName: str(reporter.displayName) ?? '',
            ...(reporter.accountType === 'app' && { app: true }),
          }
        : undefined,
    createdAt: isoDate(f.created),
    updatedAt: isoDate(f.updated),
  };
}
