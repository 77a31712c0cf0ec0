import { describe, expect, it } from 'vitest';
import { catchUpEvent, catchUpJobs, catchUpRequest } from '../../src/domain/catch-up.ts';
import { parseRules } from '../../src/rules/load-rules.ts';
import type { Rules } from '../../src/rules/rules-schema.ts';
import { memoryItem } from '../audit/memory-tracker.ts';

function rulesOf(document: unknown = {}): Rules {
  const result = parseRules(document);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.rules;
}

const by = { jobId: 'job-7', requestedBy: { id: 'admin', displayName: 'Admin API' } };
const BACKLOG = { id: '10000', key: 'APP', projectType: 'software' };
const SUPPORT = { id: '10002', key: 'HELP', projectType: 'service_desk' };

describe('catch-up after lost webhooks', () => {
  it('re-runs every capability of a backlog item: acceptance, score, index, resolution notices', () => {
    const item = memoryItem('APP-1', { container: BACKLOG });

    expect(
      catchUpJobs(item, rulesOf(), by)
        .map((job) => job.name)
        .sort(),
    ).toEqual(['check-acceptance', 'index-item', 'notify-resolution', 'score-item']);
  });

  it('matches a support ticket against the backlog, and tells the console whether it still waits', () => {
    const item = memoryItem('HELP-1', { container: SUPPORT });

    // index-item: a ticket resolved during the outage leaves the triage inbox (its status is reported changed).
    expect(catchUpJobs(item, rulesOf(), by).map((job) => job.name)).toEqual(['index-item', 'link-ticket']);
  });

  it('does nothing for an ignored project', () => {
    const item = memoryItem('OPS-1', { container: { id: '1', key: 'OPS', projectType: 'software' } });

    expect(catchUpJobs(item, rulesOf({ scope: { jira: { ignoredProjects: ['OPS'] } } }), by)).toEqual([]);
  });

  it('never lets the acceptance gate move an item back: the status change has no "from"', () => {
    const event = catchUpEvent(
      memoryItem('APP-2', { status: { name: 'In Progress', category: 'in_progress' } }),
      by,
    );

    expect(event.changes).toContainEqual({ field: 'status', from: null, to: 'In Progress' });
    expect(event.changes.map((change) => change.field)).toEqual([
      'summary',
      'description',
      'issuetype',
      'labels',
      'priority',
      'status',
    ]);
    expect(event.deliveryId).toBe('catch-up:job-7:jira:id-APP-2');
    expect(event.actor).toEqual(by.requestedBy);
  });

  it('the admin request names the container, the time since when, and who asked', () => {
    const input = {
      tracker: 'jira' as const,
      containerId: '10000',
      since: '2025-03-01T00:00:00Z',
      requestedBy: by.requestedBy,
    };

    expect(catchUpRequest(input)).toEqual({ name: 'catch-up', data: input });
  });
});
