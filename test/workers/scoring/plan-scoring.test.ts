import { describe, expect, it } from 'vitest';
import type { FieldChange, TrackerEvent } from '../../../src/domain/events.ts';
import { planJobs } from '../../../src/domain/plan-jobs.ts';
import {
  mayHaveLeftSupport,
  planScoring,
  rescoreScopeRequest,
} from '../../../src/domain/scoring/plan-scoring.ts';
import { parseRules } from '../../../src/rules/load-rules.ts';
import type { Rules } from '../../../src/rules/rules-schema.ts';

function rulesOf(document: unknown = {}): Rules {
  const result = parseRules(document);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.rules;
}

const base = {
  deliveryId: 'd-1',
  tracker: 'jira' as const,
  actor: { id: 'ada', displayName: 'Ada' },
  occurredAt: '2026-01-01T00:00:00.000Z',
  item: { tracker: 'jira' as const, id: '10001', key: 'APP-1' },
  container: { id: '10000', key: 'APP', projectType: 'software' },
};
const SUPPORT = { id: '10002', key: 'HELP', projectType: 'service_desk' };
const change = (field: string): FieldChange => ({ field, from: null, to: 'x' });
const updated = (...fields: string[]): TrackerEvent => ({
  ...base,
  kind: 'item.updated',
  changes: fields.map(change),
});
const scoringJobs = (event: TrackerEvent, rules = rulesOf()) =>
  planJobs(event, rules, [planScoring]).map((job) => job.name);

describe('planScoring', () => {
  it.each([
    ['priority', ['priority']],
    ['labels', ['labels']],
    ['issue type', ['issuetype']],
    ['summary and description (keywords, inferred size)', ['summary', 'description']],
    ['the summary alone', ['summary']],
    ['the description alone', ['description']],
    ['original estimate', ['timeoriginalestimate']],
    ['Story Points (custom fields arrive by display name)', ['Story Points']],
    ['a Trello card title', ['title']],
    ['a Trello "Story points" custom field', ['Story points']],
    ['the Severity field', ['Severity']],
    ['an own field together with an input', ['Impact', 'labels']],
    ['the status (the console row shows it; the burn-up counts the item done)', ['status']],
    ['its place (a Jira move, a Trello list)', ['project', 'Key']],
  ])('re-scores a backlog item when %s changes', (_name, fields) => {
    expect(scoringJobs(updated(...fields))).toEqual(['score-item']);
  });

  it.each([
    ['the fields the service writes, by name', ['Impact', 'Effort', 'Priority score', 'Reach', 'Confidence']],
    ['assignee only', ['assignee']],
  ])('plans nothing when only %s change', (_name, fields) => {
    expect(scoringJobs(updated(...fields))).toEqual([]);
  });

  it('hands the event to the scoring job', () => {
    const event = updated('priority');
    expect(planJobs(event, rulesOf(), [planScoring])).toEqual([{ name: 'score-item', data: { event } }]);
  });

  it('scores a created backlog item, not a created support ticket', () => {
    expect(scoringJobs({ ...base, kind: 'item.created' })).toEqual(['score-item']);
    expect(scoringJobs({ ...base, container: SUPPORT, kind: 'item.created' })).toEqual([]);
  });

  it.each(['link.created', 'link.deleted'] as const)('re-scores both ends of a %s', (kind) => {
    const target = { tracker: 'jira' as const, id: '10009', key: '10009' };
    expect(scoringJobs({ ...base, container: { id: 'unknown', key: 'unknown' }, kind, target })).toEqual([
      'score-item',
    ]);
  });

  it('watches the fields a rules file names, and never the ones it writes to', () => {
    const rules = rulesOf({
      scoring: { triggerFields: ['Customer value'], fields: { score: 'RICE' }, severityField: 'Sev' },
    });
    expect(scoringJobs(updated('Customer value'), rules)).toEqual(['score-item']);
    expect(scoringJobs(updated('Sev'), rules)).toEqual(['score-item']);
    expect(scoringJobs(updated('RICE'), rules)).toEqual([]);
  });

  it('builds the bulk re-score job for the admin API', () => {
    const request = rescoreScopeRequest({
      tracker: 'jira',
      scope: { kind: 'query', query: 'project = APP' },
      requestedBy: { id: 'admin-api', displayName: 'Admin API' },
    });
    expect(request).toEqual({
      name: 'rescore-scope',
      data: {
        tracker: 'jira',
        scope: { kind: 'query', query: 'project = APP' },
        requestedBy: { id: 'admin-api', displayName: 'Admin API' },
        force: false,
      },
    });
  });
});

describe('planScoring: inputs named by the rules file', () => {
  it.each([
    ['time criticality', 'Time criticality'],
    ['risk reduction', 'risk reduction'],
    ['business value', 'BUSINESS VALUE'],
    ['story points', 'STORY POINT ESTIMATE'],
    ['a Trello checklist', 'checklist'],
    ['Jira time tracking', 'timetracking'],
    ['an attachment', 'attachments'],
  ])('re-scores a backlog item when its %s changes, in any case', (_name, field) => {
    expect(scoringJobs(updated(field))).toEqual(['score-item']);
  });

  it.each([
    ['Due date', 'duedate'],
    ['Fix versions', 'fixVersions'],
    ['Components', 'components'],
  ])('watches the Jira field people call %s by the id its changelog gives (%s)', (name, id) => {
    const rules = rulesOf({ scoring: { triggerFields: [name] } });
    expect(scoringJobs(updated(id), rules)).toEqual(['score-item']);
    expect(scoringJobs(updated(id))).toEqual([]);
  });

  it('never watches a field the service writes, even when the rules also name it as an input', () => {
    const rules = rulesOf({ scoring: { storyPointField: 'Effort', triggerFields: ['reach'] } });
    expect(scoringJobs(updated('Effort'), rules)).toEqual([]);
    expect(scoringJobs(updated('Reach'), rules)).toEqual([]);
    expect(scoringJobs(updated('priority'), rules)).toEqual(['score-item']);
  });
});

describe('planScoring: support tickets', () => {
  const support = (...fields: string[]): TrackerEvent => ({
    ...base,
    container: SUPPORT,
    kind: 'item.updated',
    changes: fields.map(change),
  });

  it('re-scores when a support ticket’s links change (they change the reach of the items)', () => {
    expect(scoringJobs(support('Attachments'))).toEqual(['score-item']);
    expect(scoringJobs(support('status', 'attachments'))).toEqual(['score-item']);
  });

  it('scores no update of an item whose project the webhook did not name, whatever changed', () => {
    const unnamed = (...fields: string[]): TrackerEvent => ({
      ...base,
      container: { id: 'unknown', key: 'unknown' },
      kind: 'item.updated',
      changes: fields.map(change),
    });
    expect(scoringJobs(unnamed('attachments'))).toEqual([]);
    expect(scoringJobs(unnamed('priority'))).toEqual([]);
  });

  it('re-scores when a support ticket’s customer changes (a customer field or its reporter)', () => {
    expect(scoringJobs(support('Organizations'))).toEqual(['score-item']);
    expect(scoringJobs(support('reporter'))).toEqual(['score-item']);
  });

  it('re-scores when an issue is moved into support (the items it is linked to count it now)', () => {
    expect(scoringJobs(support('project', 'Key'))).toEqual(['score-item']);
  });

  it('says a move may have taken an issue out of support: a Jira move always, a Trello card by its old list', () => {
    const rules = rulesOf({ scope: { trello: { supportLists: ['Tickets'] } } }).scope;
    expect(mayHaveLeftSupport(updated('project', 'Key'), rules)).toBe(true);
    expect(mayHaveLeftSupport(updated('priority'), rules)).toBe(false);
    const card = (from: string): TrackerEvent => ({
      ...base,
      tracker: 'trello',
      item: { tracker: 'trello', id: 'c1', key: 'c1' },
      container: { id: 'b1', key: 'b1', listName: 'Backlog' },
      kind: 'item.updated',
      changes: [{ field: 'list', from, to: 'Backlog' }],
    });
    expect(mayHaveLeftSupport(card('Tickets'), rules)).toBe(true);
    expect(mayHaveLeftSupport(card('Doing'), rules)).toBe(false);
  });

  it('does not score a support ticket when its own fields change', () => {
    expect(scoringJobs(support('priority', 'labels', 'summary'))).toEqual([]);
  });

  it('plans nothing for a comment', () => {
    const comment: TrackerEvent = {
      ...base,
      kind: 'comment.created',
      comment: { id: 'c1', text: 'looks urgent' },
    };
    expect(planScoring(comment, { rules: rulesOf(), role: 'backlog' })).toEqual([]);
  });

  it('keeps the admin API’s force flag', () => {
    const request = rescoreScopeRequest({
      tracker: 'trello',
      scope: { kind: 'container', containerId: 'b1' },
      requestedBy: { id: 'admin-api', displayName: 'Admin API' },
      force: true,
    });
    expect(request.data).toMatchObject({ force: true });
  });
});
