import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import {
  delayedJobs,
  delayedRetries,
  retryAllFailedJobs,
  retryFailedJob,
  scheduledRunJobs,
} from '../../../queue/jobs.ts';
import { UnregisteredScheduleSchema } from '../../../queue/schedule-registrations.ts';
import { HttpError } from '../../errors.ts';
import type { AdminContext } from '../admin-deps.ts';
import { IdParams, responses, SECURED } from '../schemas.ts';

const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;

/** The states jobs are listed and counted in: BullMQ's, with schedulers' next runs apart from the delayed jobs. */
const LISTED_STATES = [
  'waiting',
  'active',
  'delayed',
  'scheduled',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;

const JobSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  state: Type.String(),
  item: Type.Optional(Type.String({ description: 'Key of the item the job is about' })),
  attemptsMade: Type.Integer(),
  failedReason: Type.Optional(Type.String()),
  stacktrace: Type.Array(Type.String()),
  createdAt: Type.String(),
  finishedAt: Type.Optional(Type.String()),
  data: Type.Unknown(),
  progress: Type.Optional(
    Type.Unknown({
      description: "What a long job reported so far, e.g. a re-score's { pages, seen, written, ... }",
    }),
  ),
  returnValue: Type.Optional(Type.Unknown()),
});

type JobState = (typeof LISTED_STATES)[number];

const QueueStateSchema = Type.Object({ paused: Type.Boolean() });
const CountsSchema = Type.Record(Type.String(), Type.Integer());

const JobListSchema = Type.Object({ total: Type.Integer(), jobs: Type.Array(JobSchema) });

const Paging = {
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
};

const SchedulesSchema = Type.Object({
  schedules: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String({ description: 'The job each run adds' }),
      pattern: Type.Optional(Type.String({ description: 'Cron' })),
      tz: Type.Optional(Type.String()),
      every: Type.Optional(Type.Integer({ description: 'Milliseconds between runs' })),
      next: Type.Optional(Type.String({ description: 'The next run (ISO 8601)' })),
    }),
  ),
  unregistered: Type.Array(UnregisteredScheduleSchema, {
    description:
      "Schedules (boards' summaries, the link reconcile) a worker could not register after its tries, with the last error",
  }),
  unremoved: Type.Array(UnregisteredScheduleSchema, {
    description:
      'Schedulers the rules no longer want (a board that lost its cron, the link reconcile turned off) that a worker could not remove after its tries: they still run',
  }),
});

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : undefined);

async function toJobView(job: Job, state?: string) {
  const item = (job.data as { event?: { item?: { key?: string } } } | undefined)?.event?.item?.key;
  return {
    id: job.id ?? '',
    name: job.name,
    state: state ?? (await job.getState()),
    item,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason || undefined,
    stacktrace: job.stacktrace ?? [],
    createdAt: iso(job.timestamp) ?? '',
    finishedAt: iso(job.finishedOn),
    data: job.data,
    // BullMQ starts every job at progress 0: only what a job reported is shown.
    progress: job.progress === 0 ? undefined : job.progress,
    returnValue: job.returnvalue ?? undefined,
  };
}

/** An operator's change to a job, in the log with the ids that find the job's own lines. */
const jobLogFields = (job: Job, clientAddress: string) => ({
  jobId: job.id,
  deliveryId: (job.data as { event?: { deliveryId?: string } } | undefined)?.event?.deliveryId,
  clientAddress,
});

export function registerJobRoutes(app: FastifyInstance, context: AdminContext): void {
  const admin = app.withTypeProvider<TypeBoxTypeProvider>();
  const { queue } = context;
  const tags = ['jobs'];
  /** Jobs per state, `delayed` without job schedulers' next runs: those are `scheduled`. */
  const counts = async (): Promise<Record<string, number>> => {
    const [perState, delayed] = await Promise.all([queue.getJobCounts(...JOB_STATES), delayedJobs(queue)]);
    return { ...perState, delayed: delayed.retries, scheduled: delayed.scheduled.length };
  };
  const getJob = async (id: string) => {
    const job = await queue.getJob(id);
    if (!job) throw new HttpError(404, `No job ${id}`);
    return job;
  };

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const)
    admin.post(
      `/queue/${action}`,
      {
        schema: {
          tags,
          security: SECURED,
          summary: paused
            ? 'Hold every job back (deliveries are still accepted and queued); idempotent'
            : 'Let workers take jobs again; idempotent',
          response: responses({ 200: QueueStateSchema }),
        },
      },
      async (request) => {
        await (paused ? queue.pause() : queue.resume());
        // Logged loudly: a pause forgotten is every capability stopped, with nothing failing to say so.
        request.log.warn({ clientAddress: request.ip }, paused ? 'Queue paused' : 'Queue resumed');
        return { paused };
      },
    );

  admin.get(
    '/queue',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Whether the queue is paused, and its jobs per state',
        response: responses({
          200: Type.Object({
            ...QueueStateSchema.properties,
            counts: CountsSchema,
          }),
        }),
      },
    },
    async () => {
      const [paused, perState] = await Promise.all([queue.isPaused(), counts()]);
      return { paused, counts: perState };
    },
  );

  admin.get(
    '/jobs/counts',
    {
      schema: {
        tags,
        security: SECURED,
        summary:
          "Jobs per state; `delayed` counts jobs waiting out a retry's backoff, `scheduled` job schedulers' next runs",
        response: responses({ 200: CountsSchema }),
      },
    },
    counts,
  );

  const jobsOf = async (state: JobState, skip: number, take: number): Promise<Job[]> => {
    if (state === 'delayed') return delayedRetries(queue, skip, take);
    if (state === 'scheduled') return (await scheduledRunJobs(queue)).slice(skip, skip + take);
    return queue.getJobs([state], skip, skip + take - 1);
  };

  /** One page over the states in their order (BullMQ would page each state on its own), newest first in each. */
  const list = async (states: readonly JobState[], offset: number, limit: number) => {
    const allCounts = await counts();
    const perState = Object.fromEntries(states.map((state) => [state, allCounts[state] ?? 0]));
    const page: ReturnType<typeof toJobView>[] = [];
    let skip = offset;
    let wanted = limit;
    for (const state of states) {
      const count = perState[state] ?? 0;
      const take = Math.min(wanted, Math.max(0, count - skip));
      if (take > 0) {
        const jobs = await jobsOf(state, skip, take);
        page.push(...jobs.map((job) => toJobView(job, state)));
        wanted -= jobs.length;
      }
      skip = Math.max(0, skip - count);
      if (wanted === 0) break;
    }
    const total = Object.values(perState).reduce((sum, count) => sum + count, 0);
    return { total, jobs: await Promise.all(page) };
  };

  admin.get(
    '/jobs',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Jobs of one state (all states without it), newest first within a state',
        querystring: Type.Object({
          state: Type.Optional(Type.Union(LISTED_STATES.map((state) => Type.Literal(state)))),
          ...Paging,
        }),
        response: responses({ 200: JobListSchema }),
      },
    },
    async (request) => {
      const { state, offset, limit } = request.query;
      return list(state ? [state] : LISTED_STATES, offset, limit);
    },
  );

  admin.get(
    '/schedules',
    {
      schema: {
        tags,
        security: SECURED,
        summary:
          'The job schedulers in Redis (Trello summaries, the link reconcile), and those that could not be registered or removed, why and when last tried',
        response: responses({ 200: SchedulesSchema }),
      },
    },
    async () => {
      const [schedulers, failures] = await Promise.all([queue.getJobSchedulers(), context.schedules.list()]);
      const schedules = schedulers.map((scheduler) => ({
        id: scheduler.id ?? scheduler.key,
        name: scheduler.name,
        pattern: scheduler.pattern ?? undefined,
        tz: scheduler.tz ?? undefined,
        every: scheduler.every ? Number(scheduler.every) : undefined,
        next: iso(scheduler.next),
      }));
      const unremoved = failures.flatMap(({ action, ...failure }) => (action === 'remove' ? [failure] : []));
      const unregistered = failures.filter((failure) => failure.action !== 'remove');
      return { schedules, unregistered, unremoved };
    },
  );

  admin.get(
    '/jobs/failed',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Failed jobs with their error, newest first',
        querystring: Type.Object(Paging),
        response: responses({ 200: JobListSchema }),
      },
    },
    async (request) => list(['failed'], request.query.offset, request.query.limit),
  );

  admin.post(
    '/jobs/failed/retry',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Retry every failed job, each with its attempts again',
        response: responses({ 200: Type.Object({ retried: Type.Integer() }) }),
      },
    },
    async (request) => {
      const retried = await retryAllFailedJobs(queue);
      request.log.info({ retried, clientAddress: request.ip }, 'Failed jobs retried');
      return { retried };
    },
  );

  admin.get(
    '/jobs/:id',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'One job',
        params: IdParams,
        response: responses({ 200: JobSchema }),
      },
    },
    async (request) => toJobView(await getJob(request.params.id)),
  );

  admin.post(
    '/jobs/:id/retry',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Retry one failed job, with its attempts again',
        params: IdParams,
        response: responses({ 200: JobSchema }),
      },
    },
    async (request) => {
      const job = await getJob(request.params.id);
      if (!(await retryFailedJob(job)))
        throw new HttpError(409, `Job ${job.id} is ${await job.getState()}, only failed jobs are retried`);
      request.log.info(jobLogFields(job, request.ip), 'Job retried');
      return toJobView(job);
    },
  );

  admin.delete(
    '/jobs/:id',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Remove a job (not while it runs)',
        params: IdParams,
        response: responses({ 200: Type.Object({ removed: Type.String() }) }),
      },
    },
    async (request) => {
      const job = await getJob(request.params.id);
      if ((await job.getState()) === 'active') throw new HttpError(409, `Job ${job.id} is running`);
      await job.remove().catch((error: unknown) => {
        // A worker took the job after the check: BullMQ refuses to remove a locked job.
        if (error instanceof Error && /locked/.test(error.message))
          throw new HttpError(409, `Job ${job.id} is running (a worker took it); remove it once it ends`);
        throw error;
      });
      request.log.info(jobLogFields(job, request.ip), 'Job removed');
      return { removed: job.id ?? request.params.id };
    },
  );
}
