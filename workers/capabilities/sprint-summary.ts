import type { Doc } from '../../src/domain/doc.ts';
import {
  completeAtStart,
  completedIn,
  jiraBoardSummary,
  renderSprintSummary,
  type SprintStats,
  snapshotScope,
  summarizeSprint,
  summaryTitle,
} from '../../src/domain/sprint-summary/index.ts';
import { isAbsent, TrackerError } from '../../src/errors.ts';
import type {
  ItemHistory,
  Sprint,
  SprintReader,
  StatusCategory,
  Tracker,
  TrackerItem,
} from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { jiraBoardView, readModelOf } from './read-model.ts';
import { priorityScores, resolvedTickets } from './summary-facts.ts';
import { type Published, publishSummary, type SummaryDestination } from './summary-publish.ts';
import { loadSnapshot, saveSnapshot } from './summary-store.ts';

export function sprintReader(tracker: Tracker): SprintReader {
  if (!tracker.sprints) throw new TrackerError('validation', tracker.name, `${tracker.name} has no sprints`);
  return tracker.sprints;
}

/** Story points as the board estimates them: its estimation field, else the usual story-points field. */
function estimator(field: { name: string } | undefined): (item: TrackerItem) => number | undefined {
  return (item) => {
    const value = field ? item.fields[field.name] : undefined;
    return typeof value === 'number' ? value : item.estimate.storyPoints;
  };
}

/** The board's estimation and its Done column; neither is known for a sprint without a board or a board gone. */
async function boardOf(reader: SprintReader, sprint: Sprint) {
  const config = sprint.boardId ? await reader.getBoardConfiguration(sprint.boardId) : undefined;
  return {
    fieldId: config?.estimationField?.id,
    estimateOf: estimator(config?.estimationField),
    doneStatuses: config?.doneStatuses ?? [],
  };
}

/** Jira keys start with their project key, which outlives moves of the issue's container. */
const projectOf = ({ key }: TrackerItem['ref']) => key.replace(/-\d+$/, '');

/** Where issues that left the sprint may be: the board's project in the rules, and those of the issues it held. */
function leftSprint(
  reader: SprintReader,
  sprint: Sprint,
  context: JobContext,
  refs: readonly TrackerItem['ref'][],
  estimateFieldId: string | undefined,
) {
  const { projectKey } = jiraBoardSummary(context.rules().summaries, sprint.boardId);
  return reader.getItemsLeft(
    sprint,
    [...(projectKey ? [projectKey] : []), ...refs.map(projectOf)],
    estimateFieldId,
  );
}

/**
 * The sprint, its board's configuration and the sprint's items, each read once for the job: the sprint changes
 * (its issues, its state), and so may the board's columns, so nothing of it is kept for another job.
 */
async function readSprint(reader: SprintReader, sprintId: string) {
  const sprint = await reader.getSprint(sprintId);
  const board = await boardOf(reader, sprint);
  const items = await reader.getSprintItems(sprintId, board.fieldId);
  return { sprint, board, items };
}

/** The histories of `items`, and of the items that left the sprint (read with them), by item id. */
async function historiesOf(
  reader: SprintReader,
  items: readonly TrackerItem[],
  left: Awaited<ReturnType<SprintReader['getItemsLeft']>>,
  estimateFieldId: string | undefined,
): Promise<Record<string, ItemHistory>> {
  const histories = await reader.getHistories(
    items.map((item) => item.ref),
    estimateFieldId,
  );
  for (const { item, history } of left) histories[item.ref.id] = history;
  return histories;
}

const mapValues = <T, U>(record: Readonly<Record<string, T>>, map: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record).map(([id, value]) => [id, map(value)]));

/**
 * The categories of the statuses items left after `since`: where a late snapshot's items stood at the start. Jira
 * is asked once per status (the adapter keeps the answers a while).
 */
async function formerCategories(tracker: Tracker, history: Record<string, ItemHistory>, since: number) {
  const left = new Set(
    Object.values(history).flatMap((changes) =>
      changes.status.flatMap((change) =>
        change.from && Date.parse(change.at) > since ? [change.from.id] : [],
      ),
    ),
  );
  const categories = new Map<string, StatusCategory>();
  for (const id of left) {
    const category = await tracker.statusCategory?.(id);
    if (category) categories.set(id, category);
  }
  return categories;
}

/** Records the committed scope of a sprint that just started; a snapshot already taken is kept. */
export async function snapshotSprint(sprintId: string, context: JobContext) {
  const tracker = context.tracker('jira');
  const reader = sprintReader(tracker);
  const { sprint, board, items } = await readSprint(reader, sprintId);
  // The start may be processed late (an outage, a retry): what changed since is read back to the start date.
  const left = await leftSprint(
    reader,
    sprint,
    context,
    items.map((item) => item.ref),
    board.fieldId,
  );
  const since = Date.parse(sprint.startDate ?? '');
  const changed = items.filter((item) => Date.parse(item.updatedAt) > since);
  const history = await historiesOf(reader, changed, left, board.fieldId);
  const snapshot = snapshotScope(sprint, [...items, ...left.map(({ item }) => item)], board.estimateOf, {
    sprint: mapValues(history, (changes) => changes.sprint),
    estimates: mapValues(history, (changes) => changes.estimate),
    statuses: mapValues(history, (changes) => changes.status),
    categories: await formerCategories(tracker, history, since),
  });
  const stored = await saveSnapshot(context, snapshot);
  if (stored) {
    await readModelOf(context).sprintStarted(jiraBoardView(sprint.boardId), {
      sprintId: sprint.id,
      name: sprint.name,
      ...(sprint.startDate ? { start: sprint.startDate } : {}),
      ...(sprint.endDate ? { end: sprint.endDate } : {}),
      items: snapshot.items.map((entry) => ({
        tracker: entry.ref.tracker,
        id: entry.ref.id,
        points: entry.estimate,
        done: completeAtStart(entry, board.doneStatuses),
      })),
      doneStatuses: board.doneStatuses,
    });
  }
  return { sprint: sprint.name, items: snapshot.items.length, stored };
}

/** Items committed at start and gone from the sprint since; one deleted since then keeps its snapshot entry. */
async function removedItems(tracker: Tracker, refs: readonly TrackerItem['ref'][]): Promise<TrackerItem[]> {
  const found: TrackerItem[] = [];
  for (const ref of refs) {
    try {
      found.push(await tracker.getItem(ref));
    } catch (error) {
      if (!(error instanceof TrackerError && isAbsent(error.kind))) throw error;
    }
  }
  return found;
}

export interface JiraSprintSummary {
  sprint: Sprint;
  stats: SprintStats;
  body: Doc;
  /** The project most of the sprint's issues are in: where the summary issue goes by default. */
  projectKey?: string;
}

function mainProject(refs: readonly TrackerItem['ref'][]): string | undefined {
  const counts = new Map<string, number>();
  for (const ref of refs) {
    const project = projectOf(ref);
    counts.set(project, (counts.get(project) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** The sprint's figures as they stand now: final when it is closed, "so far" while it is active. */
export async function summarizeJiraSprint(sprintId: string, context: JobContext): Promise<JiraSprintSummary> {
  const tracker = context.tracker('jira');
  const reader = sprintReader(tracker);
  const [{ sprint, board, items }, snapshot] = await Promise.all([
    readSprint(reader, sprintId),
    loadSnapshot(context, sprintId),
  ]);
  const rules = jiraBoardSummary(context.rules().summaries, sprint.boardId);
  const known = [...items, ...(snapshot?.items ?? [])].map((item) => item.ref);
  const left = await leftSprint(reader, sprint, context, known, board.fieldId);
  const found = new Set([...items, ...left.map(({ item }) => item)].map((item) => item.ref.id));
  const committedGone = snapshot
    ? await removedItems(
        tracker,
        snapshot.items.filter((entry) => !found.has(entry.ref.id)).map((entry) => entry.ref),
      )
    : [];
  // Without a snapshot or a start, nothing names what left the sprint: those figures are unknown, not zero.
  const removed =
    snapshot || sprint.startDate ? [...committedGone, ...left.map(({ item }) => item)] : undefined;
  // Without a snapshot the scope is rebuilt from every item's history; with one, only an item changed since the
  // close may have been re-sized or moved since (an open sprint counts today's), one added after the start may
  // have been complete before it, and one gone counts the estimate it left with.
  const close = Date.parse(sprint.completeDate ?? '');
  const committed = new Set(snapshot?.items.map((entry) => entry.ref.id));
  const read = [
    ...items.filter((item) => !snapshot || Date.parse(item.updatedAt) > close || !committed.has(item.ref.id)),
    ...committedGone,
  ];
  const history = await historiesOf(reader, read, left, board.fieldId);
  const completion = {
    sprint,
    doneStatuses: board.doneStatuses,
    statuses: mapValues(history, (changes) => changes.status),
  };
  const stats = summarizeSprint({
    ...completion,
    ...(snapshot && { snapshot }),
    history: mapValues(history, (changes) => changes.sprint),
    estimates: mapValues(history, (changes) => changes.estimate),
    items,
    ...(removed && { removed }),
    linkedTicketsResolved: await resolvedTickets(
      items.filter((item) => completedIn(completion, item)),
      // A running sprint (a preview) counts what was resolved up to now.
      {
        ...(sprint.startDate && { start: sprint.startDate }),
        ...(sprint.state === 'closed' && sprint.completeDate && { end: sprint.completeDate }),
      },
      context,
    ),
    scores: priorityScores(items, context),
    estimateOf: board.estimateOf,
    bugTypes: rules.bugTypes,
  });
  const projectKey = rules.projectKey ?? mainProject(known);
  return {
    sprint,
    stats,
    body: renderSprintSummary(stats, {
      title: summaryTitle(sprint.name),
      timeZone: context.rules().summaries.timeZone,
    }),
    ...(projectKey ? { projectKey } : {}),
  };
}

async function destinationOf(summary: JiraSprintSummary, context: JobContext): Promise<SummaryDestination> {
  const board = jiraBoardSummary(context.rules().summaries, summary.sprint.boardId);
  const { target } = board;
  if (target.kind === 'comment') {
    const issue = await context.tracker('jira').findItem(target.issueKey);
    if (!issue) throw new TrackerError('notFound', 'jira', `Summary issue ${target.issueKey} does not exist`);
    return { kind: 'comment', on: issue.ref };
  }
  const projectKey = target.projectKey ?? summary.projectKey;
  if (!projectKey) {
    throw new TrackerError(
      'validation',
      'jira',
      `Sprint ${summary.sprint.name} has no issues to tell its project: set summaries.jira.boards.` +
        `${summary.sprint.boardId}.projectKey in the rules file`,
    );
  }
  return {
    kind: 'item',
    container: { containerId: projectKey, typeOrList: target.issueType },
    labels: [board.label],
  };
}

/** Posts the sprint's summary where its board's rules say, or edits the one already posted. */
export async function postJiraSummary(
  sprintId: string,
  context: JobContext,
): Promise<JiraSprintSummary & Published> {
  const summary = await summarizeJiraSprint(sprintId, context);
  const published = await publishSummary(context, {
    tracker: 'jira',
    summaryKey: `jira-sprint-${sprintId}`,
    title: summaryTitle(summary.sprint.name),
    body: summary.body,
    destination: await destinationOf(summary, context),
  });
  return { ...summary, ...published };
}
