import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const data = mkdtempSync(path.join(tmpdir(), 'linking-tuning-'));
afterAll(() => rmSync(data, { recursive: true, force: true }));

function write(name: string, rows: readonly unknown[]): void {
  writeFileSync(path.join(data, name), rows.map((r) => JSON.stringify(r)).join('\n'));
}

// The true item is old and shares most words; the other item is recent and shares one word, so only a much
// stronger recency prior puts it first.
write('backlog.jsonl', [
  { id: 'B-1', title: 'Broker drops messages on restart', description: 'KahaDB journal' },
  { id: 'B-2', title: 'Broker web console', description: 'login page' },
]);
write('queries.jsonl', [
  {
    id: 'Q-1',
    title: 'messages lost on broker restart',
    description: 'After a broker restart the KahaDB journal has lost messages.',
    relevant: ['B-1'],
  },
]);
write('meta.jsonl', [
  { id: 'B-1', created: '2015-01-01T00:00:00Z', role: 'master', group_master: 'B-1' },
  { id: 'B-2', created: '2020-02-01T00:00:00Z', role: 'backlog', group_master: null },
  { id: 'Q-1', created: '2020-03-01T00:00:00Z', role: 'query', group_master: 'B-1' },
]);

function evaluate(...extra: string[]) {
  const run = spawnSync(
    path.join(root, 'node_modules/.bin/node'),
    ['src/cli/linking.ts', 'eval', '--data', data, ...extra],
    { cwd: root, encoding: 'utf8' },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const firstRow = (wording: string, recallAt1: string) =>
  new RegExp(`\\| ${wording}, all \\| 1 \\| ${recallAt1} \\| 1\\.000 \\| 1\\.000 \\|`);

describe('linking eval --tuning', () => {
  it('measures the dev set with the ranking parameters given, the rest as shipped', () => {
    const shipped = evaluate();
    expect(shipped.code).toBe(0);
    expect(shipped.stdout).toMatch(firstRow('developer', '1\\.000'));
    expect(shipped.stdout).not.toMatch(/Ranking parameters changed/);

    const tuned = evaluate('--tuning', '{"recencyWeight":50}');
    expect(tuned.stderr).toBe('');
    expect(tuned.code).toBe(0);
    expect(tuned.stdout).toMatch(/^Ranking parameters changed: \{"recencyWeight":50\}\n/);
    for (const wording of ['developer', 'customer'])
      expect(tuned.stdout).toMatch(firstRow(wording, '0\\.000'));
  });

  it.each([
    ['not JSON', '{k1: 1}', /--tuning must be a JSON object/],
    ['an unknown parameter', '{"k2": 1}', /--tuning has unknown setting\(s\): k2/],
    ['a value out of range', '{"maxDocumentFrequency": 2}', /--tuning maxDocumentFrequency must be <= 1/],
    ['a value of the wrong type', '{"k1": "1.5"}', /--tuning k1 must be number/],
  ])('refuses %s with exit code 2 and the reason', (_, json, reason) => {
    const run = evaluate('--tuning', json);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(reason);
    expect(run.stdout).toBe('');
  });
});
