import { describe, expect, it } from 'vitest';
import { resolvedBy, resolveSummaryRules } from '../../../src/domain/sprint-summary/index.ts';
import { issue, sprint } from './sprint-fixture.ts';

const close = sprint.completeDate;
const { notResolved } = resolveSummaryRules();
const ticket = (at: string, name = 'Done') => issue(1, 'done', undefined, { resolution: { name, at } });

describe('a linked support ticket counts as resolved in a sprint summary', () => {
  it('when resolved by the close, before the sprint started too', () => {
    expect(resolvedBy(ticket('2025-03-10T12:00:00.000Z'), close, notResolved)).toBe(true);
    expect(resolvedBy(ticket('2024-11-02T12:00:00.000Z'), close, notResolved)).toBe(true);
  });

  it('not when resolved after the close, so a re-run of the summary says the same', () => {
    expect(resolvedBy(ticket('2025-03-17T16:00:01.000Z'), close, notResolved)).toBe(false);
    expect(resolvedBy(ticket('2025-03-17T16:00:01.000Z'), undefined, notResolved)).toBe(true);
  });

  it('not when closed as Won’t Do or Duplicate, nor while open', () => {
    expect(resolvedBy(ticket('2025-03-10T12:00:00.000Z', "Won't Do"), close, notResolved)).toBe(false);
    expect(resolvedBy(ticket('2025-03-10T12:00:00.000Z', 'Duplicate'), close, notResolved)).toBe(false);
    expect(resolvedBy(ticket('2025-03-10T12:00:00.000Z', 'won’t do'), close, notResolved)).toBe(false);
    expect(resolvedBy(ticket('2025-03-10T12:00:00.000Z', 'Duplicate'), close, ['Obsolete'])).toBe(true);
    expect(resolvedBy(issue(1, 'in_progress'), close, notResolved)).toBe(false);
  });
});
