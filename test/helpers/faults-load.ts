import { Queue } from 'bullmq';
import type { Stack } from '../../scripts/lib/stack.ts';
import { STACK_JIRA_SECRET } from '../../scripts/lib/stack.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import type { Effect, EffectKind } from '../../src/sandbox/ledger.ts';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';

export interface Delivery {
  id: string;
  commentId: string;
  body: string;
}

export interface Attempt {
  /** 200 only for "duplicate": an ignored delivery is a harness bug, reported as 299. */
  status: number;
  ms: number;
  at: number;
  /** A 5xx answer as the sender sees it: the body and the Retry-After header. */
  refusal?: { body: string; retryAfter: string | null };
}

export interface SendRecord {
  delivery: Delivery;
  attempts: Attempt[];
  /** Answered 202, or 200-duplicate after an attempt whose answer was lost: the service owns it. */
  acked: boolean;
}

let sequence = 0;

/** A signed comment_created delivery with a fresh delivery id and comment id, cloned from a real one. */
export function makeDelivery(
  template: Record<string, unknown>,
  issue: { id: string; key: string },
  label: string,
): Delivery {
  sequence += 1;
  const commentId = String(500_000 + sequence);
  const payload = structuredClone(template) as {
    timestamp: number;
    issue: { id: string; key: string; self: string };
    comment: { id: string; self: string };
  };
  payload.timestamp = Date.now();
  payload.issue.id = issue.id;
  payload.issue.key = issue.key;
  payload.issue.self = payload.issue.self.replace(/issue\/\d+$/, `issue/${issue.id}`);
  payload.comment.id = commentId;
  payload.comment.self = payload.comment.self.replace(
    /issue\/\d+\/comment\/\d+$/,
    `issue/${issue.id}/comment/${commentId}`,
  );
  return { id: `fault-${label}-${process.pid}-${sequence}`, commentId, body: JSON.stringify(payload) };
}

/** One POST as Jira makes it; status 0 when the connection failed or the answer took longer than the timeout. */
export async function post(apiUrl: string, delivery: Delivery, timeoutMs = 10_000): Promise<Attempt> {
  const started = Date.now();
  try {
    const response = await fetch(`${apiUrl}/webhooks/jira`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-hub-signature': signJiraBody(delivery.body, STACK_JIRA_SECRET),
        'x-atlassian-webhook-identifier': delivery.id,
        'x-atlassian-webhook-flow': 'Primary',
      },
      body: delivery.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const status = response.status === 200 && !text.includes('"duplicate":true') ? 299 : response.status;
    const attempt: Attempt = { status, ms: Date.now() - started, at: started };
    if (status >= 500) attempt.refusal = { body: text, retryAfter: response.headers.get('retry-after') };
    return attempt;
  } catch {
    return { status: 0, ms: Date.now() - started, at: started };
  }
}

const RETRYABLE = new Set([0, 408, 409, 425, 429]);

/** Sends until acknowledged, retrying like Jira (408/409/425/429/5xx/connection error), until the deadline. */
export async function sendLikeJira(
  apiUrl: string,
  delivery: Delivery,
  deadline: number,
  retryMs = 250,
): Promise<SendRecord> {
  const record: SendRecord = { delivery, attempts: [], acked: false };
  for (;;) {
    const attempt = await post(apiUrl, delivery);
    record.attempts.push(attempt);
    if (attempt.status === 202 || attempt.status === 200) {
      record.acked = true;
      return record;
    }
    const retryable = RETRYABLE.has(attempt.status) || attempt.status >= 500;
    if (!retryable || Date.now() + retryMs > deadline) return record;
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

export interface LoadOptions {
  apiUrl: string;
  next: () => Delivery;
  /** Concurrent senders; each sends one delivery at a time, so a long outage piles up at most this many. */
  senders: number;
  pauseMs: number;
  /** Senders stop starting new deliveries when this resolves. */
  until: Promise<unknown>;
  /** Retries stop here (a bound on every run). */
  deadline: number;
}

export async function runLoad(options: LoadOptions): Promise<SendRecord[]> {
  const records: SendRecord[] = [];
  let stopped = false;
  void options.until.then(() => {
    stopped = true;
  });
  const sender = async () => {
    while (!stopped) {
      records.push(await sendLikeJira(options.apiUrl, options.next(), options.deadline));
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: options.senders }, sender));
  return records;
}

const REPLY_MARKER = /backlog-refinery · reply-(\d+)/;

export interface BotEffects {
  /** Per source comment id: what the bot did to its `/help` reply (created, edited, deleted), in order. */
  perComment: Map<string, EffectKind[]>;
  /** Effects of the bot that belong to no reply: nothing a `/help` delivery asked for. */
  stray: Effect[];
}

/** The bot's effects on the Jira sandbox, from its ledger (every change, not just the POSTs). */
export function botEffects(stack: Stack): BotEffects {
  const perComment = new Map<string, EffectKind[]>();
  const stray: Effect[] = [];
  const bot = stack.jira.botCredentials.accountId;
  for (const effect of stack.jira.ledger) {
    if (effect.actor !== bot) continue;
    const source = effect.kind.startsWith('comment.') && REPLY_MARKER.exec(JSON.stringify(effect.value))?.[1];
    if (source) perComment.set(source, [...(perComment.get(source) ?? []), effect.kind]);
    else stray.push(effect);
  }
  return { perComment, stray };
}

/** What the bot did for the `/help` comment `commentId`; its one intended effect is ['comment.created']. */
export function replyEffects(stack: Stack, commentId: string): EffectKind[] {
  return botEffects(stack).perComment.get(commentId) ?? [];
}

/** The one intended effect of a `/help` delivery. */
export const ONE_REPLY: readonly EffectKind[] = ['comment.created'];

/** replyEffects for each record, in order: compare with `records.map(() => ONE_REPLY)`. */
export function effectsPer(stack: Stack, records: readonly SendRecord[]): EffectKind[][] {
  const { perComment } = botEffects(stack);
  return records.map((record) => perComment.get(record.delivery.commentId) ?? []);
}

const exactlyOnce = (effects: readonly EffectKind[]) => effects.length === 1 && effects[0] === ONE_REPLY[0];

export interface Tally {
  sent: number;
  acked: number;
  lost: number;
  /** Deliveries whose effects were more than (or other than) one reply created: a job run twice edits it. */
  doubled: number;
  /** Bot effects no delivery asked for. */
  extra: number;
  /** Jobs that ran their handler again within one attempt (no crash, stall or retry to explain it). */
  rerun: number;
  /** Deliveries that got no acknowledgement before the deadline (the sender would keep retrying). */
  unacked: number;
  statuses: Record<string, number>;
}

/**
 * Deliveries whose job ran its handler more than once in one attempt. A `/help` job reports the reply it wrote, and
 * a second run finds its stored results and the reply in place, so it writes nothing the ledger could show and
 * reports "unchanged". A job moved to active more than once (stalled, retried) may rightly have found its reply.
 */
export async function rerunJobs(stack: Stack, records: readonly SendRecord[]): Promise<string[]> {
  const queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
  queue.on('error', () => undefined);
  try {
    const jobs = await Promise.all(
      records.map((record) => queue.getJob(`run-commands.jira.${record.delivery.id}`)),
    );
    return jobs
      .filter((job) => job?.finishedOn && job.attemptsStarted === 1)
      .filter((job) => (job!.returnvalue as { reply?: string } | null)?.reply !== 'created')
      .map((job) => job!.id!);
  } finally {
    await queue.close();
  }
}

export async function tally(stack: Stack, records: readonly SendRecord[]): Promise<Tally> {
  const { perComment, stray } = botEffects(stack);
  const effectsOf = (record: SendRecord) => perComment.get(record.delivery.commentId) ?? [];
  const statuses: Record<string, number> = {};
  for (const record of records)
    for (const attempt of record.attempts) statuses[attempt.status] = (statuses[attempt.status] ?? 0) + 1;
  const acked = records.filter((record) => record.acked);
  return {
    sent: records.length,
    acked: acked.length,
    lost: acked.filter((record) => effectsOf(record).length === 0).length,
    doubled: records.filter((record) => effectsOf(record).length > 0 && !exactlyOnce(effectsOf(record)))
      .length,
    extra: stray.length,
    rerun: (await rerunJobs(stack, records)).length,
    unacked: records.length - acked.length,
    statuses,
  };
}

/** True once every acknowledged delivery has its reply. */
export function allEffectsIn(stack: Stack, records: readonly SendRecord[]): boolean {
  const { perComment } = botEffects(stack);
  return records.every((record) => !record.acked || perComment.has(record.delivery.commentId));
}
