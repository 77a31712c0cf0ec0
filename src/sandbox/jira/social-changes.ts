import type { AdfDoc } from '../../trackers/jira/adf-types.ts';
import { emitCommentEvent, emitIssueEvent, emitLinkEvent, emitSprintEvent } from './events.ts';
import { SandboxInputError, setSprints } from './issue-changes.ts';
import { notifyWatchers } from './notifications.ts';
import {
  jiraDate,
  projectOf,
  type SandboxComment,
  type SandboxIssue,
  type SandboxLink,
  type SandboxSprint,
} from './state.ts';
import type { JiraWorld } from './world.ts';

export function addComment(
  world: JiraWorld,
  actorId: string,
  issue: SandboxIssue,
  body: AdfDoc,
  options: { internal?: boolean } = {},
): SandboxComment {
  const now = jiraDate(world.now());
  const serviceDesk = projectOf(world.state, issue).projectTypeKey === 'service_desk';
  const comment: SandboxComment = {
    id: String(world.state.nextId.comment++),
    issueId: issue.id,
    authorId: actorId,
    updateAuthorId: actorId,
    body,
    created: now,
    updated: now,
    // Service Management makes comments public unless the `sd.public.comment` property says internal.
    internal: serviceDesk && options.internal === true,
  };
  world.state.comments.push(comment);
  issue.updated = now;
  notifyWatchers(world, issue, actorId, 'comment', { publicComment: !comment.internal });
  emitCommentEvent(world, 'comment_created', comment, issue);
  emitIssueEvent(world, 'jira:issue_updated', 'issue_commented', actorId, issue, { comment });
  return comment;
}

export function updateComment(
  world: JiraWorld,
  actorId: string,
  comment: SandboxComment,
  body: AdfDoc,
): void {
  const issue = world.state.issues.get(comment.issueId);
  if (!issue) return;
  comment.body = body;
  comment.updateAuthorId = actorId;
  comment.updated = jiraDate(world.now());
  emitCommentEvent(world, 'comment_updated', comment, issue);
  emitIssueEvent(world, 'jira:issue_updated', 'issue_comment_edited', actorId, issue, { comment });
}

export function deleteComment(world: JiraWorld, actorId: string, comment: SandboxComment): void {
  const issue = world.state.issues.get(comment.issueId);
  world.state.comments = world.state.comments.filter((c) => c !== comment);
  if (!issue) return;
  emitCommentEvent(world, 'comment_deleted', comment, issue);
  emitIssueEvent(world, 'jira:issue_updated', 'issue_comment_deleted', actorId, issue, { comment });
}

/** Duplicate requests answer as if created, like Jira ("the response indicates that the issue link was created"). */
export function linkIssues(
  world: JiraWorld,
  from: SandboxIssue,
  to: SandboxIssue,
  typeName: string,
  system = false,
): SandboxLink {
  const known = world.state.links.find(
    (l) => l.fromId === from.id && l.toId === to.id && l.typeName.toLowerCase() === typeName.toLowerCase(),
  );
  if (known) return known;
  const link: SandboxLink = {
    id: String(world.state.nextId.link++),
    typeName,
    fromId: from.id,
    toId: to.id,
    ...(system && { system }),
  };
  world.state.links.push(link);
  emitLinkEvent(world, 'issuelink_created', link);
  return link;
}

export function unlinkIssues(world: JiraWorld, link: SandboxLink): void {
  world.state.links = world.state.links.filter((l) => l !== link);
  emitLinkEvent(world, 'issuelink_deleted', link);
}

export function startSprint(world: JiraWorld, sprint: SandboxSprint, endDate?: string): void {
  if (sprint.state !== 'future')
    throw new SandboxInputError(`Sprint ${sprint.id} is ${sprint.state}, not future`);
  const now = world.now();
  sprint.state = 'active';
  sprint.startDate = now.toISOString();
  sprint.endDate = endDate ?? new Date(now.getTime() + 14 * 86_400_000).toISOString();
  emitSprintEvent(world, 'sprint_started', sprint);
}

/** Closes a sprint; open issues stay in its history and, if asked, join the next sprint (as Jira offers). */
export function closeSprint(
  world: JiraWorld,
  actorId: string,
  sprint: SandboxSprint,
  moveOpenTo?: number,
): void {
  if (sprint.state !== 'active')
    throw new SandboxInputError(`Sprint ${sprint.id} is ${sprint.state}, not active`);
  sprint.state = 'closed';
  sprint.completeDate = world.now().toISOString();
  if (moveOpenTo !== undefined) {
    for (const issue of world.state.issues.values()) {
      if (
        issue.sprintIds.includes(sprint.id) &&
        issue.statusId !== '10001' &&
        !issue.sprintIds.includes(moveOpenTo)
      ) {
        setSprints(world, actorId, issue, [...issue.sprintIds, moveOpenTo]);
      }
    }
  }
  emitSprintEvent(world, 'sprint_closed', sprint);
}
