import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';

const DOCS = new URL('../../../docs/', import.meta.url);

interface DocumentedCall {
  doc: string;
  method: string;
  path: string;
  query: string[];
}

/** Every admin call the docs show: curl examples (`-X` or GET) and routes named in the text (`POST /admin/...`). */
function documentedCalls(): DocumentedCall[] {
  const calls: DocumentedCall[] = [];
  const add = (doc: string, method: string, target: string) => {
    const [path = '', query = ''] = target.split('?');
    const names = query === '' ? [] : query.split('&').map((pair) => pair.split('=')[0] ?? '');
    calls.push({ doc, method, path, query: names });
  };
  for (const doc of readdirSync(DOCS).filter((name) => name.endsWith('.md'))) {
    const text = readFileSync(new URL(doc, DOCS), 'utf8');
    for (const line of text.split('\n').filter((l) => /^curl .*\$R\/admin\//.test(l))) {
      const method = /-X (\w+)/.exec(line)?.[1] ?? 'GET';
      const target = /\$R(\/admin\/[^\s"]*)/.exec(line)?.[1] ?? '';
      add(doc, method, target);
    }
    for (const [, method = '', target = ''] of text.matchAll(/`(GET|POST|DELETE) (\/admin\/[^`\s]*)`/g))
      add(doc, method, target);
  }
  // Bull Board's own routes are not ours to document (they are hidden from the OpenAPI document).
  return calls.filter((call) => !call.path.startsWith('/admin/queues'));
}

let api: ApiHarness;
let paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
beforeAll(async () => {
  api = await startApiHarness({ admin: {} });
  paths = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json().paths;
});
afterAll(async () => {
  await api.close();
});

/** The OpenAPI operation a documented call reaches: fixed segments first, as Fastify's router prefers them. */
function operationOf(call: DocumentedCall) {
  const segments = call.path.split('/');
  const candidates = Object.keys(paths).filter((path) => {
    const parts = path.split('/');
    return (
      parts.length === segments.length &&
      parts.every((part, i) => part.startsWith('{') || part === segments[i])
    );
  });
  const params = (path: string) => path.split('/').filter((part) => part.startsWith('{')).length;
  const [best] = candidates.sort((a, b) => params(a) - params(b));
  return best === undefined ? undefined : paths[best]?.[call.method.toLowerCase()];
}

describe('docs/*.md and the admin API', () => {
  const calls = documentedCalls();

  it('finds the documented calls', () => {
    expect(calls.length).toBeGreaterThan(20);
  });

  it('has a route, in the OpenAPI document, for every admin call the docs show', () => {
    const missing = calls.filter((call) => !operationOf(call)).map((c) => `${c.doc}: ${c.method} ${c.path}`);

    expect(missing).toEqual([]);
  });

  it('accepts every query parameter the docs show', () => {
    const unknown = calls.flatMap((call) => {
      const known = new Set(
        (operationOf(call)?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      );
      return call.query.filter((name) => !known.has(name)).map((name) => `${call.doc}: ${call.path}?${name}`);
    });

    expect(unknown).toEqual([]);
  });
});
