import Type, { type Static } from 'typebox';
import type { RedisClient } from './connection.ts';

/** A schedule that a worker could not register, or remove (a board's summaries, the link reconcile), as the admin API shows it. */
export const UnregisteredScheduleSchema = Type.Object({
  id: Type.String({
    description:
      'The job scheduler id: sprint-summary.trello.<boardId>, or linking.reconcile-remote-links; sprint-summary.trello.* (a removal) when the schedulers could not be listed',
  }),
  boardId: Type.Optional(Type.String({ description: "A summary schedule's board" })),
  cron: Type.Optional(Type.String({ description: 'The cron the rules give the board' })),
  every: Type.Optional(Type.Integer({ description: "The link reconcile's interval (milliseconds)" })),
  action: Type.Optional(
    Type.Literal('remove', {
      description:
        'Only on a removal that failed (a board that lost its cron, the link reconcile turned off): the scheduler still runs',
    }),
  ),
  tries: Type.Integer(),
  reason: Type.String({ description: "The last try's error, as Redis or BullMQ gave it" }),
  lastTriedAt: Type.String({ description: 'When the last try failed (ISO 8601)' }),
});
export type UnregisteredSchedule = Static<typeof UnregisteredScheduleSchema>;

export interface ScheduleRegistrations {
  failed(schedule: UnregisteredSchedule): Promise<void>;
  /** The schedule is registered (or removed) now: its failure no longer stands. */
  succeeded(id: string): Promise<void>;
  /** Every failure that stands but those of these schedules (not a board whose cron left the rules and whose scheduler is gone, nor a reconcile turned off and removed). */
  keepOnly(ids: ReadonlySet<string>): Promise<void>;
  list(): Promise<UnregisteredSchedule[]>;
}

/**
 * The schedules the workers could not register, shared through Redis: a worker registers them, the API shows them.
 * A failure stands until a registration of that schedule succeeds (a restart, a rules reload).
 */
export function createScheduleRegistrations(redis: RedisClient, keyPrefix: string): ScheduleRegistrations {
  const key = `${keyPrefix}:schedules:unregistered`;
  return {
    async failed(schedule) {
      await redis.hset(key, schedule.id, JSON.stringify(schedule));
    },
    async succeeded(id) {
      await redis.hdel(key, id);
    },
    async keepOnly(ids) {
      const gone = (await redis.hkeys(key)).filter((id) => !ids.has(id));
      if (gone.length > 0) await redis.hdel(key, ...gone);
    },
    async list() {
      const all = Object.values(await redis.hgetall(key)).map(
        (json) => JSON.parse(json) as UnregisteredSchedule,
      );
      return all.sort((a, b) => a.id.localeCompare(b.id));
    },
  };
}
