import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { ItemRef } from '../domain/events.ts';
import type { CommentEvent } from '../domain/job-requests.ts';
import type { RedisClient } from '../queue/connection.ts';
import type { Intake } from '../queue/intake.ts';
import { jobId } from '../queue/jobs.ts';
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
  queue: Queue;
  index: BacklogIndex;
  replica: Replica;
  now?: () => Date;
}

/** Thrown for an action on something the read model does not know (the page answers 404). */
export class UnknownTarget extends Error {}

/**
 * Console actions are slash commands commented by the person: a `run-commands` job on a synthetic comment, as
 * the admin API's command action does, so effects, replies and the audit trail (`console: ada`) are the ones
 * a command in the tracker gets.
 */
export function createConsoleActions(options: ConsoleActionsOptions): ConsoleActions {
  const { redis, intake, queue, index, replica } = options;
  const now = options.now ?? (() => new Date());
  const keys = readModelKeys(options.keyPrefix);
  const targetOf = commandTargets(redis, keys, index);

  async function command(
    item: ItemRef,
    container: { id: string; key: string },
    text: string,
    by: ConsolePerson,
  ): Promise<ActionReceipt> {
    const deliveryId = `console.${randomUUID()}`;
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
    return { deliveryId, jobIds: [jobId(job, deliveryId)] };
  }

  async function ticketOf(ticket: ItemInput) {
    const [info, suggestions] = await redis.hmget(keys.triage.ticket(docId(ticket)), 'info', 'suggestions');
    if (!info) throw new UnknownTarget(`No support ticket ${ticket.tracker}:${ticket.id} in the read model`);
    return {
      info: JSON.parse(info) as TicketInfo,
      suggestions: JSON.parse(suggestions ?? '[]') as StoredSuggestion[],
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
    const { info, suggestions } = await ticketOf(ticket);
    const key = await keyOf(item, suggestions);
    const ref = { tracker: info.tracker, id: info.id, key: info.key };
    return command(ref, containerOf(info.container, info.containerKey), `/${verb} ${key}`, by);
  }

  return {
    confirmLink: (ticket, item, by) => onTicket(ticket, item, 'link', by),
    rejectLink: (ticket, item, by) => onTicket(ticket, item, 'unlink', by),
    async noMatch(ticket, by) {
      const { info } = await ticketOf(ticket);
      const ref = { tracker: info.tracker, id: info.id, key: info.key };
      return command(ref, containerOf(info.container, info.containerKey), '/nomatch', by);
    },
    async undo(item, by) {
      await replica.sync();
      const target = await targetOf(item);
      if (!target)
        throw new UnknownTarget(
          `No backlog item or support ticket ${item.tracker}:${item.id} in the read model`,
        );
      return command(target.ref, target.container, '/undo', by);
    },
    async retryJob(id) {
      const job = await queue.getJob(id);
      if (!job || (await job.getState()) !== 'failed') return false;
      await job.retry('failed');
      return true;
    },
    async retryAllFailed() {
      const failed = await queue.getFailedCount();
      await queue.retryJobs({ state: 'failed' });
      return failed;
    },
  };
}
