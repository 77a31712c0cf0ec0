import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseRules } from '../../src/rules/load-rules.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

describe('rules examples in the README', () => {
  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples.map((text) => [text.split('\n')[0], text]))(
    '%s… is a valid rules file',
    (_first, text) => {
      expect(parseRules(parse(text))).toMatchObject({ ok: true });
    },
  );

  it('refuses a misspelt setting with its name and place', () => {
    expect(parseRules({ scope: { jira: { ignoreProjects: ['OPS'] } } })).toEqual({
      ok: false,
      problems: ['/scope/jira has unknown setting(s): ignoreProjects'],
    });
  });
});
