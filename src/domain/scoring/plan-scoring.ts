import { classifyContainer, type ScopeRules } from '../../rules/scope-rules.ts';
import type { ItemScope } from '../../trackers/tracker.ts';
import type { Actor, FieldChange, TrackerEvent, TrackerName } from '../events.ts';
import type { JobRequest, ScoreEvent } from '../job-requests.ts';
import { PLACE_FIELDS } from '../linking-plan/plan-linking.ts';
import type { Planner } from '../plan-jobs.ts';
import type { ScoringRules } from './rules.ts';

/**
 * Fields that feed the score, as Jira names them in a changelog (system field ids) and Trello in its actions.
 * The fields the service writes itself (Impact, Effort, Priority score, Reach, Confidence) are not among them,
 * so a person editing those does not make the service overwrite them in a loop.
 */
const INPUT_FIELDS = [
  'priority',
  'labels',
  'issuetype',
  'summary',
  'title',
  'description',
  'timeoriginalestimate',
  'timetracking',
  'checklist',
  'attachments',
  'story points',
  'story point estimate',
];

/**
 * Jira's own fields arrive in a changelog by id, not by the name people see (and give the rules file): a field
 * named here by its display name is watched by its id too. Custom fields arrive by display name.
 */
const JIRA_FIELD_IDS: Readonly<Record<string, string>> = {
  'due date': 'duedate',
  'fix versions': 'fixVersions',
  'fix version/s': 'fixVersions',
  'affects versions': 'versions',
  'affects version/s': 'versions',
  components: 'components',
  'component/s': 'components',
  assignee: 'assignee',
  environment: 'environment',
  'original estimate': 'timeoriginalestimate',
  'remaining estimate': 'timeestimate',
  'time tracking': 'timetracking',
  'issue type': 'issuetype',
};

function inputFields(rules: ScoringRules): Set<string> {
  const { wsjf } = rules;
  const configured = [
    rules.storyPointField,
    rules.severityField,
    wsjf.businessValue.field,
    wsjf.timeCriticality.field,
    wsjf.riskReduction.field,
    ...rules.triggerFields,
  ];
  const own = new Set(Object.values(rules.fields).map((name) => name.toLowerCase()));
  const names = configured.flatMap((name) => [name, JIRA_FIELD_IDS[name.toLowerCase()] ?? []].flat());
  return new Set(
    [...INPUT_FIELDS, ...names].map((name) => name.toLowerCase()).filter((name) => !own.has(name)),
  );
}

export function feedsScore(changes: readonly FieldChange[], rules: ScoringRules): boolean {
  const watched = inputFields(rules);
  return changes.some((change) => watched.has(change.field.toLowerCase()));
}

/** What the console's backlog row shows besides the score: where the item lives and its status. */
const ROW_FIELDS = new Set(['project', 'key', 'list', 'status']);

/** Link changes on a support ticket change the reach of the backlog items it is linked to. */
const LINK_FIELDS = ['attachments'];

/**
 * A support ticket's links, its customer (the rules' customer fields, else its reporter) and where it lives make up
 * reach: a ticket moved into support (a Trello list, a Jira move) starts counting.
 */
function changesReach(changes: readonly FieldChange[], rules: ScoringRules): boolean {
  const watched = new Set([...LINK_FIELDS, 'reporter', ...rules.customerFields].map((f) => f.toLowerCase()));
  return changes.some(
    (change) => watched.has(change.field.toLowerCase()) || PLACE_FIELDS.has(change.field.toLowerCase()),
  );
}

/**
 * Whether a move may have taken a support ticket out of support, so the backlog items it is linked to no longer
 * count it. A Trello card's old list says; a Jira move does not say what kind of project the issue left.
 */
export function mayHaveLeftSupport(event: TrackerEvent, scope: ScopeRules): boolean {
  if (event.kind !== 'item.updated') return false;
  return event.changes.some((change) => {
    const field = change.field.toLowerCase();
    if (field === 'list' && change.from !== null) {
      const before = { ...event.container, listName: change.from };
      return classifyContainer(event.tracker, before, scope) === 'support';
    }
    return field === 'project' || field === 'key';
  });
}

/**
 * Scores a backlog item when it is created, when a field that feeds the score (or its console row) changes, and
 * when a link is made or removed (either end may be the backlog item; the handler reads both and scores those in
 * the backlog).
 */
export const planScoring: Planner = (event, { rules, role }) => {
  const job = (data: ScoreEvent): JobRequest[] => [{ name: 'score-item', data: { event: data } }];
  switch (event.kind) {
    case 'item.created':
      return role === 'backlog' ? job(event) : [];
    case 'item.updated':
      if (role === 'backlog') {
        // The score job also writes the console's row, which would keep an old place or status without it.
        const shown = event.changes.some((change) => ROW_FIELDS.has(change.field.toLowerCase()));
        return shown || feedsScore(event.changes, rules.scoring) ? job(event) : [];
      }
      return role === 'support' && changesReach(event.changes, rules.scoring) ? job(event) : [];
    case 'link.created':
    case 'link.deleted':
      return job(event);
    default:
      return [];
  }
};

/** The job the admin API enqueues to re-score a project, board or query (e.g. after the rules changed). */
export function rescoreScopeRequest(input: {
  tracker: TrackerName;
  scope: ItemScope;
  requestedBy: Actor;
  /** Rewrite fields and comments even where the last written score is unchanged. */
  force?: boolean;
  /** Only count and audit what would be written (the job data carries `dryRun` and `quiet` only when set). */
  dryRun?: boolean;
  /** Write the score fields only: no scorecard comment, which Jira mails to every watcher. */
  quiet?: boolean;
}): JobRequest {
  const { dryRun, quiet, ...request } = input;
  const data = { ...request, force: input.force ?? false, ...(quiet ? { quiet: true } : {}) };
  return { name: 'rescore-scope', data: dryRun ? { ...data, dryRun: true } : data };
}
