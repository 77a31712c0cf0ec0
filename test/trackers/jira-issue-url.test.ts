import { describe, expect, it } from 'vitest';
import { parseIssueKey } from '../../src/trackers/jira-issue-url.ts';

const SITE = 'https://acme.atlassian.net';

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
    ['https://acme.atlassian.net/jira/software/projects/BR/boards/1?selectedIssue=BR-12x', undefined],
    ['no key here', undefined],
  ])('%s → %s', (input, expected) => {
    expect(parseIssueKey(SITE, input)).toBe(expected);
  });

  it.each([
    ['another Jira site', 'https://vendor.atlassian.net/browse/BR-12'],
    ['a look-alike host', 'https://acme.atlassian.net.evil.test/browse/BR-12'],
    ['another scheme', 'ftp://acme.atlassian.net/browse/BR-12'],
    ['another port', 'https://acme.atlassian.net:8443/browse/BR-12'],
  ])('the URL of an issue on %s names none of ours', (_name, url) => {
    expect(parseIssueKey(SITE, url)).toBeUndefined();
  });

  it('reads the issues of a site under a path only below that path', () => {
    const site = 'https://tools.example.test/jira/';
    expect(parseIssueKey(site, 'https://tools.example.test/jira/browse/BR-12')).toBe('BR-12');
    expect(parseIssueKey(site, 'https://tools.example.test/browse/BR-12')).toBeUndefined();
    expect(parseIssueKey(site, 'https://tools.example.test/other/browse/BR-12')).toBeUndefined();
    expect(parseIssueKey(site, 'https://tools.example.test/jira-old/browse/BR-12')).toBeUndefined();
  });
});
