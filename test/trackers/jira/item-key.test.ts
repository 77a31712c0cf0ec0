import { describe, expect, it } from 'vitest';
import { parseIssueKey } from '../../../src/trackers/jira/item-key.ts';

describe('parseIssueKey', () => {
  it.each([
    ['BR-12', 'BR-12'],
    [' BR-12 ', 'BR-12'],
    ['https://acme.atlassian.net/browse/BR-12', 'BR-12'],
    ['https://acme.atlassian.net/browse/BR-12?focusedCommentId=1', 'BR-12'],
    ['https://acme.atlassian.net/jira/software/projects/BR/boards/1?selectedIssue=BR-12', 'BR-12'],
    ['br-12', undefined],
    ['BR-12x', undefined],
    ['https://acme.atlassian.net/browse/BR-12x', undefined],
    ['no key here', undefined],
  ])('%s → %s', (input, expected) => {
    expect(parseIssueKey(input)).toBe(expected);
  });
});
