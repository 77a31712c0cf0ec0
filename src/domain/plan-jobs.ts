import type { Rules } from '../rules/rules-schema.ts';
import { classifyContainer, type ItemRole } from '../rules/scope-rules.ts';
import { planAcceptance } from './acceptance/plan-acceptance.ts';
import { parseCommands } from './commands/parse-commands.ts';
import type { TrackerEvent } from './events.ts';
import type { JobRequest } from './job-requests.ts';
import { planIgnoredContainer, planLinking } from './linking-plan/plan-linking.ts';
import { planScoring } from './scoring/plan-scoring.ts';
import { planSummaries } from './sprint-summary/plan-summaries.ts';

export interface PlanContext {
  rules: Rules;
  /** The role of the item the event is about (backlog, support, ignored); undefined for sprint events. */
  role?: ItemRole;
  /** How comments mention the service account, so "@Refinery score" is planned as a command. */
  selfMentions?: readonly string[];
}

/** One capability's say on which jobs an event needs. Pure: decided from the event and the rules alone. */
export type Planner = (event: TrackerEvent, context: PlanContext) => JobRequest[];

const planCommands: Planner = (event, { rules, selfMentions = [] }) => {
  if (event.kind !== 'comment.created' && event.kind !== 'comment.updated') return [];
  const { allowedActors, maxPerComment, prefixes } = rules.commands;
  if (allowedActors.length > 0 && !allowedActors.includes(event.actor.id)) return [];
  return parseCommands(event.comment.text, maxPerComment, { prefixes, mentions: selfMentions }).length > 0
    ? [{ name: 'run-commands', data: { event } }]
    : [];
};

export const PLANNERS: readonly Planner[] = [
  planCommands,
  planAcceptance,
  planScoring,
  planLinking,
  planSummaries,
];

/**
 * The change a card arriving by "Convert to card" made to the card it came from: it lost a checklist item, maybe
 * its only criterion. Its list is not known: the handlers read the card.
 */
function sourceChange(event: TrackerEvent): TrackerEvent | undefined {
  if (event.kind !== 'item.created' || !event.source) return undefined;
  const { deliveryId, tracker, actor, occurredAt, container } = event;
  return {
    kind: 'item.updated',
    deliveryId,
    tracker,
    actor,
    occurredAt,
    item: event.source,
    container: { id: container.id, key: container.key },
    changes: [{ field: 'checklist', from: null, to: null }],
  };
}

/**
 * Which jobs an event triggers (and the change it made to another item, as its own jobs); an ignored container only the clean-up of an item that left or was deleted (from
 * the index and of the service's acceptance flag).
 */
export function planJobs(
  event: TrackerEvent,
  rules: Rules,
  planners: readonly Planner[] = PLANNERS,
  selfMentions: readonly string[] = [],
): JobRequest[] {
  const jobs = planEvent(event, rules, planners, selfMentions);
  const source = sourceChange(event);
  if (!source || !('item' in source)) return jobs;
  const subject = source.item.id;
  return [...jobs, ...planEvent(source, rules, planners, selfMentions).map((job) => ({ ...job, subject }))];
}

function planEvent(
  event: TrackerEvent,
  rules: Rules,
  planners: readonly Planner[],
  selfMentions: readonly string[],
): JobRequest[] {
  // Jira link events name no project: their role is unknown until a handler reads the items.
  const known = 'item' in event && event.container.key !== 'unknown';
  const role = known ? classifyContainer(event.tracker, event.container, rules.scope) : undefined;
  if (role === 'ignored')
    return [...planIgnoredContainer(event), ...planAcceptance(event, { rules, role, selfMentions })];
  return planners.flatMap((planner) => planner(event, { rules, role, selfMentions }));
}
