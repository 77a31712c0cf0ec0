/**
 * What a write did to one tracker item, recorded where the sandbox's state changes (not where requests arrive),
 * so tests can assert on effects: a job run twice shows up even when its second run edits instead of posting.
 */
export type EffectKind =
  | 'item.created'
  /** A Jira issue deleted, with its comments, links and remote links (`DELETE /issue/{key}`). */
  | 'item.deleted'
  | 'comment.created'
  | 'comment.edited'
  | 'comment.deleted'
  | 'summary.set'
  | 'description.set'
  | 'field.set'
  | 'labels.set'
  | 'status.set'
  /** A Trello card moved to another list. */
  | 'list.set'
  /** A Trello card moved to another board (target: the board's id; value: the list it landed in). */
  | 'board.set'
  | 'closed.set'
  /** A Jira issue moved to another project (target: its old key; value: the project's key; item: its new key). */
  | 'project.set'
  | 'sprint.set'
  | 'link.created'
  | 'link.deleted'
  | 'remotelink.set'
  | 'remotelink.deleted'
  | 'checklist.created'
  | 'checklist.renamed'
  | 'checklist.deleted'
  | 'checkitem.created'
  | 'checkitem.renamed'
  | 'checkitem.set'
  | 'attachment.added'
  | 'attachment.deleted'
  /** A write that was accepted and changed nothing (same value again): still a write, so a re-run shows. */
  | 'unchanged';

export interface Effect {
  /** Order of recording, from 1; restarts on reset. */
  seq: number;
  at: string;
  /** Issue key (Jira) or card id (Trello). */
  item: string;
  /** Account id / member id that made the write, so tests can tell the bot from people. */
  actor: string;
  kind: EffectKind;
  /** What the effect touched: a comment id, a field or label name, the other end of a link, a list. */
  target?: string;
  /** The value written: a comment's body (ADF for Jira, text for Trello), a field's value, the labels. */
  value?: unknown;
}

export interface Ledger {
  readonly effects: readonly Effect[];
  record(effect: Omit<Effect, 'seq' | 'at'>): void;
  clear(): void;
}

export function createLedger(now: () => Date): Ledger {
  const effects: Effect[] = [];
  return {
    effects,
    record(effect) {
      effects.push({ seq: effects.length + 1, at: now().toISOString(), ...effect });
    },
    clear() {
      effects.length = 0;
    },
  };
}

/** What GET /_sandbox/<tracker>/ledger?item=&actor= filters on. */
export interface LedgerQuery {
  item?: string;
  actor?: string;
}

export function ledgerView(effects: readonly Effect[], query: LedgerQuery = {}): Effect[] {
  return effects.filter(
    (effect) =>
      (query.item === undefined || effect.item === query.item) &&
      (query.actor === undefined || effect.actor === query.actor),
  );
}

/** For seeding: the world before the story starts is not a write anybody made. */
export const silentLedger: Ledger = { effects: [], record: () => {}, clear: () => {} };
