import { describe, expect, it } from 'vitest';
import { type SprintFieldChange, wasInSprintAt } from '../../../src/domain/sprint-summary/reconstruct.ts';
import { sprint } from './sprint-fixture.ts';

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
    ['no history: caller decides (in)', [], true, true],
    ['no history: caller decides (out)', [], false, false],
  ])('%s', (_name, changes, withoutHistory, expected) => {
    expect(wasInSprintAt(changes, sprint, start, withoutHistory)).toBe(expected);
  });
});
