import { describe, expect, it } from 'vitest';
import { parseRules } from '../../src/rules/load-rules.ts';

describe('labels the service writes, as the rules file sets them', () => {
  it('default to one word each', () => {
    const result = parseRules({ summaries: { jira: { boards: { '7': {} } } } });

    expect(result.ok && result.rules.acceptance.label).toBe('needs-acceptance-criteria');
    expect(result.ok && result.rules.summaries.jira.boards['7']?.label).toBe('sprint-summary');
  });

  it('take a configured word', () => {
    const result = parseRules({ acceptance: { label: 'ac-missing' } });

    expect(result.ok && result.rules.acceptance.label).toBe('ac-missing');
  });

  it.each([
    ['a space', 'needs criteria', 'must be one word, without spaces'],
    ['a tab', 'needs\tcriteria', 'must be one word, without spaces'],
    ['a trailing newline', 'needs-criteria\n', 'must be one word, without spaces'],
  ])('are refused with %s, which Jira would refuse on every write', (_label, label, reason) => {
    expect(parseRules({ acceptance: { label } })).toEqual({
      ok: false,
      problems: [`/acceptance/label ${reason}`],
    });
  });

  it('are refused when empty', () => {
    const result = parseRules({ summaries: { trello: { boards: { b1: { label: '' } } } } });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join()).toContain('/summaries/trello/boards/b1/label');
  });
});
