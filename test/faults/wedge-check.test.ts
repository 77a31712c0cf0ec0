import { describe, expect, it } from 'vitest';
import { isWorkerWedged, WEDGED_AFTER_MS, type WorkerBeat } from '../../workers/heartbeat.ts';

const NOW = 1_000_000_000;
const beat = (over: Partial<WorkerBeat>): WorkerBeat => ({
  host: 'h',
  pid: 1,
  startedAt: NOW - 10 * WEDGED_AFTER_MS,
  beatAt: NOW,
  lastJobAt: NOW - 1_000,
  running: true,
  ...over,
});

describe('isWorkerWedged', () => {
  it.each([
    ['took a job recently, jobs waiting', beat({}), 5, false],
    ['idle long, nothing waiting', beat({ lastJobAt: NOW - 2 * WEDGED_AFTER_MS }), 0, false],
    ['idle long, jobs waiting', beat({ lastJobAt: NOW - 2 * WEDGED_AFTER_MS }), 5, true],
    ['never took a job since a long-ago start, jobs waiting', beat({ lastJobAt: null }), 1, true],
    [
      'just started, never took a job, jobs waiting',
      beat({ lastJobAt: null, startedAt: NOW - 1_000 }),
      1,
      false,
    ],
    ['closing (not running), jobs waiting', beat({ lastJobAt: null, running: false }), 1, false],
  ])('%s → %s', (_case, worker, waiting, wedged) => {
    expect(isWorkerWedged(worker, waiting, NOW)).toBe(wedged);
  });
});
