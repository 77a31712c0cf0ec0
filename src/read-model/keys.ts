import { type ReplicatedKeys, replicatedKeys } from '../queue/replicated-hashes.ts';

/**
 * Keys of the console's read model, in three groups of one hash tag each (Redis Cluster runs a script only
 * within one slot): backlog items (the replicated score and acceptance hashes with their change log, the
 * scorecards and verdicts, the acceptance counters and weekly shares, all written by the same scripts), the
 * triage inbox (a hash per ticket and the inbox sorted set, updated together) and sprints. Groups spread over
 * the masters; the items of one deployment stay in one slot, like the link index.
 */
export interface ReadModelKeys {
  items: ReplicatedKeys & {
    /** Hash: item → ScoreResult JSON (the scorecard's content). */
    scorecards: string;
    /** Hash: item → AcceptanceDetail JSON. */
    verdicts: string;
    /** Hash: item → `<container>|<status>`, the acceptance counters' memory of each item. */
    status: string;
    /** Hash: `<container>|checked` / `<container>|failing` → count. */
    counts: string;
    /** Hash: `<container>|<week>` → `<checked> <failing>` at the last check of that week. */
    weekly: string;
  };
  triage: {
    /** Hash per ticket: `info` (JSON), `ids` (suggested items, space-separated), `s:<item>` state, flags. */
    ticket: (docId: string) => string;
    /** Sorted set: tickets waiting, by creation time (ms). */
    inbox: string;
    /** Set per item: the tickets whose suggestions named it, waiting or not (a move renames it in each). */
    offered: (docId: string) => string;
  };
  sprints: {
    /** Hash: board → BoardView JSON. */
    boards: string;
    /** Hash per board: sprint id → SprintRecord JSON. */
    records: (board: string) => string;
    /** Sorted set per board: sprint id by end time (ms). */
    order: (board: string) => string;
    /** Hash: board → id of its active sprint. */
    active: string;
    /** Hash per sprint: `meta` (BurnUp without points), `items` (the start snapshot) and samples `at:<ms>`. */
    burnUp: (board: string, sprintId: string) => string;
  };
}

export function readModelKeys(keyPrefix: string): ReadModelKeys {
  const items = `{${keyPrefix}:console:items}`;
  const triage = `{${keyPrefix}:console:triage}`;
  const sprints = `{${keyPrefix}:console:sprints}`;
  return {
    items: {
      ...replicatedKeys(items),
      scorecards: `${items}:scorecards`,
      verdicts: `${items}:verdicts`,
      status: `${items}:acceptance-status`,
      counts: `${items}:acceptance-counts`,
      weekly: `${items}:acceptance-weekly`,
    },
    triage: {
      ticket: (docId) => `${triage}:ticket:${docId}`,
      inbox: `${triage}:inbox`,
      offered: (docId) => `${triage}:offered:${docId}`,
    },
    sprints: {
      boards: `${sprints}:boards`,
      records: (board) => `${sprints}:records:${board}`,
      order: (board) => `${sprints}:order:${board}`,
      active: `${sprints}:active`,
      burnUp: (board, sprintId) => `${sprints}:burnup:${board}:${sprintId}`,
    },
  };
}

/** Parts of the replicated item hashes: each written by its own job, merged per item by the replica. */
export const ITEM_PARTS = ['score', 'acceptance'] as const;
