import type { AdfDoc } from '../../trackers/jira/adf-types.ts';
import { emitCommentEvent, emitIssueEvent, emitLinkEvent, emitSprintEvent } from './events.ts';
import { appendHistory, SandboxInputError, setSprints } from './issue-changes.ts';
import { notifyWatchers } from './notifications.ts';
import {
  type CommentVisibility,
  doneColumnStatuses,
  jiraDate,
  linkPhrases,
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
  options: { internal?: boolean; visibility?: CommentVisibility } = {},
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
    ...(options.visibility && { visibility: options.visibility }),
  };
  world.state.comments.push(comment);
  issue.updated = now;
  world.ledger.record({
    item: issue.key,
    actor: actorId,
    kind: 'comment.created',
    target: comment.id,
    value: body,
  });
  notifyWatchers(world, issue, actorId, 'comment', {
    publicComment: !comment.internal,
    visibility: comment.visibility,
  });
  emitCommentEvent(world, 'comment_created', comment, issue);
  emitIssueEvent(world, 'jira:issue_updated', 'issue_commented', actorId, issue, { comment });
  return comment;
}

export function updateComment(
  world: JiraWorld,
  actorId: string,
  comment: SandboxComment,
  body: AdfDoc,
  /** Absent: kept; null: lifted, the comment shows to everyone who may browse the issue. */
  visibility?: CommentVisibility | null,
): void {
  const issue = world.state.issues.get(comment.issueId);
  if (!issue) return;
  comment.body = body;
  if (visibility === null) delete comment.visibility;
  else if (visibility) comment.visibility = visibility;
  comment.updateAuthorId = actorId;
  comment.updated = jiraDate(world.now());
  world.ledger.record({
    item: issue.key,
    actor: actorId,
    kind: 'comment.edited',
    target: comment.id,
    value: body,
  });
  emitCommentEvent(world, 'comment_updated', comment, issue);
  emitIssueEvent(world, 'jira:issue_updated', 'issue_comment_edited', actorId, issue, { comment });
}

export function deleteComment(world: JiraWorld, actorId: string, comment: SandboxComment): void {
  const issue = world.state.issues.get(comment.issueId);
  world.state.comments = world.state.comments.filter((c) => c !== comment);
  if (!issue) return;
  world.ledger.record({
    item: issue.key,
    actor: actorId,
    kind: 'comment.deleted',
    target: comment.id,
    value: comment.body,
  });
  emitCommentEvent(world, 'comment_deleted', comment, issue);
  emitIssueEvent(world, 'jira:issue_updated', 'issue_comment_deleted', actorId, issue, { comment });
}

/** Duplicate requests answer as if created, like Jira ("the response indicates that the issue link was created"). */
export function linkIssues(
  world: JiraWorld,
  actorId: string,
  from: SandboxIssue,
  to: SandboxIssue,
  typeName: string,
  system = false,
): SandboxLink {
  const known = world.state.links.find(
    (l) => l.fromId === from.id && l.toId === to.id && l.typeName.toLowerCase() === typeName.toLowerCase(),
  );
  if (known) {
    world.ledger.record({ item: from.key, actor: actorId, kind: 'unchanged', target: to.key });
    return known;
  }
  const link: SandboxLink = {
    id: String(world.state.nextId.link++),
    typeName,
    fromId: from.id,
    toId: to.id,
    ...(system && { system }),
  };
  world.state.links.push(link);
  recordLinkEnds(world, actorId, link, 'link.created');
  emitLinkEvent(world, 'issuelink_created', link);
  return link;
}

export function unlinkIssues(world: JiraWorld, actorId: string, link: SandboxLink): void {
  world.state.links = world.state.links.filter((l) => l !== link);
  recordLinkEnds(world, actorId, link, 'link.deleted');
  emitLinkEvent(world, 'issuelink_deleted', link);
}

/**
 * A link changes both issues: each one's ledger names the other end, and so does each one's changelog, by the
 * account that linked or unlinked, as Jira writes it: a `Link` item whose `to` (made) or `from` (removed) is the
 * other issue's key, worded by this end's phrase ("This issue blocks BR-2"). Links Jira makes itself (sub-tasks,
 * epics) get no such item: what Jira's changelog says of those is not modelled. The issue's `updated` is left as it
 * was, as no source we read says whether a link moves it.
 */
function recordLinkEnds(
  world: JiraWorld,
  actor: string,
  link: SandboxLink,
  kind: 'link.created' | 'link.deleted',
): void {
  const from = world.state.issues.get(link.fromId);
  const to = world.state.issues.get(link.toId);
  if (!from || !to) return;
  const value = link.typeName;
  const phrases = linkPhrases(link.typeName);
  for (const [issue, other, phrase] of [
    [from, to, phrases.outward],
    [to, from, phrases.inward],
  ] as const) {
    world.ledger.record({ item: issue.key, actor, kind, target: other.key, value });
    if (link.system) continue;
    const words = `This issue ${phrase} ${other.key}`;
    const made = kind === 'link.created';
    appendHistory(world, actor, issue, [
      {
        field: 'Link',
        fieldtype: 'jira',
        from: made ? null : other.key,
        fromString: made ? null : words,
        to: made ? other.key : null,
        toString: made ? words : null,
      },
    ]);
  }
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
    // Open is anything outside the board's "Done" column, whatever its status category says.
    const done: readonly string[] = doneColumnStatuses(world.state.boards.get(sprint.boardId));
    for (const issue of world.state.issues.values()) {
      if (
        issue.sprintIds.includes(sprint.id) &&
        !done.includes(issue.statusId) &&
        !issue.sprintIds.includes(moveOpenTo)
      ) {
        setSprints(world, actorId, issue, [...issue.sprintIds, moveOpenTo]);
      }
    }
  }
  emitSprintEvent(world, 'sprint_closed', sprint);
}
