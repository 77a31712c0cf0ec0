import { describe, expect, it } from 'vitest';
import {
  appendMissingSections,
  checkItem,
  parseAcceptanceRules,
  resolveTemplate,
} from '../../../src/domain/acceptance/index.ts';

const rules = parseAcceptanceRules({});

/** Content each section accepts under its heading, which the prose detectors would not find on their own. */
const CONTENT: Record<string, string> = {
  'acceptance-criteria': '- The cart keeps its 3 items after logout',
  'steps-to-reproduce': 'Open the cart, pay',
  expected: 'A total of 10',
  actual: 'A total of 9',
  environment: 'Chromium on a laptop',
};

const headings = (type: string) =>
  resolveTemplate(rules, { type }).sections.flatMap((section) =>
    [section.heading, ...section.aliases].map((name) => [type, section.key, name] as const),
  );

describe('the shipped templates', () => {
  it.each([...headings('Story'), ...headings('Bug')])(
    '%s: the %s section is found under the heading "%s"',
    (type, key, name) => {
      const template = resolveTemplate(rules, { type });
      const description = `## ${name}\n${CONTENT[key]}`;
      const verdict = checkItem({ title: 'Cart', description }, template);

      expect(CONTENT[key]).toBeDefined();
      expect(verdict.missingSections).not.toContain(key);
      expect(
        checkItem({ title: 'Cart', description: CONTENT[key] ?? '' }, template).missingSections,
      ).toContain(key);
    },
  );

  it.each([
    ['Observed results', 'actual'],
    ['Environments', 'environment'],
    ['Build identifiers', 'environment'],
    ['Expected behaviours', 'expected'],
  ])('a plural heading "%s" names the %s section', (name, key) => {
    const bug = resolveTemplate(rules, { type: 'Bug' });
    const verdict = checkItem({ title: 'Cart', description: `## ${name}\n${CONTENT[key]}` }, bug);

    expect(verdict.missingSections).not.toContain(key);
  });

  it.each([
    ['Story', 'story'],
    ['User Story', 'story'],
    ['Feature', 'story'],
    ['Bug', 'bug'],
    ['Defect', 'bug'],
    ['Incident', 'bug'],
    ['Task', 'task'],
    ['Sub-task', 'task'],
    ['Subtask', 'task'],
    ['Epic', 'none'],
  ])('a %s gets the %s template', (type, name) => {
    expect(resolveTemplate(rules, { type }).name).toBe(name);
  });

  it.each([
    ['Story', ['missing-user-story: error', 'missing-acceptance-criteria: error']],
    [
      'Bug',
      [
        'missing-steps-to-reproduce: error',
        'missing-expected: error',
        'missing-actual: error',
        'missing-environment: warning',
      ],
    ],
    ['Task', []],
    ['Epic', []],
  ])('an empty %s is told what its type requires (docs/acceptance.md)', (type, expected) => {
    const verdict = checkItem({ title: 'Cart', description: '' }, resolveTemplate(rules, { type }));

    expect(verdict.findings.map((f) => `${f.name}: ${f.severity}`)).toEqual(expected);
    expect(verdict.ok).toBe(expected.length === 0);
  });

  it('/ac template on an empty bug report writes every section with its placeholder', () => {
    const bug = resolveTemplate(rules, { type: 'Bug' });
    const verdict = checkItem({ title: 'Export', description: '' }, bug);

    expect(appendMissingSections('', verdict, bug)).toBe(
      [
        '## Steps to reproduce',
        '1. <first action>',
        '2. <next action>',
        '',
        '## Expected result',
        '<what should happen>',
        '',
        '## Actual result',
        '<what happens instead, with the exact error message>',
        '',
        '## Environment',
        '<product version, OS / browser / device>',
        '',
      ].join('\n'),
    );
  });
});
