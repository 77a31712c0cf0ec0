import { describe, expect, it } from 'vitest';
import type { TrackerEvent } from '../../../src/domain/events.ts';
import type { PlanContext } from '../../../src/domain/plan-jobs.ts';
import { planSummaries, summaryJob } from '../../../src/domain/sprint-summary/plan-summaries.ts';
import { defaultRules } from '../../../src/rules/load-rules.ts';

const context = { rules: defaultRules() } as PlanContext;
const sprintEvent = (kind: 'sprint.started' | 'sprint.closed') =>
  ({
    deliveryId: 'd1',
    tracker: 'jira',
    actor: { id: 'ada', displayName: 'Ada' },
    occurredAt: '2025-01-01T00:00:00Z',
    kind,
    sprint: { id: '37', name: 'Sprint 12', boardId: '1' },
  }) as TrackerEvent;

describe('planSummaries', () => {
  it('a started sprint: a snapshot of its committed scope', () => {
    const event = sprintEvent('sprint.started');
    expect(planSummaries(event, context)).toEqual([{ name: 'snapshot-sprint', data: { event } }]);
  });

  it('a closed sprint: its summary, asked for by the close', () => {
    const event = sprintEvent('sprint.closed');
    expect(planSummaries(event, context)).toEqual([
      {
        name: 'post-sprint-summary',
        data: { event, request: { tracker: 'jira', sprintId: '37', trigger: 'sprint.closed' } },
      },
    ]);
  });

  it('any other event: nothing', () => {
    const event = { ...sprintEvent('sprint.closed'), kind: 'item.created' } as unknown as TrackerEvent;
    expect(planSummaries(event, context)).toEqual([]);
  });

  it('summaryJob wraps a request for the queue', () => {
    const request = { tracker: 'trello' as const, boardId: 'b1', trigger: 'schedule' as const };
    expect(summaryJob(request)).toEqual({ name: 'post-sprint-summary', data: { request } });
  });
});
