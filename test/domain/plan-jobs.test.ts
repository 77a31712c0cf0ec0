import { describe, expect, it } from 'vitest';
import type { TrackerEvent } from '../../src/domain/events.ts';
import { declinedCommands, planJobs } from '../../src/domain/plan-jobs.ts';
import { jobId } from '../../src/queue/jobs.ts';
import { parseRules } from '../../src/rules/load-rules.ts';
import type { Rules } from '../../src/rules/rules-schema.ts';

function rulesOf(document: unknown = {}): Rules {
  const result = parseRules(document);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.rules;
}

const base = {
  deliveryId: 'd1',
  tracker: 'jira' as const,
  actor: { id: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ada' },
  occurredAt: '2025-03-01T09:00:00.000Z',
  item: { tracker: 'jira' as const, id: '10042', key: 'APP-42' },
  container: { id: '10000', key: 'APP', projectType: 'software' },
};
const comment = (
  text: string,
  kind: 'comment.created' | 'comment.updated' = 'comment.created',
): TrackerEvent => ({
  ...base,
  kind,
  comment: { id: '20001', text },
});
const jobNames = (event: TrackerEvent, rules = rulesOf(), selfMentions: string[] = []) =>
  planJobs(event, rules, undefined, selfMentions).map((job) => job.name);

describe('planJobs: which comments run commands', () => {
  it('a new or edited comment with a command runs it, carrying the comment', () => {
    const event = comment('Thanks!\n/score impact=4');

    expect(planJobs(event, rulesOf())).toEqual([{ name: 'run-commands', data: { event } }]);
    expect(jobNames(comment('/help', 'comment.updated'))).toEqual(['run-commands']);
  });

  it('a comment without a command runs nothing', () => {
    expect(jobNames(comment('Looks good, see /score in the docs'))).toEqual([]);
  });

  it("the rules' prefixes and the service's mention start commands", () => {
    const bang = rulesOf({ commands: { prefixes: ['!'] } });

    expect(jobNames(comment('!score'), bang)).toEqual(['run-commands']);
    expect(jobNames(comment('/score'), bang)).toEqual([]);
    expect(jobNames(comment('@Refinery Bot score'), rulesOf(), ['@Refinery Bot'])).toEqual(['run-commands']);
    expect(jobNames(comment('@Refinery Bot score'))).toEqual([]);
  });

  it('with allowed actors configured, only they run commands', () => {
    const rules = rulesOf({ commands: { allowedActors: ['5b10ac8d82e05b22cc7d4ef5'] } });
    const stranger = { ...comment('/score'), actor: { id: '712020:other', displayName: 'Eve' } };

    expect(jobNames(comment('/score'), rules)).toEqual(['run-commands']);
    expect(jobNames(stranger, rules)).toEqual([]);
  });

  it("another's commands are declined as not_allowed, one per command; in an ignored project, none", () => {
    const eve = { id: '712020:other', displayName: 'Eve' };
    const rules = rulesOf({ commands: { allowedActors: ['5b10ac8d82e05b22cc7d4ef5'] } });
    const ignoring = rulesOf({
      commands: { allowedActors: ['5b10ac8d82e05b22cc7d4ef5'] },
      scope: { jira: { ignoredProjects: ['APP'] } },
    });

    expect(declinedCommands({ ...comment('/score\nThanks\n/ac'), actor: eve }, rules)).toEqual({
      reason: 'not_allowed',
      commands: 2,
    });
    expect(declinedCommands({ ...comment('Thanks!'), actor: eve }, rules)).toBeUndefined();
    expect(declinedCommands(comment('/score'), rules)).toBeUndefined();
    expect(declinedCommands({ ...comment('/score'), actor: eve }, rulesOf())).toBeUndefined();
    expect(declinedCommands({ ...comment('/score'), actor: eve }, ignoring)).toBeUndefined();
  });

  it('a comment in an ignored project runs nothing', () => {
    const rules = rulesOf({ scope: { jira: { ignoredProjects: ['APP'] } } });

    expect(jobNames(comment('/score'), rules)).toEqual([]);
  });

  it('an item deleted in, or moved into, an ignored project only cleans up after it (index and acceptance flag)', () => {
    const rules = rulesOf({ scope: { jira: { ignoredProjects: ['APP'] } } });
    const change = (field: string) => [{ field, from: 'HELP', to: 'APP' }];
    expect(jobNames({ ...base, kind: 'item.deleted' }, rules)).toEqual(['index-item']);
    expect(jobNames({ ...base, kind: 'item.updated', changes: change('project') }, rules)).toEqual([
      'index-item',
      'check-acceptance',
    ]);
    expect(jobNames({ ...base, kind: 'item.updated', changes: change('summary') }, rules)).toEqual([]);
    expect(jobNames({ ...base, kind: 'item.created' }, rules)).toEqual([]);
  });
});

describe('planJobs: events whose project is not known yet', () => {
  it('a Jira link event (which names no project) is scored and learnt from even when the rules list the backlog projects', () => {
    const link: TrackerEvent = {
      ...base,
      kind: 'link.created',
      container: { id: 'unknown', key: 'unknown' },
      target: { tracker: 'jira', id: '10043', key: 'APP-43' },
    };

    expect(jobNames(link, rulesOf({ scope: { jira: { backlogProjects: ['APP'] } } }))).toEqual([
      'score-item',
      'learn-link',
    ]);
  });
});

describe('planJobs: an item that changes role', () => {
  it('a Jira issue moved into a service desk project has its acceptance flag checked (to be taken off)', () => {
    const moved: TrackerEvent = {
      ...base,
      kind: 'item.updated',
      container: { id: '10001', key: 'HELP', projectType: 'service_desk' },
      changes: [
        { field: 'project', from: 'App', to: 'Help desk' },
        { field: 'Key', from: 'APP-42', to: 'HELP-7' },
      ],
    };
    expect(jobNames(moved)).toContain('check-acceptance');
    // A ticket edited where it is gets no acceptance job: it never was a backlog item there.
    expect(jobNames({ ...moved, changes: [{ field: 'summary', from: 'a', to: 'b' }] })).not.toContain(
      'check-acceptance',
    );
  });

  it('a Trello card converted from a checklist item plans its source card apart, under ids of its own', () => {
    const converted: TrackerEvent = {
      ...base,
      tracker: 'trello',
      kind: 'item.created',
      item: { tracker: 'trello', id: 'c2', key: 'New22222' },
      container: { id: 'b1', key: 'Board123', listName: 'Backlog' },
      source: { tracker: 'trello', id: 'c1', key: 'Src11111' },
    };
    const jobs = planJobs(converted, rulesOf());
    const checks = jobs.filter((job) => job.name === 'check-acceptance');
    expect(checks.map((job) => (job.data as { event: { item: { id: string } } }).event.item.id)).toEqual([
      'c2',
      'c1',
    ]);
    expect(new Set(jobs.map((job) => jobId(job, 'trello.a1'))).size).toBe(jobs.length);
  });
});
