import autocannon from 'autocannon';

export interface LoadResult {
  label: string;
  accepted: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** Answers other than 202 (a 200 "ignored" among them). */
  non2xx: number;
}

export interface LoadOptions {
  label: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Header that gets a unique value per request (a fresh delivery id). */
  uniqueHeader?: string;
  connections: number;
  durationSeconds: number;
}

/** Drives one target with signed deliveries for a bounded time; loopback only. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let sequence = 0;
  const run = Math.random().toString(36).slice(2, 8);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: 'POST',
        body: options.body,
        headers: options.headers,
        setupRequest: (request: autocannon.Request) => {
          if (options.uniqueHeader)
            request.headers = { ...request.headers, [options.uniqueHeader]: `${run}-${++sequence}` };
          return request;
        },
      },
    ],
  });
  // Only 202 means "enqueued": a 200 ("ignored", "duplicate") is fast because it skips the queue.
  const accepted = result.statusCodeStats?.['202']?.count ?? 0;
  return {
    label: options.label,
    accepted,
    perSecond: Math.round(accepted / options.durationSeconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx + result['2xx'] - accepted,
  };
}
