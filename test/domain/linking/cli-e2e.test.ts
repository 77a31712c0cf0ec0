import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'linking-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, rows: readonly unknown[] | string): string {
  const target = path.join(dir, name);
  writeFileSync(target, typeof rows === 'string' ? rows : rows.map((r) => JSON.stringify(r)).join('\n'));
  return target;
}

function cli(...args: string[]) {
  const run = spawnSync(path.join(root, 'node_modules/.bin/node'), ['src/cli/linking.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const backlog = file('backlog.jsonl', [
  {
    id: 'item-1',
    title: 'Broker drops messages on restart',
    description: 'KahaDB journal',
    created: '2020-01-01T00:00:00Z',
    extra: 1,
  },
  {
    id: 'item-2',
    title: 'Web console login fails',
    description: 'HTTP 500 on login',
    created: '2020-06-01T00:00:00Z',
  },
  {
    id: 'item-3',
    title: 'Broker restart loses messages again',
    description: 'KahaDB',
    created: '2021-06-01T00:00:00Z',
  },
]);

describe('linking CLI', () => {
  it('ranks each query against older backlog items and prints one JSON line per query', () => {
    const queries = file('queries.jsonl', [
      {
        id: 'q1',
        title: 'messages lost after broker restart',
        description: '',
        created: '2021-01-01T00:00:00Z',
      },
      { id: 'q2', title: 'console login error 500', description: '', relevant: ['item-2'] },
    ]);
    const run = cli('rank', '--backlog', backlog, '--queries', queries, '--top', '2');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['q1', 'q2']);
    expect(lines[0].ranked).toEqual(['item-1']);
    expect(lines[1].ranked[0]).toBe('item-2');
    expect(lines[1].ranked.length).toBeLessThanOrEqual(2);
    for (const l of lines) {
      expect(l.scores).toHaveLength(l.ranked.length);
      for (const s of l.scores) expect(s >= 0 && s <= 1).toBe(true);
    }
  });

  it('ranks a customer-worded query that has an empty title', () => {
    const queries = file('customer.jsonl', [
      { id: 'c1', title: '', description: 'I cannot log in to the console, it shows error 500' },
    ]);
    const run = cli('rank', '--backlog', backlog, '--queries', queries, '--top', '3');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const line = JSON.parse(run.stdout);
    expect(line.id).toBe('c1');
    expect(line.ranked[0]).toBe('item-2');
    expect(line.scores).toHaveLength(line.ranked.length);
  });

  it.each([
    [['rank', '--queries', 'x.jsonl'], /--backlog FILE is required/],
    [
      ['rank', '--backlog', 'missing.jsonl', '--queries', 'missing.jsonl'],
      /cannot read missing\.jsonl: ENOENT/,
    ],
    [['rank', '--backlog', 'b', '--queries', 'q', '--top', 'ten'], /--top must be a positive integer/],
    [['rank', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /missing command/],
  ])('rejects %j with exit code 2 and a clear message', (args, message) => {
    const run = cli(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it.each([
    ['broken JSON', '{"id": "a", "title": ', /bad\.jsonl:1: not valid JSON/],
    ['a missing id', '{"title": "x"}', /record 1: "id" must be a non-empty string/],
    [
      'a bad created time',
      '{"id": "a", "title": "x", "created": "yesterday"}',
      /"created" must be an ISO 8601/,
    ],
  ])('names the problem for a backlog file with %s', (_, content, message) => {
    const bad = file('bad.jsonl', content);
    const run = cli('rank', '--backlog', bad, '--queries', bad);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('evaluates a dev set laid out like shared/data/linking-dev', () => {
    const data = mkdtempSync(path.join(dir, 'dev-'));
    const write = (name: string, rows: readonly unknown[]) =>
      writeFileSync(path.join(data, name), rows.map((r) => JSON.stringify(r)).join('\n'));
    write('backlog.jsonl', [
      { id: 'B-1', title: 'Broker drops messages on restart', description: 'KahaDB journal' },
      { id: 'B-2', title: 'Web console login fails', description: 'HTTP 500' },
    ]);
    write('queries.jsonl', [
      {
        id: 'Q-1',
        title: 'messages lost on broker restart',
        description:
          'After a broker restart the KahaDB journal has lost messages.\n  at org.Broker.start(Broker.java:1)',
        relevant: ['B-1'],
      },
    ]);
    write('meta.jsonl', [
      { id: 'B-1', created: '2020-01-01T00:00:00Z', role: 'master', group_master: 'B-1' },
      { id: 'B-2', created: '2020-02-01T00:00:00Z', role: 'backlog', group_master: null },
      { id: 'Q-1', created: '2020-03-01T00:00:00Z', role: 'query', group_master: 'B-1' },
    ]);
    const run = cli('eval', '--data', data);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const wording of ['developer', 'customer'])
      expect(run.stdout).toMatch(
        new RegExp(
          `\\| ${wording}, all \\| 1 \\| 1\\.000 \\| 1\\.000 \\| 1\\.000 \\| 1\\.000 \\| \\d\\.\\d{3} \\|`,
        ),
      );
    expect(run.stdout).toMatch(/0 tickets without enough prose left out/);
    expect(run.stdout).toMatch(/and 1 unmatched backlog items/);
  });
});
