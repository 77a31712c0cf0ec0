import type { Logger } from '../../logger.ts';
import type { OutboundLimiter } from '../rate-limit/outbound-limiter.ts';
import type { Tracker } from '../tracker.ts';
import { createBoardActivity } from './trello-board-activity.ts';
import {
  deleteOwnComment,
  fitComment,
  getOwnComment,
  planComment,
  planRename,
  renameInOwnComment,
  upsertComment,
} from './trello-comments.ts';
import { type BoardLock, createTrelloDeps } from './trello-deps.ts';
import { trelloCall } from './trello-errors.ts';
import { setNumberFields } from './trello-fields.ts';
import { boardExit, changedBy, doneSince } from './trello-history.ts';
import { boardAudience, permittedItems } from './trello-permissions.ts';
import { findItem, getItem, itemOfChecklist, listItems } from './trello-reads.ts';
import { categorizeListName, type ListCategorizer } from './trello-status.ts';
import { createTrelloTransport } from './trello-transport.ts';
import {
  addLink,
  createItem,
  moveTo,
  planDescription,
  removeLink,
  setDescription,
  setLabel,
  setTitle,
} from './trello-writes.ts';

export interface TrelloTrackerOptions {
  /** Default https://api.trello.com/1; the sandbox's prefix in tests and demos. */
  apiUrl?: string;
  apiKey: string;
  apiToken: string;
  log: Logger;
  limiter: OutboundLimiter;
  /** Longest wait for one Trello request (default 30 s). */
  timeoutMs?: number;
  /** How list names map to status categories; by default a name heuristic (Done, Doing, Review...). */
  categorizeList?: ListCategorizer;
  /** The configured Jira site (JIRA_BASE_URL): attachments to its issues are links to items. */
  jiraSiteUrl?: string;
  /** Shared by every worker process (Redis); without it, labels, fields and lists are created unguarded. */
  boardLock?: BoardLock;
}

export const DEFAULT_TRELLO_API_URL = 'https://api.trello.com/1';

/** The Trello adapter of the Tracker port, on trello.js with its response schemas enforced. */
export function createTrelloTracker(options: TrelloTrackerOptions): Tracker {
  const client = createTrelloTransport({ ...options, apiUrl: options.apiUrl ?? DEFAULT_TRELLO_API_URL });
  const deps = createTrelloDeps(
    client,
    options.categorizeList ?? categorizeListName,
    options.jiraSiteUrl,
    options.boardLock,
  );
  const run = trelloCall;

  return {
    name: 'trello',
    whoAmI: () => run('whoAmI', () => deps.me()),
    getItem: (ref) => run('getItem', () => getItem(deps, ref)),
    findItem: (keyOrUrl) => run('findItem', () => findItem(deps, keyOrUrl)),
    listItems: (scope, cursor) => run('listItems', () => listItems(deps, scope, cursor)),
    permittedItems: (memberId, refs, permission) =>
      run('permittedItems', () => permittedItems(deps, memberId, refs, permission)),
    boardAudience: (boardId) => run('boardAudience', () => boardAudience(deps, boardId)),
    setNumberFields: (ref, values, fieldOptions) =>
      run('setNumberFields', () => setNumberFields(deps, ref, values, fieldOptions)),
    upsertComment: (ref, purpose, body) =>
      run('upsertComment', () => upsertComment(deps, ref, purpose, body)),
    planComment: (ref, purpose, body) => run('planComment', () => planComment(deps, ref, purpose, body)),
    fitComment,
    renameInOwnComment: (ref, purpose, from, to) =>
      run('renameInOwnComment', () => renameInOwnComment(deps, ref, purpose, from, to)),
    planRename: (ref, purpose, from, to) => run('planRename', () => planRename(deps, ref, purpose, from, to)),
    getOwnComment: (ref, purpose) => run('getOwnComment', () => getOwnComment(deps, ref, purpose)),
    deleteOwnComment: (ref, purpose) => run('deleteOwnComment', () => deleteOwnComment(deps, ref, purpose)),
    setLabel: (ref, label, present) => run('setLabel', () => setLabel(deps, ref, label, present)),
    changedBy: (ref, what, own) => run('changedBy', () => changedBy(deps, ref, what, own)),
    doneSince: (ref) => run('doneSince', () => doneSince(deps, ref)),
    boardExit: (ref, boardId, by) => run('boardExit', () => boardExit(deps, ref, boardId, by)),
    addLink: (from, to) => run('addLink', () => addLink(deps, from, to)),
    removeLink: (from, to, linkId) => run('removeLink', () => removeLink(deps, from, to, linkId)),
    moveTo: (ref, listName) => run('moveTo', () => moveTo(deps, ref, listName)),
    setDescription: (ref, text, options) =>
      run('setDescription', () => setDescription(deps, ref, text, options)),
    planDescription: (ref, text) => planDescription(ref, text),
    setTitle: (ref, title) => run('setTitle', () => setTitle(deps, ref, title)),
    createItem: (target, item) => run('createItem', () => createItem(deps, target, item)),
    boardActivity: createBoardActivity(deps, run),
    itemOfChecklist: (checklistId) => run('itemOfChecklist', () => itemOfChecklist(deps, checklistId)),
  };
}
