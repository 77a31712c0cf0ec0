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
  /** CPU time per accepted delivery (µs) of the target's process and of Redis, where /proc tells. */
  cpuMicros?: { target: number; redis: number };
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

export interface LoadOptions {
  label: string;
  url: string;
  /** The next request's body and headers. */
  request: () => { body: string; headers: Record<string, string> };
  connections: number;
  durationSeconds: number;
  /** Whose CPU time to account per accepted delivery. */
  pids?: { target?: number; redis?: number };
}

/** Drives one target with signed deliveries for a bounded time; loopback only. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
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
  const accepted = result.statusCodeStats?.['202']?.count ?? 0;
  const perDelivery = (index: number) => ((after[index]! - before[index]!) * 1000) / Math.max(accepted, 1);
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
      ? { target: perDelivery(0), redis: perDelivery(1) }
      : undefined,
  };
}
