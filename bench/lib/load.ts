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
}

export interface LoadOptions {
  label: string;
  url: string;
  /** The next request's body and headers. */
  request: () => { body: string; headers: Record<string, string> };
  connections: number;
  durationSeconds: number;
}

/** Drives one target with signed deliveries for a bounded time; loopback only. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
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
  const accepted = result.statusCodeStats?.['202']?.count ?? 0;
  const answered = Object.values(result.statusCodeStats ?? {}).reduce((sum, s) => sum + (s.count ?? 0), 0);
  return {
    label: options.label,
    accepted,
    perSecond: Math.round(accepted / options.durationSeconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    other: answered - accepted,
  };
}
