import type { Rules } from '../rules/rules-schema.ts';
import { classifyContainer, type ItemRole } from '../rules/scope-rules.ts';
import { planAcceptance } from './acceptance/plan-acceptance.ts';
import type { DeclineReason } from './commands/command-results.ts';
import { parseCommands } from './commands/parse-commands.ts';
import type { TrackerEvent } from './events.ts';
import type { CommentEvent, JobRequest } from './job-requests.ts';
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

/** How many commands a comment holds, as planning reads them (loosely: any word after the service's mention). */
function commandsIn(event: CommentEvent, { rules, selfMentions = [] }: PlanContext): number {
  const { maxPerComment, prefixes } = rules.commands;
  return parseCommands(event.comment.text, maxPerComment, { prefixes, mentions: selfMentions }).length;
}

/** Whether the rules' `commands.allowedActors` (empty: everyone) lets the comment's author run commands. */
function allowedActor(event: CommentEvent, rules: Rules): boolean {
  const { allowedActors } = rules.commands;
  return allowedActors.length === 0 || allowedActors.includes(event.actor.id);
}

const isComment = (event: TrackerEvent): event is CommentEvent =>
  event.kind === 'comment.created' || event.kind === 'comment.updated';

const planCommands: Planner = (event, context) =>
  isComment(event) && allowedActor(event, context.rules) && commandsIn(event, context) > 0
    ? [{ name: 'run-commands', data: { event } }]
    : [];

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

/** Commands planning declined for who asked them: no job runs them, and the edge counts them (a metric). */
export interface DeclinedCommands {
  reason: Extract<DeclineReason, 'not_allowed'>;
  commands: number;
}

/**
 * The commands of a comment whose author `commands.allowedActors` leaves out, if any: they get no job, so no
 * handler would ever count them. A comment in an ignored container runs nothing for anyone and is not counted.
 */
export function declinedCommands(
  event: TrackerEvent,
  rules: Rules,
  selfMentions: readonly string[] = [],
): DeclinedCommands | undefined {
  if (!isComment(event) || allowedActor(event, rules) || roleOf(event, rules) === 'ignored') return undefined;
  const commands = commandsIn(event, { rules, selfMentions });
  return commands > 0 ? { reason: 'not_allowed', commands } : undefined;
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

function roleOf(event: TrackerEvent, rules: Rules): ItemRole | undefined {
  // Jira link events name no project: their role is unknown until a handler reads the items.
  const known = 'item' in event && event.container.key !== 'unknown';
  return known ? classifyContainer(event.tracker, event.container, rules.scope) : undefined;
}

function planEvent(
  event: TrackerEvent,
  rules: Rules,
  planners: readonly Planner[],
  selfMentions: readonly string[],
): JobRequest[] {
  const role = roleOf(event, rules);
  if (role === 'ignored')
    return [...planIgnoredContainer(event), ...planAcceptance(event, { rules, role, selfMentions })];
  return planners.flatMap((planner) => planner(event, { rules, role, selfMentions }));
}
