import type { AdminAction } from './admin-action.ts';
import {
  backfillIndexAction,
  catchUpAction,
  rescoreAction,
  sprintSummaryAction,
} from './capability-actions.ts';
import { commandAction } from './command-action.ts';

/** Every action of `POST /admin/actions/<name>`; capabilities append theirs here. */
export const ADMIN_ACTIONS: readonly AdminAction[] = [
  commandAction,
  rescoreAction,
  backfillIndexAction,
  sprintSummaryAction,
  catchUpAction,
];
