import { describe, expect, it } from 'vitest';
import { planAcceptance } from '../../../src/domain/acceptance/plan-acceptance.ts';
import type { TrackerEvent } from '../../../src/domain/events.ts';
import type { PlanContext } from '../../../src/domain/plan-jobs.ts';
import { defaultRules } from '../../../src/rules/load-rules.ts';

const base = {
  deliveryId: 'd1',
  tracker: 'jira' as const,
  actor: { id: 'ada', displayName: 'Ada' },
  occurredAt: '2025-01-01T00:00:00Z',
  item: { tracker: 'jira' as const, id: '1', key: 'APP-1' },
  container: { id: '10000', key: 'APP', projectType: 'software' },
};
const created: TrackerEvent = { ...base, kind: 'item.created', issueType: 'Story' };
const updated = (...fields: string[]): TrackerEvent => ({
  ...base,
  kind: 'item.updated',
  changes: fields.map((field) => ({ field, from: 'a', to: 'b' })),
});
const plan = (event: TrackerEvent, role: PlanContext['role']) =>
  planAcceptance(event, { rules: defaultRules(), role });

describe('planAcceptance: when an item is checked against its template', () => {
  it.each([
    ['a backlog item created', created],
    ['its description edited', updated('description')],
    ['its summary edited', updated('summary')],
    ['its type changed', updated('issuetype')],
    ['its status changed (the gate)', updated('status')],
    ['a Trello card renamed', updated('title')],
    ['a Trello card moved to another list (the gate)', updated('list')],
    ['a Trello checklist changed', updated('checklist')],
    ['a field named in another case', updated('Description')],
    ['one watched field among others', updated('labels', 'status')],
  ])('%s', (_label, event) => {
    expect(plan(event, 'backlog')).toEqual([{ name: 'check-acceptance', data: { event } }]);
  });

  it.each([
    ['a change the verdict does not depend on', updated('labels', 'priority', 'assignee')],
    ['an item deleted', { ...base, kind: 'item.deleted' } as TrackerEvent],
    ['a comment', { ...base, kind: 'comment.created', comment: { id: 'c1', text: 'ok' } } as TrackerEvent],
  ])('not on %s', (_label, event) => {
    expect(plan(event, 'backlog')).toEqual([]);
  });

  it('a Trello checklist renamed in a delivery naming no card: its card is looked up and checked by the job', () => {
    const { item: _item, ...rest } = base;
    const event: TrackerEvent = {
      ...rest,
      tracker: 'trello',
      kind: 'checklist.updated',
      checklist: { id: 'cl1', name: 'Acceptance criteria' },
    };
    expect(plan(event, undefined)).toEqual([{ name: 'check-checklist', data: { event } }]);
  });

  it('only backlog items: not support tickets, nor items of no known role', () => {
    expect(plan(created, 'support')).toEqual([]);
    expect(plan(updated('description'), 'support')).toEqual([]);
    expect(plan(created, undefined)).toEqual([]);
  });
});
