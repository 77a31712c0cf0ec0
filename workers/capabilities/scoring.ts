import { type Block, bulletList, code, inline, paragraph } from '../../src/domain/doc.ts';
import type { Actor, ItemRef } from '../../src/domain/events.ts';
import { ticketEvidence } from '../../src/domain/scoring/evidence.ts';
import {
  type Evidence,
  type OverrideName,
  type Overrides,
  renderScorecard,
  type ScoreResult,
  scoreFieldValues,
  scoreFingerprint,
  scoreItem,
} from '../../src/domain/scoring/index.ts';
import { isAbsent, TrackerError } from '../../src/errors.ts';
import {
  createLinkRecords,
  holdsLinkTo,
  type LinkRecord,
  unlinkedInTicket,
} from '../../src/linking/index.ts';
import { createItemLock } from '../../src/queue/item-lock.ts';
import { itemRole } from '../../src/rules/item-role.ts';
import { classifyContainer } from '../../src/rules/scope-rules.ts';
import type { CommentOutcome, FieldWriteOutcome, TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { readModelOf } from './read-model.ts';

export const SCORECARD_COMMENT = 'scorecard';

const FINGERPRINT_TTL_SECONDS = 180 * 86_400;
/** Follows a stored fingerprint when some fields were not written: the next score tries them again. */
const MISSING = '|missing:';

const stateKey = (context: JobContext, kind: string, ref: ItemRef) =>
  `${context.keyPrefix}:score:${kind}:${ref.tracker}:${ref.id}`;

/**
 * Support tickets read while scoring, shared across the items of one job (a bulk re-score reads each once), each
 * with the links the service had recorded for it before it was read.
 */
export type TicketCache = Map<
  string,
  Promise<{ ticket?: TrackerItem; recordedBefore: readonly LinkRecord[] }>
>;

export function isBacklog(item: TrackerItem, context: JobContext): boolean {
  return itemRole(item, context.rules()) === 'backlog';
}

/**
 * An item that was deleted, lives where the service may not read it (a Trello card moved to a board its member is
 * not on), or on a tracker this service is not configured for, is simply absent.
 */
export async function readItem(ref: ItemRef, context: JobContext): Promise<TrackerItem | undefined> {
  return (await readOrDeleted(ref, context)).item;
}

/**
 * `readItem`, telling too whether the tracker says the item no longer exists (kind `deleted`; a tracker that cannot
 * tell a deleted item from a hidden one says `notFound`, see docs/tracker-behaviour.md).
 */
export async function readOrDeleted(
  ref: ItemRef,
  context: JobContext,
): Promise<{ item: TrackerItem | undefined; deleted: boolean }> {
  try {
    return { item: await context.tracker(ref.tracker).getItem(ref), deleted: false };
  } catch (error) {
    if (
      error instanceof TrackerError &&
      (isAbsent(error.kind) || ['forbidden', 'validation'].includes(error.kind))
    )
      return { item: undefined, deleted: error.kind === 'deleted' };
    throw error;
  }
}

/** A dry run's overrides live only for its job: its preview shows them, and no later score sees them. */
const DRY_RUN_OVERRIDES_TTL_SECONDS = 3_600;

const overridesKey = (context: JobContext, ref: ItemRef) =>
  stateKey(context, context.dryRun ? `overrides:dry-run:${context.jobId}` : 'overrides', ref);

export async function getOverrides(context: JobContext, ref: ItemRef): Promise<Overrides> {
  // One key per command: on a Redis Cluster the two keys may live on different masters.
  const own = context.dryRun ? await context.redis.get(overridesKey(context, ref)) : null;
  const found = own ?? (await context.redis.get(stateKey(context, 'overrides', ref)));
  return found ? (JSON.parse(found) as Overrides) : {};
}

async function storeOverrides(context: JobContext, ref: ItemRef, overrides: Overrides) {
  const key = overridesKey(context, ref);
  const value = JSON.stringify(overrides);
  if (context.dryRun) await context.redis.set(key, value, 'EX', DRY_RUN_OVERRIDES_TTL_SECONDS);
  else if (Object.keys(overrides).length === 0) await context.redis.del(key);
  else await context.redis.set(key, value);
}

export async function setOverrides(
  context: JobContext,
  ref: ItemRef,
  values: Partial<Record<OverrideName, number>>,
  by: Actor,
): Promise<void> {
  const overrides = await getOverrides(context, ref);
  const at = context.now().toISOString();
  for (const [name, value] of Object.entries(values) as [OverrideName, number][]) {
    overrides[name] = { value, by: by.displayName, at };
  }
  await storeOverrides(context, ref, overrides);
}

/** Removes the named overrides (all when none are named); returns the names that were set. */
export async function clearOverrides(
  context: JobContext,
  ref: ItemRef,
  inputs: readonly OverrideName[],
): Promise<OverrideName[]> {
  const overrides = await getOverrides(context, ref);
  const names = Object.keys(overrides) as OverrideName[];
  const cleared = inputs.length === 0 ? names : names.filter((name) => inputs.includes(name));
  for (const name of cleared) delete overrides[name];
  await storeOverrides(context, ref, overrides);
  return cleared;
}

/**
 * An item with the links the service had recorded for it, records first: a link the service records is in the
 * tracker already (an automatic one once `made`), so a read after the records shows it unless a person removed it.
 */
export async function readWithRecords(ref: ItemRef, context: JobContext) {
  const records = createLinkRecords(context.redis, context.keyPrefix);
  const recordedBefore = await records.itemsOf(ref);
  const ticket = await readItem(ref, context);
  if (!ticket || ticket.ref.id === ref.id) return { ticket, recordedBefore };
  // Named by its key only (a Trello attachment naming a Jira issue): its records are kept under its id. Read after
  // the ticket, they may name a link made since; the ticket is read again only when one seems missing (rare).
  const recorded = await records.itemsOf(ticket.ref);
  const allShown = recorded.every((record) => record.made === false || holdsLinkTo(ticket, record.item));
  return { ticket: allShown ? ticket : await readItem(ticket.ref, context), recordedBefore: recorded };
}

/**
 * Whether a ticket the item links to counts for it, in its score and in a summary's support tickets alike: it lives
 * in a support container, and a person has not removed its link back (the item's link outlives that one until the
 * ticket's next job, or for good where the tracker sends no event: a Jira remote link).
 */
export function countsForItem(
  ticket: TrackerItem,
  item: ItemRef,
  recordedBefore: readonly LinkRecord[],
  context: JobContext,
): boolean {
  return (
    classifyContainer(ticket.ref.tracker, ticket.container, context.rules().scope) === 'support' &&
    !unlinkedInTicket(ticket, item, recordedBefore)
  );
}

/** The item's links to support tickets (by where the ticket lives), with the customer each one counts for. */
export async function collectEvidence(
  item: TrackerItem,
  context: JobContext,
  cache: TicketCache = new Map(),
): Promise<Evidence[]> {
  const rules = context.rules();
  const evidence: Evidence[] = [];
  for (const link of item.links) {
    if (link.target.kind !== 'item') continue;
    const { ref } = link.target;
    const cacheKey = `${ref.tracker}:${ref.id}`;
    let pending = cache.get(cacheKey);
    if (!pending) {
      pending = readWithRecords(ref, context);
      cache.set(cacheKey, pending);
    }
    const { ticket, recordedBefore } = await pending;
    if (ticket && countsForItem(ticket, item.ref, recordedBefore, context))
      evidence.push(ticketEvidence(ticket, rules.scoring));
  }
  return evidence;
}

export async function computeScore(
  item: TrackerItem,
  context: JobContext,
  cache?: TicketCache,
): Promise<ScoreResult> {
  const [evidence, overrides] = await Promise.all([
    collectEvidence(item, context, cache),
    getOverrides(context, item.ref),
  ]);
  return scoreItem({ item, evidence, overrides }, context.rules().scoring);
}

/**
 * The processor serializes jobs by the item of their event; a link's other end and the items of a bulk re-score
 * are not that item, so scoring takes its own lock (a separate key space: the processor's lock is not reentrant).
 */
function withScoringLock<T>(context: JobContext, ref: ItemRef, run: () => Promise<T>): Promise<T> {
  const withItemLock = createItemLock({ redis: context.redis, keyPrefix: `${context.keyPrefix}:score` });
  return withItemLock(`${ref.tracker}:${ref.id}`, run);
}

function missingFieldsNote(missing: FieldWriteOutcome['missing']): Block[] {
  if (missing.length === 0) return [];
  return [
    paragraph('Not written to fields (this comment carries the values):'),
    bulletList(missing.map(({ name, reason }) => inline(code(name), `: ${reason}`))),
  ];
}

/** Fields the item already shows with the wanted value are not sent: on Trello each field is its own request. */
async function writeFields(
  item: TrackerItem,
  values: Record<string, number>,
  context: JobContext,
): Promise<FieldWriteOutcome> {
  const unchanged = Object.keys(values).filter((name) => item.fields[name] === values[name]);
  const changed = Object.fromEntries(Object.entries(values).filter(([name]) => !unchanged.includes(name)));
  if (Object.keys(changed).length === 0) return { written: [], unchanged, missing: [] };
  const createMissing = item.ref.tracker === 'trello' && context.rules().scoring.createMissingTrelloFields;
  const outcome = await context
    .tracker(item.ref.tracker)
    .setNumberFields(item.ref, changed, { createMissing });
  return { ...outcome, unchanged: [...unchanged, ...outcome.unchanged] };
}

export interface ScoreOutcome {
  item: string;
  score: number;
  model: ScoreResult['model'];
  /** `unchanged`: the last score written for this item is the same, so nothing was sent. */
  write: 'written' | 'unchanged';
  fields?: FieldWriteOutcome;
  comment?: CommentOutcome['action'];
}

/**
 * Scores an item and writes the result back: number fields where they exist, and one scorecard comment edited in
 * place. Skipped when the score and everything the scorecard shows equal what was last written, unless `force`.
 * `readAt` is when the caller read its copy (default: now, for a copy read just before). A copy older than the one
 * scored last is read again once the item's lock is held: scoring it would write the older scorecard and fields
 * over the newer ones (a bulk re-score's page read before a ticket was linked, a job that waited for the lock).
 * `scorecard: false` (a quiet bulk re-score) writes the fields only; the score counts as written, so the comment
 * comes with the next change of the score (or `/score`).
 */
export async function applyScore(
  readBefore: TrackerItem,
  context: JobContext,
  options: { force?: boolean; cache?: TicketCache; readAt?: Date; scorecard?: boolean } = {},
): Promise<ScoreOutcome> {
  const readAt = (options.readAt ?? context.now()).getTime();
  return withScoringLock(context, readBefore.ref, async () => {
    const readKey = stateKey(context, 'read', readBefore.ref);
    const lastRead = Number((await context.redis.get(readKey)) ?? 0);
    const stale = lastRead > readAt;
    const item = stale ? await context.tracker(readBefore.ref.tracker).getItem(readBefore.ref) : readBefore;
    // Workers' clocks may differ by a little: the time kept is the newest copy's, whoever scored it.
    await context.redis.set(
      readKey,
      String(Math.max(lastRead, stale ? context.now().getTime() : readAt)),
      'EX',
      FINGERPRINT_TTL_SECONDS,
    );
    const rules = context.rules().scoring;
    const result = await computeScore(item, context, options.cache);
    const values = scoreFieldValues(result, rules);
    // Fields are the place's (a Trello board's custom fields, a Jira project's): an item moved shows what its new
    // place holds, so the same score is written again there (only the fields that show another value).
    const fingerprint = `${scoreFingerprint(result)}|${JSON.stringify(values)}|${item.container.id}`;
    const fingerprintKey = stateKey(context, 'fingerprint', item.ref);
    const base = { item: item.ref.key, score: result.score, model: result.model };
    const last = options.force ? null : await context.redis.get(fingerprintKey);
    // Fields the tracker could not take last time may take them now (an admin put one on the screen, a board got
    // its Custom Fields Power-Up back): only a field written changes what the scorecard says.
    const retried = last?.startsWith(`${fingerprint}${MISSING}`)
      ? await writeFields(item, values, context)
      : undefined;
    if (last === fingerprint || (retried && retried.written.length === 0)) {
      // The row also shows title, type and status, which change without the score changing.
      await readModelOf(context).scored(item, result);
      return { ...base, write: 'unchanged' };
    }

    const tracker = context.tracker(item.ref.tracker);
    const fields = retried ?? (await writeFields(item, values, context));
    const scorecard = options.scorecard !== false;
    if (fields.missing.length > 0) {
      context.log.warn(
        { item: item.ref.key, missing: fields.missing },
        scorecard
          ? 'Score fields not written; the scorecard comment carries the values'
          : 'Score fields not written; quiet re-score, so only the console shows the values',
      );
    }
    let comment: CommentOutcome | undefined;
    if (scorecard) {
      const body = renderScorecard(result);
      body.blocks.push(...missingFieldsNote(fields.missing));
      comment = await tracker.upsertComment(item.ref, SCORECARD_COMMENT, body);
    }
    // A dry run wrote nothing: remembering its score would make the real run after it find nothing to write.
    if (!context.dryRun) {
      const missing = fields.missing.map(({ name }) => name);
      const stored = missing.length > 0 ? `${fingerprint}${MISSING}${JSON.stringify(missing)}` : fingerprint;
      await context.redis.set(fingerprintKey, stored, 'EX', FINGERPRINT_TTL_SECONDS);
    }
    await readModelOf(context).scored(item, result);
    return { ...base, write: 'written', fields, ...(comment ? { comment: comment.action } : {}) };
  });
}
