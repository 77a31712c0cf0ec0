import { describe, expect, it } from 'vitest';
import type { Container, FieldChange, TrackerEvent } from '../../src/domain/events.ts';
import { planJobs } from '../../src/domain/plan-jobs.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';

const rules = defaultRules();
const APP: Container = { id: '10000', key: 'APP', projectType: 'software' };
const HELP: Container = { id: '10001', key: 'HELP', projectType: 'service_desk' };
const base = {
  deliveryId: 'd1',
  tracker: 'jira' as const,
  actor: { id: 'ada', displayName: 'Ada' },
  occurredAt: '2025-01-01T00:00:00Z',
  item: { tracker: 'jira' as const, id: '1', key: 'X-1' },
};
const change = (field: string): FieldChange => ({ field, from: 'a', to: 'b' });
const created = (container: Container): TrackerEvent => ({ ...base, container, kind: 'item.created' });
const deleted = (container: Container): TrackerEvent => ({ ...base, container, kind: 'item.deleted' });
const updated = (container: Container, ...fields: string[]): TrackerEvent => ({
  ...base,
  container,
  kind: 'item.updated',
  changes: fields.map(change),
});
const LINKING_JOBS = new Set(['index-item', 'link-ticket', 'notify-resolution']);
const linkingJobs = (event: TrackerEvent) =>
  planJobs(event, rules)
    .map((job) => job.name)
    .filter((name) => LINKING_JOBS.has(name));

describe('planLinking', () => {
  it.each([
    ['a backlog item is created', created(APP), ['index-item']],
    ['a backlog item is deleted', deleted(APP), ['index-item']],
    ['a backlog title changes', updated(APP, 'summary'), ['index-item']],
    ['a backlog item moves project', updated(APP, 'project', 'Key'), ['index-item']],
    ['a backlog item changes status', updated(APP, 'status'), ['notify-resolution']],
    ['a backlog item gets a label', updated(APP, 'labels'), []],
    ['a support ticket is created', created(HELP), ['link-ticket']],
    ['a support ticket is edited', updated(HELP, 'description'), ['link-ticket']],
    ['an item moves into support', updated(HELP, 'project'), ['index-item', 'link-ticket']],
    [
      'a support ticket is resolved or reopened (triage; matched again if reopened)',
      updated(HELP, 'status'),
      ['index-item', 'link-ticket'],
    ],
    ['a support ticket is deleted', deleted(HELP), ['index-item']],
  ])('%s → %j', (_name, event, expected) => {
    expect(linkingJobs(event)).toEqual(expected);
  });

  it('plans a Trello card moved to another list as a possible resolution and a possible role change', () => {
    const board: Container = { id: 'b1', key: 'Board', listId: 'l2', listName: 'Done' };
    expect(linkingJobs({ ...updated(board, 'list'), tracker: 'trello' })).toEqual([
      'index-item',
      'notify-resolution',
    ]);
  });
});
