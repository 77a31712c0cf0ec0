import Type, { type Static } from 'typebox';
import type { Container, TrackerName } from '../domain/events.ts';

const Names = (description: string) =>
  Type.Array(Type.String({ minLength: 1 }), { default: [], description });

/**
 * Which Jira projects / Trello boards and lists hold the backlog and which hold support tickets.
 * With nothing set, every project and board is backlog, and Jira Service Management projects are support.
 */
export const ScopeRulesSchema = Type.Object(
  {
    jira: Type.Object(
      {
        backlogProjects: Names(
          'Project keys that hold the backlog; empty = every project that is not support',
        ),
        supportProjects: Names('Project keys that hold support tickets (service_desk projects always do)'),
        ignoredProjects: Names('Project keys the service leaves alone'),
      },
      { default: {} },
    ),
    trello: Type.Object(
      {
        backlogBoards: Names('Board ids or shortLinks that hold the backlog; empty = every board'),
        supportBoards: Names('Board ids or shortLinks whose cards are support tickets'),
        supportLists: Names('List names (on any board) whose cards are support tickets'),
        ignoredBoards: Names('Board ids or shortLinks the service leaves alone'),
      },
      { default: {} },
    ),
  },
  { default: {} },
);
export type ScopeRules = Static<typeof ScopeRulesSchema>;

export type ItemRole = 'backlog' | 'support' | 'ignored';

function matches(list: readonly string[], ...candidates: (string | undefined)[]): boolean {
  const wanted = new Set(list.map((entry) => entry.toLowerCase()));
  return candidates.some((candidate) => candidate !== undefined && wanted.has(candidate.toLowerCase()));
}

/** Decides what an item is from where it lives. */
export function classifyContainer(tracker: TrackerName, container: Container, rules: ScopeRules): ItemRole {
  if (tracker === 'jira') {
    const { backlogProjects, supportProjects, ignoredProjects } = rules.jira;
    if (matches(ignoredProjects, container.key, container.id)) return 'ignored';
    if (matches(supportProjects, container.key, container.id) || container.projectType === 'service_desk')
      return 'support';
    if (backlogProjects.length === 0 || matches(backlogProjects, container.key, container.id))
      return 'backlog';
    return 'ignored';
  }
  const { backlogBoards, supportBoards, supportLists, ignoredBoards } = rules.trello;
  if (matches(ignoredBoards, container.key, container.id)) return 'ignored';
  if (matches(supportBoards, container.key, container.id) || matches(supportLists, container.listName))
    return 'support';
  if (backlogBoards.length === 0 || matches(backlogBoards, container.key, container.id)) return 'backlog';
  return 'ignored';
}
