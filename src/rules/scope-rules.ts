import Type, { type Static } from 'typebox';
import type { Container, TrackerName } from '../domain/events.ts';

const Names = (description: string) =>
  Type.Array(Type.String({ minLength: 1 }), { default: [], description });

/**
 * Which Jira projects / Trello boards and lists hold the backlog and which hold support tickets.
 * With nothing set, every project and board is backlog, and Jira Service Management projects are support. A list
 * that is set is the whole of its role: a site often runs several service desks (HR, IT) besides the customers'
 * one, and those hold no product demand, so a desk the rules do not name is left alone rather than taken for
 * support or backlog.
 */
export const ScopeRulesSchema = Type.Object(
  {
    jira: Type.Object(
      {
        backlogProjects: Names(
          'Project keys that hold the backlog; empty = every project that is neither support nor a service_desk project',
        ),
        supportProjects: Names('Project keys that hold support tickets; empty = every service_desk project'),
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
    if (matches(supportProjects, container.key, container.id)) return 'support';
    if (matches(backlogProjects, container.key, container.id)) return 'backlog';
    if (container.projectType === 'service_desk') return supportProjects.length === 0 ? 'support' : 'ignored';
    return backlogProjects.length === 0 ? 'backlog' : 'ignored';
  }
  const { backlogBoards, supportBoards, supportLists, ignoredBoards } = rules.trello;
  if (matches(ignoredBoards, container.key, container.id)) return 'ignored';
  if (matches(supportBoards, container.key, container.id) || matches(supportLists, container.listName))
    return 'support';
  if (backlogBoards.length === 0 || matches(backlogBoards, container.key, container.id)) return 'backlog';
  return 'ignored';
}
