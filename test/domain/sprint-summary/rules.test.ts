import { describe, expect, it } from 'vitest';
import {
  jiraBoardOfProject,
  jiraBoardSummary,
  resolveSummaryRules,
  trelloBoardSummary,
} from '../../../src/domain/sprint-summary/rules.ts';

describe('SummaryRulesSchema', () => {
  // Resolved inside each test, so a rules change that throws fails the tests instead of loading the file.
  const rules = () =>
    resolveSummaryRules({
      jira: {
        boards: {
          '7': { target: { kind: 'comment', issueKey: 'OPS-1' } },
          '8': { target: { kind: 'issue' } },
        },
      },
      trello: { boards: { b1: { cron: '0 9 * * 1', doneLists: ['Shipped'] } } },
    });

  it.each<[string, () => unknown, unknown]>([
    [
      'Jira comment target',
      () => jiraBoardSummary(rules(), '7'),
      { target: { kind: 'comment', issueKey: 'OPS-1' }, label: 'sprint-summary' },
    ],
    [
      'Jira issue target gets its type',
      () => jiraBoardSummary(rules(), '8').target,
      { kind: 'issue', issueType: 'Task' },
    ],
    [
      'unlisted Jira board',
      () => jiraBoardSummary(rules(), '99'),
      { target: { kind: 'issue', issueType: 'Task' }, label: 'sprint-summary', bugTypes: ['Bug'] },
    ],
    [
      'Trello board keeps its settings and gets the rest',
      () => trelloBoardSummary(rules(), 'b1'),
      {
        cron: '0 9 * * 1',
        windowDays: 14,
        doneLists: ['Shipped'],
        inProgressLists: ['Doing', 'In Progress'],
        target: { kind: 'list', listName: 'Sprint summaries' },
      },
    ],
  ])('%s', (_name, actual, expected) => {
    expect(actual()).toMatchObject(expected as object);
  });

  it('has no cron by default', () => {
    expect(trelloBoardSummary(rules(), 'other')).not.toHaveProperty('cron');
  });

  it.each([
    [{ jira: { boards: { '7': { target: { kind: 'comment' } } } } }],
    [{ trello: { boards: { b: { windowDays: 0 } } } }],
  ])('rejects %j', (input) => {
    expect(() => resolveSummaryRules(input)).toThrow();
  });
});

describe('rules file defaults and checks', () => {
  it('an empty or missing section lists no boards', () => {
    const empty = {
      timeZone: 'UTC',
      notResolved: expect.arrayContaining(["Won't Do", 'Duplicate']),
      jira: { boards: {} },
      trello: { boards: {} },
    };
    expect(resolveSummaryRules()).toEqual(empty);
    expect(resolveSummaryRules({ jira: {} })).toEqual(empty);
  });

  it('an unlisted Trello board posts a card per 14-day window in "Sprint summaries"', () => {
    expect(trelloBoardSummary(resolveSummaryRules(), 'b9')).toEqual({
      windowDays: 14,
      doneLists: ['Done'],
      inProgressLists: ['Doing', 'In Progress'],
      target: { kind: 'list', listName: 'Sprint summaries' },
      label: 'sprint-summary',
      bugLabels: ['bug'],
    });
  });

  it('a Trello board can post to a list of its own or comment on one card', () => {
    const rules = resolveSummaryRules({
      trello: {
        boards: {
          list: { target: { kind: 'list' } },
          card: { target: { kind: 'comment', cardId: 'c1' } },
        },
      },
    });
    expect(trelloBoardSummary(rules, 'list').target).toEqual({ kind: 'list', listName: 'Sprint summaries' });
    expect(trelloBoardSummary(rules, 'card').target).toEqual({ kind: 'comment', cardId: 'c1' });
  });

  it('a Jira board can name the project its summary issues go to', () => {
    const rules = resolveSummaryRules({
      jira: { boards: { '7': { target: { kind: 'issue', projectKey: 'OPS', issueType: 'Story' } } } },
    });
    expect(jiraBoardSummary(rules, '7').target).toEqual({
      kind: 'issue',
      projectKey: 'OPS',
      issueType: 'Story',
    });
  });

  it.each([
    ['a label with a space', { jira: { boards: { '7': { label: 'sprint summary' } } } }],
    ['an empty label', { trello: { boards: { b: { label: '' } } } }],
    [
      'a comment target without its issue',
      { jira: { boards: { '7': { target: { kind: 'comment', issueKey: '' } } } } },
    ],
    ['a comment target without its card', { trello: { boards: { b: { target: { kind: 'comment' } } } } }],
    ['an unknown Jira target', { jira: { boards: { '7': { target: { kind: 'list', listName: 'x' } } } } }],
    ['an unknown Trello target', { trello: { boards: { b: { target: { kind: 'issue' } } } } }],
    ['an empty Trello list name', { trello: { boards: { b: { target: { kind: 'list', listName: '' } } } } }],
    ['an empty cron', { trello: { boards: { b: { cron: '' } } } }],
    [
      'an issue target in an empty project',
      { jira: { boards: { '7': { target: { kind: 'issue', projectKey: '' } } } } },
    ],
    [
      'a comment target on an empty card id',
      { trello: { boards: { b: { target: { kind: 'comment', cardId: '' } } } } },
    ],
    ['an empty project key', { jira: { boards: { '7': { projectKey: '' } } } }],
  ])('rejects %s', (_name, input) => {
    expect(() => resolveSummaryRules(input)).toThrow();
  });
});

describe('jiraBoardOfProject', () => {
  const rules = () =>
    resolveSummaryRules({
      jira: { boards: { '3': {}, '7': { projectKey: 'ops' }, '9': { projectKey: 'APP' } } },
    });

  it('finds the board whose rules name the project, in any case', () => {
    expect(jiraBoardOfProject(rules(), 'OPS')).toBe('7');
    expect(jiraBoardOfProject(rules(), 'app')).toBe('9');
  });

  it('finds none for a project no board names', () => {
    expect(jiraBoardOfProject(rules(), 'WEB')).toBeUndefined();
    expect(jiraBoardOfProject(resolveSummaryRules(), 'OPS')).toBeUndefined();
  });
});
