import type { JiraSeed } from '../../src/sandbox/jira/seed.ts';

/** The smallest Jira site of the end-to-end tests: Ada, a developer, and the backlog project APP. */
export const ADA_AND_APP: JiraSeed = {
  people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
  projects: [{ key: 'APP', name: 'App' }],
};
