import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseRules } from '../../src/rules/load-rules.ts';

const docs = new URL('../../docs/', import.meta.url);
const pages = [
  new URL('../../README.md', import.meta.url),
  ...readdirSync(docs)
    .filter((name) => name.endsWith('.md'))
    .map((name) => new URL(name, docs)),
];
const examples = pages.flatMap((page) =>
  [...readFileSync(page, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? ''),
);

describe('rules examples in the README and docs/', () => {
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
