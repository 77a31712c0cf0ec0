import { describe, expect, it } from 'vitest';
import type { Container, TrackerEvent } from '../../../src/domain/events.ts';
import { backfillIndexRequest, planLinking } from '../../../src/domain/linking-plan/plan-linking.ts';
import type { PlanContext } from '../../../src/domain/plan-jobs.ts';
import { defaultRules } from '../../../src/rules/load-rules.ts';

const APP: Container = { id: '10000', key: 'APP', projectType: 'software' };
const base = {
  deliveryId: 'd1',
  tracker: 'jira' as const,
  actor: { id: 'ada', displayName: 'Ada' },
  occurredAt: '2025-01-01T00:00:00Z',
  item: { tracker: 'jira' as const, id: '1', key: 'APP-1' },
  container: APP,
};
const created: TrackerEvent = { ...base, kind: 'item.created' };
const deleted: TrackerEvent = { ...base, kind: 'item.deleted' };
const linked = (kind: 'link.created' | 'link.deleted'): TrackerEvent => ({
  ...base,
  kind,
  container: { id: 'unknown', key: 'unknown' },
  target: { tracker: 'jira', id: '2', key: '2' },
});
const updated = (...fields: string[]): TrackerEvent => ({
  ...base,
  kind: 'item.updated',
  changes: fields.map((field) => ({ field, from: 'a', to: 'b' })),
});
const plan = (event: TrackerEvent, role?: PlanContext['role']) =>
  planLinking(event, { rules: defaultRules(), role } as PlanContext);

describe('planLinking, whole job requests', () => {
  it.each([
    ['a backlog item created', created, 'backlog', ['index-item']],
    ['a support ticket created', created, 'support', ['link-ticket']],
    ['a backlog item deleted', deleted, 'backlog', ['index-item']],
    ['a support ticket deleted', deleted, 'support', ['index-item']],
    ['a backlog description edited', updated('Description'), 'backlog', ['index-item']],
    ['a Trello card renamed', updated('title'), 'backlog', ['index-item']],
    ['a support ticket moved to another list', updated('list'), 'support', ['index-item', 'link-ticket']],
    ['a Trello backlog card archived or restored', updated('closed'), 'backlog', ['index-item']],
    [
      'a Trello support card archived or restored',
      updated('closed'),
      'support',
      ['index-item', 'link-ticket'],
    ],
    ['a backlog item resolved', updated('resolution'), 'backlog', ['notify-resolution']],
    ['a backlog item re-keyed and re-labelled', updated('labels', 'key'), 'backlog', ['index-item']],
    ['a sprint change', updated('sprint'), 'backlog', []],
    ['a Jira backlog item given or cleared a security level', updated('security'), 'backlog', ['index-item']],
    ['a Jira support ticket given or cleared a security level', updated('security'), 'support', []],
    ['an attachment added to a Trello support card', updated('attachments'), 'support', ['link-ticket']],
    ['an attachment added to a Trello backlog card', updated('attachments'), 'backlog', []],
    ['an item of no known role', created, undefined, []],
    [
      'a Jira link made by a person (no project, so no role)',
      linked('link.created'),
      undefined,
      ['learn-link'],
    ],
    ['a Jira link removed by a person', linked('link.deleted'), undefined, ['learn-link']],
  ] as const)('%s → %j, each carrying the event', (_label, event, role, names) => {
    expect(plan(event, role)).toEqual(names.map((name) => ({ name, data: { event } })));
  });

  it("a support ticket's status change alone is matched only if it reopened the ticket (the handler reads which)", () => {
    const event = updated('status', 'resolution');
    expect(plan(event, 'support')).toEqual([
      { name: 'index-item', data: { event } },
      { name: 'link-ticket', data: { event, ifReopened: true } },
    ]);
  });

  it('other events plan nothing', () => {
    const comment = {
      ...base,
      kind: 'comment.created',
      comment: { id: 'c1', text: '/help' },
    } as unknown as TrackerEvent;
    expect(plan(comment, 'backlog')).toEqual([]);
  });

  it('a backfill request carries its targets and who asked', () => {
    const input = { targets: [{ tracker: 'jira' as const, containerId: 'APP' }], requestedBy: base.actor };
    expect(backfillIndexRequest(input)).toEqual({
      name: 'backfill-index',
      data: input,
    });
  });
});
