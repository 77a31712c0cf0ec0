import { setTimeout } from 'node:timers/promises';
import { ErrorCode, Queue } from 'bullmq';
import type { Config } from '../src/config.ts';
import type { JobDataMap } from '../src/domain/job-requests.ts';
import { summaryJob } from '../src/domain/sprint-summary/index.ts';
import type { Logger } from '../src/logger.ts';
import { createRedis } from '../src/queue/connection.ts';
import { QUEUE_NAME } from '../src/queue/jobs.ts';
import {
  createScheduleRegistrations,
  type ScheduleRegistrations,
  type UnregisteredSchedule,
} from '../src/queue/schedule-registrations.ts';
import type { Rules } from '../src/rules/rules-schema.ts';

const PREFIX = 'sprint-summary.trello.';
const RECONCILE_ID = 'linking.reconcile-remote-links';

export interface ScheduledSummary {
  schedulerId: string;
  boardId: string;
  cron: string;
}

function templateOptions(config: Config) {
  return {
    attempts: config.jobAttempts,
    backoff: { type: 'exponential' as const, delay: config.jobBackoffMs },
    removeOnComplete: { age: 3_600, count: 10_000 },
    removeOnFail: { age: 14 * 86_400 },
  };
}

/** The Trello boards whose rules give a cron: each gets one summary scheduler. */
export function summarySchedules(rules: Rules): ScheduledSummary[] {
  return Object.entries(rules.summaries.trello.boards).flatMap(([boardId, board]) =>
    board.cron ? [{ schedulerId: `${PREFIX}${boardId}`, boardId, cron: board.cron }] : [],
  );
}

/** The reconcile of remote links every `LINK_RECONCILE_INTERVAL_MS`; none when it is 0. */
export function linkReconcileSchedule(config: Config): { every: number } | undefined {
  return config.linkReconcileIntervalMs > 0 ? { every: config.linkReconcileIntervalMs } : undefined;
}

/**
 * One scheduler, upserted (or removed when turned off) by every worker at start, as the summaries' are, with the
 * same tries and failure record: a Redis error on it must not keep the summaries from being registered. Whether its
 * failure record stands: until it registers while on, until it is removed once turned off.
 */
async function registerLinkReconcile(
  queue: Queue,
  config: Config,
  log: Logger,
  registrations: ScheduleRegistrations,
): Promise<boolean> {
  const repeat = linkReconcileSchedule(config);
  if (!repeat) {
    const removal = removalOf(RECONCILE_ID, {}, 'Link reconcile', 'it still runs though turned off');
    return !(await registerTried(removal, queue, config, log, registrations));
  }
  // The first run one interval on: a new scheduler with `every` would otherwise run at once (BullMQ), and a
  // registered one keeps its next run whatever the start date (a restart or a rules reload changes nothing).
  const startDate = new Date(Date.now() + repeat.every);
  const registered = await registerTried(
    {
      id: RECONCILE_ID,
      facts: repeat,
      name: 'Link reconcile',
      refused: 'Link reconcile schedule refused; it keeps the schedule it had',
      apply: (queue, log) =>
        upsertRepairing(
          queue,
          log,
          RECONCILE_ID,
          { ...repeat, startDate },
          {
            name: 'reconcile-remote-links',
            data: { trigger: 'schedule' } satisfies JobDataMap['reconcile-remote-links'],
            opts: templateOptions(config),
          },
        ),
    },
    queue,
    config,
    log,
    registrations,
  );
  if (registered) log.info({ every: repeat.every }, 'Remote link reconcile scheduled');
  return true;
}

const REGISTER_TRIES = 3;

/**
 * BullMQ's answers to an upsert of a scheduler left half-written: its add script stores the scheduler and its next
 * job's hash before queueing that job, and a Redis error in between (Lua does not roll back) leaves a job that is in
 * no list. Every later upsert of that scheduler meets the job's id and refuses (BullMQ issue #3063: the stale hash
 * is not even removed by `removeJobScheduler`), so the schedule would never come back by itself.
 */
const HALF_WRITTEN = new Set<unknown>([ErrorCode.SchedulerJobIdCollision, ErrorCode.SchedulerJobSlotsBusy]);

type SchedulerArgs = Parameters<Queue['upsertJobScheduler']>;

/** An upsert that, on a half-written scheduler, removes it and the job in the way, then upserts again. */
async function upsertRepairing(queue: Queue, log: Logger, ...[id, repeat, template]: SchedulerArgs) {
  try {
    await queue.upsertJobScheduler(id, repeat, template);
  } catch (error) {
    if (!HALF_WRITTEN.has((error as { code?: unknown }).code)) throw error;
    const next = (await queue.getJobScheduler(id))?.next;
    log.warn(
      { schedulerId: id, next },
      'Job scheduler left half-written by an earlier error; registering it anew',
    );
    await queue.removeJobScheduler(id);
    // Once the scheduler is gone the job no longer counts as its next run, which BullMQ would refuse to remove.
    if (next) await queue.remove(`repeat:${id}:${next}`);
    await queue.upsertJobScheduler(id, repeat, template);
  }
}

/**
 * A scheduler to register (its upsert) or to remove, and what the log and API show of it. A removal that keeps
 * failing leaves a schedule running that the rules no longer want: it is recorded like a registration that does.
 */
interface Registration {
  id: string;
  /** A board's cron, or the reconcile's interval; only the board of a removal. */
  facts: Pick<UnregisteredSchedule, 'boardId' | 'cron' | 'every'>;
  name: string;
  /** The error log's message once every try failed. */
  refused: string;
  /** The warn log's message before another try, when not "<name> schedule not registered (removed)". */
  retrying?: string;
  apply: (queue: Queue, log: Logger) => Promise<void>;
  removal?: true;
}

function removalOf(id: string, facts: Registration['facts'], name: string, still: string): Registration {
  return {
    id,
    facts,
    name,
    refused: `${name} schedule not removed; ${still}`,
    apply: async (queue) => void (await queue.removeJobScheduler(id)),
    removal: true,
  };
}

/**
 * One scheduler registered or removed, tried again with backoff: a momentary Redis error (a timeout, a dropped link)
 * passes. One that fails every try is recorded with its reason for the admin API (`GET /admin/schedules`), until a
 * registration or removal of it succeeds.
 */
async function registerTried(
  registration: Registration,
  queue: Queue,
  config: Config,
  log: Logger,
  registrations: ScheduleRegistrations,
): Promise<boolean> {
  const { id, facts } = registration;
  const about = { schedulerId: id, ...facts };
  for (let tries = 1; ; tries += 1) {
    try {
      await registration.apply(queue, log);
      await told(log, registration, () => registrations.succeeded(id));
      return true;
    } catch (error) {
      const err = { message: (error as Error).message };
      if (tries === REGISTER_TRIES) {
        // A bad cron in one board's rules must not keep the worker, or the other schedules, down.
        log.error({ ...about, err, tries }, registration.refused);
        await told(log, registration, () =>
          registrations.failed({
            id,
            ...facts,
            ...(registration.removal && { action: 'remove' as const }),
            tries,
            reason: err.message,
            lastTriedAt: new Date().toISOString(),
          }),
        );
        return false;
      }
      const not = registration.removal ? 'not removed' : 'not registered';
      log.warn(
        { ...about, err, tries },
        registration.retrying ?? `${registration.name} schedule ${not}; trying again`,
      );
      await setTimeout(config.jobBackoffMs * 2 ** (tries - 1));
    }
  }
}

/** The record of an outcome is news for operators, not a reason to fail the registration of the other schedules. */
async function told(log: Logger, registration: Registration, write: () => Promise<void>) {
  try {
    await write();
  } catch (error) {
    log.warn(
      { schedulerId: registration.id, ...registration.facts, err: { message: (error as Error).message } },
      `Could not record whether the ${registration.name.toLowerCase()} schedule is ${registration.removal ? 'removed' : 'registered'}`,
    );
  }
}

/** One board's summary scheduler. */
function summaryRegistration(schedule: ScheduledSummary, rules: Rules, config: Config): Registration {
  const job = summaryJob({ tracker: 'trello', boardId: schedule.boardId, trigger: 'schedule' });
  return {
    id: schedule.schedulerId,
    facts: { boardId: schedule.boardId, cron: schedule.cron },
    name: 'Summary',
    refused: 'Summary schedule refused; the board keeps the schedule it had',
    apply: (queue, log) =>
      upsertRepairing(
        queue,
        log,
        schedule.schedulerId,
        { pattern: schedule.cron, tz: rules.summaries.timeZone },
        { name: job.name, data: job.data, opts: templateOptions(config) },
      ),
  };
}

/**
 * Makes the queue's summary schedulers match the rules: adds or updates one per board with a cron and removes
 * those of boards that lost theirs. Schedulers live in Redis, so every worker may run this at start: upserts
 * of the same id are idempotent and BullMQ fires each schedule once, whichever worker takes the job.
 */
export async function registerSchedules(
  config: Config,
  rules: Rules,
  log: Logger,
): Promise<ScheduledSummary[]> {
  const connection = createRedis(config.redisUrl, 'client', log, { cluster: config.redisCluster });
  const queue = new Queue(QUEUE_NAME, { connection, prefix: `{${config.queuePrefix}}` });
  const registrations = createScheduleRegistrations(connection, config.queuePrefix);
  try {
    const keep = new Set<string>();
    if (await registerLinkReconcile(queue, config, log, registrations)) keep.add(RECONCILE_ID);
    const wanted: ScheduledSummary[] = [];
    for (const schedule of summarySchedules(rules)) {
      // Kept even when its registration fails: removing it would stop the board's summaries over one Redis
      // error or one typo in a reloaded cron, and nobody would see it but in the log.
      keep.add(schedule.schedulerId);
      if (
        await registerTried(summaryRegistration(schedule, rules, config), queue, config, log, registrations)
      )
        wanted.push(schedule);
    }
    let schedulers: Awaited<ReturnType<Queue['getJobSchedulers']>> = [];
    // Listed with the same tries: one Redis error must not fail the registration. Listed in vain, the boards
    // that lost their cron keep running; the failure stands (shown as a removal) until a listing succeeds.
    const listing: Registration = {
      id: `${PREFIX}*`,
      facts: {},
      name: 'Summary',
      refused: 'Summary schedulers not listed; boards that lost their cron still run on the cron they had',
      retrying: 'Summary schedulers not listed; trying again',
      apply: async (queue) => {
        schedulers = await queue.getJobSchedulers();
      },
      removal: true,
    };
    if (!(await registerTried(listing, queue, config, log, registrations))) keep.add(listing.id);
    for (const scheduler of schedulers) {
      const id = scheduler.id ?? scheduler.key;
      if (!id.startsWith(PREFIX) || keep.has(id)) continue;
      const board = { boardId: id.slice(PREFIX.length) };
      const removal = removalOf(id, board, 'Summary', "the board's summaries still run on the cron it had");
      // Its failure stands until a removal succeeds, or the board has a cron again.
      if (!(await registerTried(removal, queue, config, log, registrations))) keep.add(id);
    }
    await registrations.keepOnly(keep);
    if (wanted.length > 0) log.info({ schedules: wanted }, 'Sprint summary schedules registered');
    return wanted;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
