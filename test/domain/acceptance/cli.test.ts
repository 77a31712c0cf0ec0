import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'quality-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function quality(...args: string[]) {
  const result = spawnSync('node_modules/.bin/node', ['src/cli/quality.ts', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('quality CLI', () => {
  it('prints one line of finding names per story', () => {
    const input = file('stories.jsonl', [
      JSON.stringify({
        id: 's1',
        text: 'As a user, I want to log in, so that I see my data.',
        labels: { x: 1 },
      }),
      '',
      JSON.stringify({ id: 's2', text: 'As a user, I want to add and remove tags.' }),
    ]);
    const run = quality('check', '--type', 'story', '--input', input);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { id: 's1', findings: ['missing-acceptance-criteria'] },
      { id: 's2', findings: ['missing-benefit', 'not-atomic', 'missing-acceptance-criteria'] },
    ]);
  });

  it('prints one line per bug report', () => {
    const input = file('bugs.jsonl', [
      JSON.stringify({
        id: 'b1',
        title: 'Pay fails',
        description: '1. Open cart\n2. Click Pay\nIt should pay. Chrome 126',
      }),
      JSON.stringify({ id: 'b2', title: 'Pay', description: 'Make paying nicer.' }),
    ]);
    const run = quality('check', '--type', 'bug', '--input', input);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      '{"id":"b1","findings":[]}\n' +
        '{"id":"b2","findings":["missing-steps-to-reproduce","missing-expected","missing-actual","missing-environment"]}\n',
    );
  });

  const stories = file('ok.jsonl', [JSON.stringify({ id: 'a', text: 'As a user, I want x, so that y.' })]);
  it.each([
    [['check', '--type', 'epic', '--input', stories], '--type must be story or bug, got "epic"'],
    [['check', '--type', 'story'], '--input FILE is required'],
    [['check', '--type', 'story', '--input', stories, '--fast'], "Unknown option '--fast'"],
    [['check', '--type', 'story', '--input', join(dir, 'missing.jsonl')], 'cannot read --input'],
    [
      ['check', '--type', 'story', '--input', file('bad.jsonl', ['{"id":"a","text":"x"}', '{oops'])],
      'bad.jsonl:2: not valid JSON',
    ],
    [
      ['check', '--type', 'bug', '--input', file('nofield.jsonl', ['{"id":"a","title":"t"}'])],
      'field "description" must be a string',
    ],
    [
      ['check', '--type', 'story', '--input', file('noid.jsonl', ['{"text":"x"}'])],
      'noid.jsonl:1: field "id" is missing',
    ],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const run = quality(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
