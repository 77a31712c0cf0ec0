import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Container } from '../../src/domain/events.ts';
import { defaultRules, loadRulesFile } from '../../src/rules/load-rules.ts';
import { classifyContainer } from '../../src/rules/scope-rules.ts';

const dir = mkdtempSync(join(tmpdir(), 'rules-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadRulesFile', () => {
  it('gives working defaults with no file at all', async () => {
    const result = await loadRulesFile(undefined);

    expect(result).toMatchObject({
      ok: true,
      rules: { scoring: { model: 'rice' }, linking: { linkType: 'Relates' } },
    });
  });

  it('reads YAML, keeping defaults for everything not set', async () => {
    const path = file(
      'rules.yaml',
      'scope:\n  jira:\n    supportProjects: [HELP]\nscoring:\n  model: wsjf\n',
    );

    const result = await loadRulesFile(path);

    expect(result.ok && result.rules.scope.jira.supportProjects).toEqual(['HELP']);
    expect(result.ok && result.rules.scoring.model).toBe('wsjf');
    expect(result.ok && result.rules.commands.maxPerComment).toBe(10);
  });

  it('lists every problem of an invalid file', async () => {
    const path = file(
      'bad.json',
      JSON.stringify({ scoring: { model: 'moscow' }, linking: { autoLinkThreshold: 3 }, colour: 'red' }),
    );

    const result = await loadRulesFile(path);

    expect(result).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        '/scoring/model must be one of rice, wsjf',
        '/linking/autoLinkThreshold must be <= 1',
        'rules has unknown setting(s): colour',
      ]),
    });
  });

  it('refuses labels with spaces, which Jira would refuse on every write', async () => {
    const path = file('spaced.yaml', 'acceptance:\n  label: needs criteria\n');

    const result = await loadRulesFile(path);

    expect(result).toEqual({ ok: false, problems: ['/acceptance/label must be one word, without spaces'] });
  });

  it('refuses a label longer than the 255 characters Jira keeps in one label', async () => {
    const path = file('long-label.yaml', `acceptance:\n  label: ${'x'.repeat(256)}\n`);

    const result = await loadRulesFile(path);

    expect(result).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^\/acceptance\/label .*255/)],
    });
  });

  it('refuses a time zone the service does not know, saying what it wants', async () => {
    const path = file('zone.yaml', 'summaries:\n  timeZone: Europe/Berln\n');

    const result = await loadRulesFile(path);

    expect(result).toEqual({
      ok: false,
      problems: [
        '/summaries/timeZone is not a time zone the service knows: Europe/Berln (an IANA name, such as Europe/Berlin or UTC)',
      ],
    });
  });

  it('knows the resolutions that close a ticket without resolving it for its customer, a site’s own instead', async () => {
    const defaults = await loadRulesFile(undefined);
    const own = await loadRulesFile(
      file('resolutions.yaml', "summaries:\n  notResolved: [Won't Do, Duplicate, Obsolete]\n"),
    );
    const empty = await loadRulesFile(file('no-resolution.yaml', "summaries:\n  notResolved: ['']\n"));

    expect(defaults.ok && defaults.rules.summaries.notResolved).toEqual([
      "Won't Do",
      "Won't Fix",
      'Duplicate',
      'Cannot Reproduce',
      'Declined',
      'Rejected',
    ]);
    expect(own.ok && own.rules.summaries.notResolved).toEqual(["Won't Do", 'Duplicate', 'Obsolete']);
    expect(empty).toEqual({
      ok: false,
      problems: ['/summaries/notResolved/0 must not have fewer than 1 characters'],
    });
  });

  it.each([
    ['missing.json', 'cannot read'],
    ['broken.yaml', 'is not valid yaml'],
  ])('explains a file it cannot use (%s)', async (name, problem) => {
    const path = name === 'missing.json' ? join(dir, name) : file(name, 'scope: [unclosed');

    const result = await loadRulesFile(path);

    expect(result.ok === false && result.problems[0]).toContain(problem);
  });
});

describe('classifyContainer', () => {
  const rules = defaultRules();
  const jira = (key: string, projectType = 'software'): Container => ({ id: key, key, projectType });

  it.each([
    ['a software project with no rules file', jira('KAN'), 'backlog'],
    ['a Jira Service Management project', jira('HELP', 'service_desk'), 'support'],
  ])('%s is %s', (_label, container, role) => {
    expect(classifyContainer('jira', container, rules.scope)).toBe(role);
  });

  it('honours Trello support lists by name on any board', () => {
    const scope = { ...rules.scope, trello: { ...rules.scope.trello, supportLists: ['Customer reports'] } };

    expect(classifyContainer('trello', { id: 'b1', key: 'b1', listName: 'customer reports' }, scope)).toBe(
      'support',
    );
    expect(classifyContainer('trello', { id: 'b1', key: 'b1', listName: 'Doing' }, scope)).toBe('backlog');
  });
});
