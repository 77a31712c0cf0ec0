import type { Doc } from '../../src/domain/doc.ts';
import { docToPlainText } from '../../src/domain/doc.ts';
import type { SprintStats } from '../../src/domain/sprint-summary/index.ts';
import {
  type BoardView,
  createReadModelWriter,
  type ReadModelWriter,
  type SprintRecord,
} from '../../src/read-model/index.ts';
import type { JobContext } from '../job-context.ts';

const NOTHING: ReadModelWriter = {
  scored: async () => {},
  checked: async () => {},
  removed: async () => {},
  suggested: async () => {},
  ticketLinked: async () => {},
  ticketUnlinked: async () => {},
  ticketOpen: async () => {},
  itemGone: async () => {},
  itemRenamed: async () => [],
  noMatch: async () => {},
  sprintStarted: async () => {},
  sprintPosted: async () => {},
};

/**
 * The console's read model as a job writes it, right after its tracker writes. A dry run only plans its writes,
 * so it changes nothing the console shows either.
 */
export function readModelOf(
  context: Pick<JobContext, 'redis' | 'keyPrefix' | 'now' | 'dryRun'>,
): ReadModelWriter {
  return context.dryRun ? NOTHING : createReadModelWriter(context.redis, context.keyPrefix, context.now);
}

export function jiraBoardView(boardId: string): BoardView {
  return { id: `jira:${boardId}`, tracker: 'jira', name: `Jira board ${boardId}` };
}

export function trelloBoardView(boardId: string): BoardView {
  return { id: `trello:${boardId}`, tracker: 'trello', name: `Trello board ${boardId}` };
}

/** What the sprints page keeps of a posted summary: its figures and its text. */
export function sprintRecordOf(
  id: string,
  stats: SprintStats,
  body: Doc,
  postedAt: string,
  summaryKey: string,
): SprintRecord {
  const figures: SprintRecord['figures'] = {
    completed: stats.completed.count.value,
    carriedOver: stats.carriedOver.items.length,
    added: stats.added.items.length,
    ...(stats.committed ? { committed: stats.committed.count.value } : {}),
    ...(stats.removed ? { removed: stats.removed.items.length } : {}),
    ...(stats.committed?.points ? { committedPoints: stats.committed.points.value } : {}),
    ...(stats.completed.points ? { completedPoints: stats.completed.points.value } : {}),
  };
  return {
    id,
    name: stats.name,
    ...(stats.start ? { start: stats.start } : {}),
    ...(stats.end ? { end: stats.end } : {}),
    figures,
    summaryText: docToPlainText(body),
    summaryKey,
    postedAt,
  };
}
