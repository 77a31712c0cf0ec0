import { describe, expect, it } from 'vitest';
import {
  reconstructCommitted,
  type SprintFieldChange,
  wasInSprintAt,
} from '../../../src/domain/sprint-summary/reconstruct.ts';
import { issue, sprint } from './sprint-fixture.ts';

const start = '2025-03-03T09:00:00.000Z';
const change = (at: string, from: string[], to: string[]): SprintFieldChange => ({ at, from, to });

describe('wasInSprintAt', () => {
  it.each<[string, SprintFieldChange[], boolean, boolean]>([
    ['added before the start, by id', [change('2025-03-01', [], ['42'])], false, true],
    ['added before the start, by name', [change('2025-03-01', [], ['Sprint 12'])], false, true],
    ['added after the start', [change('2025-03-04', [], ['42'])], true, false],
    ['carried over from the previous sprint', [change('2025-02-01', ['41'], ['41', '42'])], false, true],
    [
      'removed before the start',
      [change('2025-02-01', [], ['42']), change('2025-03-02', ['42'], [])],
      true,
      false,
    ],
    [
      'removed after the start: history before it decides',
      [change('2025-03-05', ['42'], ['43'])],
      false,
      true,
    ],
    [
      'history out of order',
      [change('2025-03-02', ['42'], []), change('2025-02-01', [], ['42'])],
      true,
      false,
    ],
    ['added at the very moment it started', [change(start, [], ['42'])], false, true],
    [
      'named with blanks around it, as a split list gives',
      [change('2025-03-01', [], ['41', ' 42 '])],
      false,
      true,
    ],
    ['named by its name with blanks', [change('2025-03-01', [], [' Sprint 12'])], false, true],
    ['moved on to the next sprint before the start', [change('2025-03-01', ['42'], ['43'])], true, false],
    ['no history: caller decides (in)', [], true, true],
    ['no history: caller decides (out)', [], false, false],
  ])('%s', (_name, changes, withoutHistory, expected) => {
    expect(wasInSprintAt(changes, sprint, start, withoutHistory)).toBe(expected);
  });
});

describe('reconstructCommitted', () => {
  it('without history: an item created into the sprint by its start is committed, one created later is not', () => {
    const atClose = [
      issue(1, 'done', 3, { createdAt: '2025-03-03T09:00:00.000Z' }),
      issue(2, 'done', 3, { createdAt: '2025-03-03T09:00:01.000Z' }),
    ];
    expect(reconstructCommitted(sprint, atClose, [], {}).map((item) => item.ref.key)).toEqual(['ABC-1']);
  });

  it('trusts the caller about a removed item without history, unless its history says otherwise', () => {
    const removed = [issue(5, 'todo', 3), issue(8, 'todo', 1)];
    const history = { '8': [change('2025-03-05', [], ['42']), change('2025-03-06', ['42'], [])] };
    expect(reconstructCommitted(sprint, [], removed, history).map((item) => item.ref.key)).toEqual(['ABC-5']);
  });
});
