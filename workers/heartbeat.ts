import { hostname } from 'node:os';
import type { Worker } from 'bullmq';
import type { RedisClient } from '../src/queue/connection.ts';

const BEAT_MS = 5_000;
/** A worker is stale when it has not beaten for this long (its process is gone or stuck). */
export const HEARTBEAT_STALE_MS = 20_000;

export interface WorkerBeat {
  host: string;
  pid: number;
  startedAt: number;
  beatAt: number;
  /** When this worker last started a job; with jobs waiting, a long gap means it is wedged. */
  lastJobAt: number | null;
  running: boolean;
}

/**
 * Longer than a Retry-After pause (30 s by default) and than ordinary jobs, so a paused or busy worker is not
 * taken for a wedged one.
 */
export const WEDGED_AFTER_MS = 120_000;

/**
 * A worker is wedged when it is alive, jobs are waiting, and it has started none for a long time: what BullMQ
 * #4479/#4585 looked like (a blocking connection silently idle after a Redis outage while the process beat on).
 */
export function isWorkerWedged(
  beat: WorkerBeat,
  waitingCount: number,
  now: number,
  afterMs = WEDGED_AFTER_MS,
): boolean {
  if (!beat.running || waitingCount === 0) return false;
  return now - Math.max(beat.lastJobAt ?? 0, beat.startedAt) > afterMs;
}

export function heartbeatKey(prefix: string): string {
  return `${prefix}:workers`;
}

/**
 * Each worker process records that it is alive and when it last took a job, in Redis where readiness probes
 * (and tests) can read it: a worker whose blocking connection went silent after a Redis outage still beats,
 * but stops taking jobs while jobs wait, and that is visible.
 */
export function startHeartbeat(
  redis: RedisClient,
  prefix: string,
  worker: Worker,
): { stop(): Promise<void> } {
  const beat: WorkerBeat = {
    host: hostname(),
    pid: process.pid,
    startedAt: Date.now(),
    beatAt: Date.now(),
    lastJobAt: null,
    running: true,
  };
  const field = `${beat.host}:${beat.pid}`;
  const write = () => {
    beat.beatAt = Date.now();
    beat.running = worker.isRunning();
    return redis.hset(heartbeatKey(prefix), field, JSON.stringify(beat)).catch(() => 0);
  };
  worker.on('active', () => {
    beat.lastJobAt = Date.now();
  });
  const timer = setInterval(write, BEAT_MS);
  timer.unref();
  void write();
  return {
    async stop() {
      clearInterval(timer);
      await redis.hdel(heartbeatKey(prefix), field).catch(() => 0);
    },
  };
}

export async function readHeartbeats(redis: RedisClient, prefix: string): Promise<WorkerBeat[]> {
  const entries = await redis.hgetall(heartbeatKey(prefix));
  return Object.values(entries).map((value) => JSON.parse(value) as WorkerBeat);
}
