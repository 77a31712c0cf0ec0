import type { JiraSeed } from '../../src/sandbox/jira/seed.ts';

/** The smallest Jira site of the end-to-end tests: Ada, a developer, and the backlog project APP. */
export const ADA_AND_APP: JiraSeed = {
  people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
  projects: [{ key: 'APP', name: 'App' }],
};

/** Ada's site with a service desk: the backlog project APP, and HELP, whose tickets the service links to it. */
export const ADA_APP_AND_HELP_DESK: JiraSeed = {
  people: ADA_AND_APP.people,
  projects: [
    ...(ADA_AND_APP.projects ?? []),
    { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
  ],
};

/**
 * A release board's columns: Done waits for a deploy left of the last column, which also holds Verified (In
 * Progress by category). Jira counts complete what sits in the last column.
 */
export const RELEASE_COLUMNS = [
  { name: 'To Do', statuses: ['To Do'] },
  { name: 'In Progress', statuses: ['In Progress'] },
  { name: 'Awaiting deploy', statuses: ['Done'] },
  { name: 'Shipped', statuses: ['Verified', 'Released'] },
];
