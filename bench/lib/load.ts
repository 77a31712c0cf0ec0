import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadResult {
  label: string;
  /** Answered 202: what intake accepted (a 200 duplicate or ignored delivery is not counted). */
  accepted: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** Answers other than 202. */
  other: number;
  /**
   * CPU time per accepted delivery (µs), where /proc tells: the target's process, Redis, the AOF rewrites Redis
   * forked meanwhile (their CPU is not Redis's own), and this load generator.
   */
  cpuMicros?: { target: number; redis: number; redisForks?: number; loadGenerator: number };
  /** Share of the machine's CPU time left idle during the run (0–1), where /proc tells. */
  idle?: number;
}

/** CPU time a process used so far (ms), from /proc; undefined where there is no /proc. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Resident memory (MB) of a process now, from /proc. */
export function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** Highest resident memory (MB) of each process while `during` runs, sampled every 100 ms. */
export async function peakDuring<T>(
  pids: number[],
  during: Promise<T>,
): Promise<{ value: T; peaks: number[] }> {
  const peaks = pids.map(residentMb);
  const timer = setInterval(() => {
    for (const [index, pid] of pids.entries()) peaks[index] = Math.max(peaks[index]!, residentMb(pid));
  }, 100);
  try {
    return { value: await during, peaks };
  } finally {
    clearInterval(timer);
  }
}

/** The machine's idle and total CPU time so far (clock ticks, all cores), from /proc; undefined without it. */
function machineTicks(): { idle: number; total: number } | undefined {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // idle + iowait: time no process wanted a core.
    return { idle: ticks[3]! + ticks[4]!, total: ticks.reduce((sum, n) => sum + n, 0) };
  } catch {
    return undefined;
  }
}

export interface LoadOptions {
  label: string;
  url: string;
  /** The next request's body and headers. */
  request: () => { body: string; headers: Record<string, string> };
  connections: number;
  durationSeconds: number;
  /** Whose CPU time to account per accepted delivery. */
  pids?: { target?: number; redis?: number };
  /** CPU time (ms) Redis's forked children used so far: on two cores an AOF rewrite competes with the target. */
  redisForksMs?: () => Promise<number>;
}

/** Drives one target with signed deliveries for a bounded time; loopback only. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const forksBefore = await options.redisForksMs?.();
  const machineBefore = machineTicks();
  const own = process.cpuUsage();
  const before = [cpuMs(options.pids?.target), cpuMs(options.pids?.redis)];
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request: autocannon.Request) => {
          const { body, headers } = options.request();
          return { ...request, body, headers: { ...request.headers, ...headers } };
        },
      },
    ],
  });
  const after = [cpuMs(options.pids?.target), cpuMs(options.pids?.redis)];
  const ownMicros = process.cpuUsage(own);
  const machineAfter = machineTicks();
  const forksAfter = await options.redisForksMs?.();
  const accepted = result.statusCodeStats?.['202']?.count ?? 0;
  const perAccepted = (micros: number) => micros / Math.max(accepted, 1);
  const perDelivery = (index: number) => perAccepted((after[index]! - before[index]!) * 1000);
  const answered = Object.values(result.statusCodeStats ?? {}).reduce((sum, s) => sum + (s.count ?? 0), 0);
  return {
    label: options.label,
    accepted,
    perSecond: Math.round(accepted / options.durationSeconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    other: answered - accepted,
    cpuMicros: after.every((ms) => ms !== undefined)
      ? {
          target: perDelivery(0),
          redis: perDelivery(1),
          redisForks:
            forksBefore === undefined || forksAfter === undefined
              ? undefined
              : perAccepted((forksAfter - forksBefore) * 1000),
          loadGenerator: perAccepted(ownMicros.user + ownMicros.system),
        }
      : undefined,
    idle:
      machineBefore && machineAfter
        ? (machineAfter.idle - machineBefore.idle) / Math.max(machineAfter.total - machineBefore.total, 1)
        : undefined,
  };
}
