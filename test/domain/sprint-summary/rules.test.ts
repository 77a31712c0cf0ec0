import { describe, expect, it } from 'vitest';
import {
  jiraBoardSummary,
  resolveSummaryRules,
  trelloBoardSummary,
} from '../../../src/domain/sprint-summary/rules.ts';

describe('SummaryRulesSchema', () => {
  const rules = resolveSummaryRules({
    jira: {
      boards: { '7': { target: { kind: 'comment', issueKey: 'OPS-1' } }, '8': { target: { kind: 'issue' } } },
    },
    trello: { boards: { b1: { cron: '0 9 * * 1', doneLists: ['Shipped'] } } },
  });

  it.each<[string, unknown, unknown]>([
    [
      'Jira comment target',
      jiraBoardSummary(rules, '7'),
      { target: { kind: 'comment', issueKey: 'OPS-1' }, label: 'sprint-summary' },
    ],
    [
      'Jira issue target gets its type',
      jiraBoardSummary(rules, '8').target,
      { kind: 'issue', issueType: 'Task' },
    ],
    [
      'unlisted Jira board',
      jiraBoardSummary(rules, '99'),
      { target: { kind: 'issue', issueType: 'Task' }, label: 'sprint-summary', bugTypes: ['Bug'] },
    ],
    [
      'Trello board keeps its settings and gets the rest',
      trelloBoardSummary(rules, 'b1'),
      {
        cron: '0 9 * * 1',
        windowDays: 14,
        doneLists: ['Shipped'],
        inProgressLists: ['Doing', 'In Progress'],
        target: { kind: 'list', listName: 'Sprint summaries' },
      },
    ],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toMatchObject(expected as object);
  });

  it('has no cron by default', () => {
    expect(trelloBoardSummary(rules, 'other')).not.toHaveProperty('cron');
  });

  it.each([
    [{ jira: { boards: { '7': { target: { kind: 'comment' } } } } }],
    [{ trello: { boards: { b: { windowDays: 0 } } } }],
  ])('rejects %j', (input) => {
    expect(() => resolveSummaryRules(input)).toThrow();
  });
});
