import { SearchResultsSchema, SoftwareIssueResultsSchema } from 'jira.js/agile';
import type { ItemRef } from '../../domain/events.ts';
import { ErrorKind, TrackerError } from '../../errors.ts';
import type {
  BoardConfiguration,
  EstimateChange,
  ItemHistory,
  Sprint,
  SprintFieldChange,
  SprintReader,
  TrackerItem,
} from '../tracker.ts';
import type { JiraContext } from './jira-context.ts';
import { type RawIssue, SPRINT_STATES, STORY_POINT_NAMES, toTrackerItem } from './jira-item.ts';
import { offsetPages } from './jira-pages.ts';
import { fieldsNamed, jqlForScope, searchPage } from './jira-reads.ts';

interface RawSprint {
  id?: number;
  name?: string;
  state: string;
  originBoardId?: number;
  startDate?: Date;
  endDate?: Date;
  completeDate?: Date;
  goal?: string;
}

const TIME_ESTIMATE = 'timeoriginalestimate';
const STATUS = 'status';
const PAGE_SIZE = 50;
// Bulk fetch changelogs: "You can request the changelogs of up to 1000 issues and can filter them by up to 10
// field IDs".
const BULK_CHANGELOG_ISSUES = 1000;
const BULK_CHANGELOG_FIELDS = 10;
// The Agile API pages this endpoint by startAt/total; newer specs describe nextPageToken/isLast. Either is accepted.
const SprintIssuesSchema = SearchResultsSchema.or(SoftwareIssueResultsSchema);

interface SprintIssuesPage {
  issues: RawIssue[];
  names?: Record<string, unknown>;
  startAt?: number;
  total?: number;
  nextPageToken?: string;
  isLast?: boolean;
}

/** Where the next page starts, in whichever of the two pagination styles the page used. */
function nextPage(page: SprintIssuesPage): { nextPageToken: string } | { startAt: number } | undefined {
  if (page.nextPageToken && page.isLast !== true) return { nextPageToken: page.nextPageToken };
  const startAt = (page.startAt ?? 0) + page.issues.length;
  return page.issues.length > 0 && startAt < (page.total ?? 0) ? { startAt } : undefined;
}

function toSprint(raw: RawSprint): Sprint {
  return {
    id: String(raw.id ?? ''),
    name: raw.name ?? '',
    state: (SPRINT_STATES.has(raw.state) ? raw.state : 'future') as Sprint['state'],
    boardId: String(raw.originBoardId ?? ''),
    ...(raw.startDate && { startDate: raw.startDate.toISOString() }),
    ...(raw.endDate && { endDate: raw.endDate.toISOString() }),
    ...(raw.completeDate && { completeDate: raw.completeDate.toISOString() }),
    ...(raw.goal && { goal: raw.goal }),
  };
}

/**
 * The sprint's issues include the sub-tasks of its stories, but Jira's sprint report, velocity and burndown count
 * neither them nor points set on them: a sub-task is part of its parent's commitment.
 */
/**
 * When a bulk-changelog history happened. jira.js reads a number as epoch milliseconds; Atlassian's example for
 * this endpoint is ten digits (`1492070429`), which as milliseconds is January 1970, before any Jira history: such a
 * date is taken as seconds.
 */
function historyDate(created: Date | undefined): string {
  if (!created) return '';
  const ms = created.getTime();
  return new Date(ms < 1e11 ? ms * 1000 : ms).toISOString();
}

function isSubtask(issue: RawIssue): boolean {
  const type = issue.fields?.issuetype;
  return typeof type === 'object' && type !== null && (type as { subtask?: unknown }).subtask === true;
}

const idList = (value: string | null | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

/** A status as the changelog names it; an empty side names none. */
function statusSide(side: 'from' | 'to', id: string | null | undefined, name: string | null | undefined) {
  return id?.trim() ? { [side]: { id: id.trim(), name: name ?? '' } } : {};
}

/** Story points as the changelog writes them ("5", "2.5"); an empty side was unestimated. */
function points(side: 'from' | 'to', text: string | null | undefined): Partial<EstimateChange> {
  const value = text?.trim() ? Number(text) : Number.NaN;
  return Number.isFinite(value) ? { [side]: value } : {};
}

export function createSprintReader(ctx: JiraContext): SprintReader {
  async function getSprint(sprintId: string): Promise<Sprint> {
    const raw = await ctx.call('getSprint', () => ctx.agile.sprint.getSprint({ sprintId: Number(sprintId) }));
    return toSprint(raw);
  }

  async function getBoardConfiguration(boardId: string): Promise<BoardConfiguration | undefined> {
    let config: Awaited<ReturnType<typeof ctx.agile.board.getConfiguration>>;
    try {
      config = await ctx.call('getBoardConfiguration', () =>
        ctx.agile.board.getConfiguration({ boardId: Number(boardId) }),
      );
    } catch (error) {
      if (error instanceof TrackerError && error.kind === ErrorKind.NotFound) return undefined;
      throw error;
    }
    const field = config.estimation?.type === 'field' ? config.estimation.field : undefined;
    // "The last column with statuses mapped to it is treated as the Done column" (Get board configuration).
    const doneColumn = (config.columnConfig?.columns ?? []).findLast((column) =>
      column.statuses?.some((status) => status.id),
    );
    return {
      // A board estimating by Original Time Estimate counts seconds, not points: it has no story-points field.
      ...(field?.fieldId &&
        field.fieldId !== TIME_ESTIMATE && {
          estimationField: { id: field.fieldId, name: field.displayName ?? field.fieldId },
        }),
      doneStatuses: (doneColumn?.statuses ?? []).flatMap((status) => (status.id ? [status.id] : [])),
    };
  }

  async function getSprintItems(sprintId: string, estimateFieldId?: string): Promise<TrackerItem[]> {
    const items: TrackerItem[] = [];
    for (let position: ReturnType<typeof nextPage> = { startAt: 0 }; position; ) {
      const searchParams = { ...position, maxResults: PAGE_SIZE, expand: 'names' };
      const page: SprintIssuesPage = await ctx.call('getSprintIssues', () =>
        ctx.client.sendRequest({
          url: `/rest/agile/1.0/sprint/${encodeURIComponent(sprintId)}/issue`,
          method: 'GET',
          searchParams,
          schema: SprintIssuesSchema,
        }),
      );
      const index = await fieldsNamed(ctx, page.names);
      for (const issue of page.issues) {
        if (!isSubtask(issue)) items.push(toTrackerItem(issue, index, ctx.siteUrl, estimateFieldId));
      }
      position = nextPage(page);
    }
    return items;
  }

  /**
   * The Sprint, status and story-point changes of many issues: Jira's bulk changelog read, up to 1,000 issues a
   * request, filtered to those fields by id when the Sprint field's is known (else every field, matched by name).
   */
  async function getHistories(refs: readonly ItemRef[], estimateFieldId?: string) {
    const index = await ctx.fields.get();
    // Without the board's field, every field of a story-points name (team-managed projects repeat names).
    const pointFields = estimateFieldId
      ? [estimateFieldId]
      : STORY_POINT_NAMES.flatMap((name) => (index.allByName.get(name) ?? []).map((field) => field.id));
    const sprintFieldId = index.byName.get('sprint')?.id;
    const fieldIds = sprintFieldId
      ? [sprintFieldId, STATUS, ...new Set(pointFields)].slice(0, BULK_CHANGELOG_FIELDS)
      : undefined;
    const isEstimate = (item: { field?: string; fieldId?: string }) =>
      estimateFieldId
        ? item.fieldId === estimateFieldId
        : STORY_POINT_NAMES.includes(item.field?.toLowerCase() ?? '');
    const histories: Record<string, ItemHistory> = {};
    for (const ref of refs) histories[ref.id] = { sprint: [], status: [], estimate: [] };
    const ids = Object.keys(histories);
    for (let chunk = 0; chunk < ids.length; chunk += BULK_CHANGELOG_ISSUES) {
      const issueIdsOrKeys = ids.slice(chunk, chunk + BULK_CHANGELOG_ISSUES);
      let nextPageToken: string | undefined;
      do {
        const token = nextPageToken;
        const page = await ctx.call('getBulkChangelogs', () =>
          ctx.cloud.issues.getBulkChangelogs({
            issueIdsOrKeys,
            ...(fieldIds && { fieldIds }),
            ...(token && { nextPageToken: token }),
          }),
        );
        for (const { issueId, changeHistories } of page.issueChangeLogs ?? []) {
          const history = issueId ? histories[issueId] : undefined;
          if (!history) continue;
          for (const entry of changeHistories ?? []) {
            const at = historyDate(entry.created);
            for (const item of entry.items ?? []) {
              if (item.field?.toLowerCase() === 'sprint') {
                history.sprint.push({ at, from: idList(item.from), to: idList(item.to) });
              } else if ((item.fieldId ?? item.field) === STATUS) {
                history.status.push({
                  at,
                  ...statusSide('from', item.from, item.fromString),
                  ...statusSide('to', item.to, item.toString),
                });
              } else if (isEstimate(item)) {
                history.estimate.push({
                  at,
                  ...points('from', item.fromString),
                  ...points('to', item.toString),
                });
              }
            }
          }
        }
        nextPageToken = page.nextPageToken ?? undefined;
      } while (nextPageToken);
    }
    const byDate = (a: { at: string }, b: { at: string }) => a.at.localeCompare(b.at);
    for (const history of Object.values(histories)) {
      history.sprint.sort(byDate);
      history.status.sort(byDate);
      history.estimate.sort(byDate);
    }
    return histories;
  }

  async function getItemsLeft(sprint: Sprint, projectKeys: readonly string[], estimateFieldId?: string) {
    if (!sprint.startDate) return [];
    const start = Date.parse(sprint.startDate);
    const end = sprint.completeDate ? Date.parse(sprint.completeDate) : Number.POSITIVE_INFINITY;
    // Leaving a sprint changes the issue, so it is among those updated since the start.
    const named = (change: SprintFieldChange) => {
      const at = Date.parse(change.at);
      return at >= start && at <= end && [...change.from, ...change.to].includes(sprint.id);
    };
    const candidates: TrackerItem[] = [];
    for (const projectKey of new Set(projectKeys)) {
      const jql = jqlForScope({ kind: 'updatedSince', containerId: projectKey, since: sprint.startDate });
      let cursor: string | undefined;
      do {
        const page = await searchPage(ctx, jql, cursor);
        for (const issue of page.issues) {
          if (isSubtask(issue)) continue;
          const item = toTrackerItem(issue, page.index, ctx.siteUrl, estimateFieldId);
          const stillIn = item.sprints?.some((listed) => listed.id === sprint.id);
          if (stillIn || Date.parse(item.updatedAt) < start || Date.parse(item.createdAt) > end) continue;
          candidates.push(item);
        }
        cursor = page.next;
      } while (cursor);
    }
    const histories = await getHistories(
      candidates.map((item) => item.ref),
      estimateFieldId,
    );
    return candidates.flatMap((item) => {
      const history = histories[item.ref.id];
      return history?.sprint.some(named) ? [{ item, history }] : [];
    });
  }

  return {
    getSprint,
    getBoardConfiguration,
    getSprintItems,
    getHistories,
    getItemsLeft,
    async getActiveSprints(boardId) {
      try {
        // A board may run parallel sprints, and the Agile API gives at most 50 a page.
        const sprints = await offsetPages(async (startAt) => {
          const page = await ctx.call('getBoardSprints', () =>
            ctx.agile.board.getAllSprints({ boardId: Number(boardId), state: 'active', startAt }),
          );
          return { items: page.values ?? [], isLast: page.isLast };
        });
        return sprints.filter((sprint) => sprint.state === 'active').map(toSprint);
      } catch (error) {
        // "The board does not support sprints": the one 400 this read has, a board missing is a 404.
        if (error instanceof TrackerError && error.status === 400) return undefined;
        throw error;
      }
    },
  };
}
