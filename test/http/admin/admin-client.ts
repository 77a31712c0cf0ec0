import type { FastifyInstance, InjectOptions } from 'fastify';
import { ADMIN_TOKEN } from '../../helpers/test-config.ts';

type Method = 'GET' | 'POST' | 'DELETE';

/** `app.inject` with the admin bearer token, the way an operator's curl calls the API. */
export function adminClient(app: () => FastifyInstance) {
  return (
    method: Method,
    url: string,
    payload?: InjectOptions['payload'],
    headers: Record<string, string> = {},
  ) =>
    app().inject({ method, url, payload, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } });
}

/** Parses Prometheus text exposition (0.0.4) strictly enough to catch a malformed line; returns samples. */
export function parsePrometheus(
  text: string,
): { name: string; labels: Record<string, string>; value: number }[] {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(meta[3] ?? ''))
          throw new Error(`bad type: ${line}`);
        typed.add(meta[2] ?? '');
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!sample) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1] ?? ''] = pair[2] ?? '';
    const name = sample[1] ?? '';
    if (![...typed].some((family) => name === family || name.startsWith(`${family}_`)))
      throw new Error(`sample without TYPE: ${line}`);
    samples.push({ name, labels, value: Number(sample[3]) });
  }
  return samples;
}
