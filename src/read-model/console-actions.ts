import { createHash, randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { changeKey } from '../audit/audit-entry.ts';
import type { AuditStore } from '../audit/audit-store.ts';
import { findLastChange } from '../audit/undo.ts';
import type { ItemRef } from '../domain/events.ts';
import type { CommentEvent } from '../domain/job-requests.ts';
import type { RedisClient } from '../queue/connection.ts';
import type { Intake } from '../queue/intake.ts';
import { jobId, retryAllFailedJobs, retryFailedJob } from '../queue/jobs.ts';
import type { Replica } from '../queue/replicated-hashes.ts';
import type { BacklogIndex } from './backlog-index.ts';
import { commandTargets, containerOf } from './command-target.ts';
import { readModelKeys } from './keys.ts';
import {
  type ActionReceipt,
  type ConsoleActions,
  type ConsolePerson,
  consoleActor,
  type ItemInput,
} from './read-model.ts';
import { docId } from './records.ts';
import type { StoredSuggestion, TicketInfo } from './writer.ts';

export interface ConsoleActionsOptions {
  redis: RedisClient;
  keyPrefix: string;
  intake: Intake;
  audit: Pick<AuditStore, 'list'>;
  queue: Queue;
  index: BacklogIndex;
  replica: Replica;
  now?: () => Date;
}

/** Thrown for an action on something the read model does not know (the page answers 404). */
export class UnknownTarget extends Error {}

/** Thrown for an action its page offered that no longer fits: someone answered since (the page answers 409). */
export class StaleAction extends Error {}

/** The same action on the same state, as a delivery id's part. */
const onceKey = (parts: unknown) => createHash('sha256').update(JSON.stringify(parts)).digest('base64url');

/**
 * Console actions are slash commands commented by the person: a `run-commands` job on a synthetic comment, as
 * the admin API's command action does, so effects, replies and the audit trail (`console: ada`) are the ones
 * a command in the tracker gets.
 */
export function createConsoleActions(options: ConsoleActionsOptions): ConsoleActions {
  const { redis, intake, audit, queue, index, replica } = options;
  const now = options.now ?? (() => new Date());
  const keys = readModelKeys(options.keyPrefix);
  const targetOf = commandTargets(redis, keys, index);

  /** `once`: the delivery's key (`onceKey`), so that the same action sent twice (a double click) queues one job. */
  async function command(
    item: ItemRef,
    container: { id: string; key: string },
    text: string,
    by: ConsolePerson,
    once?: string,
  ): Promise<ActionReceipt> {
    const deliveryId = `console.${once ?? randomUUID()}`;
    const event: CommentEvent = {
      kind: 'comment.created',
      deliveryId,
      tracker: item.tracker,
      actor: consoleActor(by),
      occurredAt: now().toISOString(),
      item,
      container,
      comment: { id: deliveryId.replace('.', '-'), text },
    };
    // Console users have no tracker account to check: the console's own roles decide, as for the admin API.
    const job = { name: 'run-commands' as const, data: { event, byOperator: true } };
    await intake.enqueue(deliveryId, [job]);
    const id = jobId(job, deliveryId);
    // The same answer sent again after its job failed: pressing the button again means running it again.
    const earlier = once ? await queue.getJob(id) : undefined;
    if (earlier && (await earlier.getState()) === 'failed') await retryFailedJob(earlier);
    return { deliveryId, jobIds: [id] };
  }

  /**
   * A ticket the inbox still offers, and a key for one answer to it: the same action on the ticket as it stands
   * now. A page may be stale: another person answered the ticket since, or the job of the same form ran already.
   */
  async function waitingTicket(ticket: ItemInput, action: string) {
    const member = docId(ticket);
    const [fields, waiting] = await Promise.all([
      redis.hgetall(keys.triage.ticket(member)),
      redis.zscore(keys.triage.inbox, member),
    ]);
    if (!fields.info)
      throw new UnknownTarget(`No support ticket ${ticket.tracker}:${ticket.id} in the read model`);
    const info = JSON.parse(fields.info) as TicketInfo;
    if (waiting === null)
      throw new StaleAction(`${info.key} was handled meanwhile: reload the inbox to see where it stands.`);
    return {
      info,
      fields,
      suggestions: JSON.parse(fields.suggestions ?? '[]') as StoredSuggestion[],
      once: onceKey([action, member, Object.entries(fields).sort()]),
    };
  }

  /** The key people type for the item: from the ticket's suggestions, else from the backlog. */
  async function keyOf(item: ItemInput, suggestions: readonly StoredSuggestion[]): Promise<string> {
    const suggested = suggestions.find((s) => s.item.tracker === item.tracker && s.item.id === item.id);
    if (suggested) return suggested.item.key;
    await replica.sync();
    const known = index.find(item.tracker, item.id)?.score;
    if (!known) throw new UnknownTarget(`No backlog item ${item.tracker}:${item.id} in the read model`);
    return known.key;
  }

  async function onTicket(ticket: ItemInput, item: ItemInput, verb: 'link' | 'unlink', by: ConsolePerson) {
    const { info, fields, suggestions, once } = await waitingTicket(ticket, `${verb} ${docId(item)}`);
    const key = await keyOf(item, suggestions);
    const answered = fields[`s:${docId(item)}`];
    if (answered === 'gone')
      throw new StaleAction(
        `${key} was deleted, archived or moved out of the backlog since it was suggested for ${info.key}: reload the inbox to see what is left.`,
      );
    if (answered)
      throw new StaleAction(
        `${key} was ${answered} for ${info.key} meanwhile: reload the inbox to see it now.`,
      );
    const ref = { tracker: info.tracker, id: info.id, key: info.key };
    return command(ref, containerOf(info.container, info.containerKey), `/${verb} ${key}`, by, once);
  }

  return {
    confirmLink: (ticket, item, by) => onTicket(ticket, item, 'link', by),
    rejectLink: (ticket, item, by) => onTicket(ticket, item, 'unlink', by),
    async noMatch(ticket, by) {
      const { info, once } = await waitingTicket(ticket, 'nomatch');
      const ref = { tracker: info.tracker, id: info.id, key: info.key };
      return command(ref, containerOf(info.container, info.containerKey), '/nomatch', by, once);
    },
    async undo(item, change, by) {
      await replica.sync();
      const target = await targetOf(item);
      if (!target)
        throw new UnknownTarget(
          `No backlog item or support ticket ${item.tracker}:${item.id} in the read model`,
        );
      // `/undo` takes back whatever change is the latest when its job runs (and a second one redoes it).
      const [latest] = await findLastChange(audit, target.ref);
      if (!latest || changeKey(latest) !== change)
        throw new StaleAction(
          `${target.ref.key} changed since the page was shown: reload it to see what its last change is now.`,
        );
      return command(target.ref, target.container, '/undo', by, onceKey(['undo', docId(item), change]));
    },
    async retryJob(id) {
      const job = await queue.getJob(id);
      return job ? retryFailedJob(job) : false;
    },
    retryAllFailed: () => retryAllFailedJobs(queue),
  };
}
