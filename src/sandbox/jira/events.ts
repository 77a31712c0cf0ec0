import type { ChangeItem, SandboxComment, SandboxIssue, SandboxLink, SandboxSprint } from './state.ts';
import { commentView, issueFields, issueView, sprintView, userView } from './views.ts';
import type { DeliveryFlow } from './webhooks.ts';
import { hookView, type JiraWorld } from './world.ts';

/** Payloads in the shapes of real Jira Cloud deliveries: v2 representation, wiki-markup bodies, epoch-ms timestamps. */
export function emitIssueEvent(
  world: JiraWorld,
  webhookEvent: 'jira:issue_created' | 'jira:issue_updated',
  typeName: string,
  actorId: string,
  issue: SandboxIssue,
  extra: { changelog?: { id: string; items: ChangeItem[] }; comment?: SandboxComment } = {},
): void {
  const view = hookView(world);
  world.webhooks.send(webhookEvent, {
    timestamp: world.now().getTime(),
    webhookEvent,
    issue_event_type_name: typeName,
    user: userView(view, actorId),
    issue: issueView(view, issue),
    ...(extra.changelog && { changelog: extra.changelog }),
    ...(extra.comment && { comment: commentView(view, extra.comment) }),
  });
}

/**
 * The issue as it was, and who deleted it. A captured Cloud delivery of this event has no `issue_event_type_name`
 * and no changelog.
 */
export function emitIssueDeleted(world: JiraWorld, actorId: string, issue: SandboxIssue): void {
  const view = hookView(world);
  world.webhooks.send('jira:issue_deleted', {
    timestamp: world.now().getTime(),
    webhookEvent: 'jira:issue_deleted',
    user: userView(view, actorId),
    issue: issueView(view, issue),
  });
}

export function emitCommentEvent(
  world: JiraWorld,
  webhookEvent: 'comment_created' | 'comment_updated' | 'comment_deleted',
  comment: SandboxComment,
  issue: SandboxIssue,
  flow: DeliveryFlow = 'Primary',
): void {
  const view = hookView(world);
  const all = issueFields(view, issue);
  const fields = Object.fromEntries(
    ['summary', 'issuetype', 'project', 'assignee', 'priority', 'status'].map((id) => [id, all[id]]),
  );
  const { self, id, key } = issueView(view, issue);
  world.webhooks.send(
    webhookEvent,
    {
      timestamp: world.now().getTime(),
      webhookEvent,
      comment: commentView(view, comment),
      issue: { id, self, key, fields },
    },
    flow,
  );
}

export function emitLinkEvent(
  world: JiraWorld,
  webhookEvent: 'issuelink_created' | 'issuelink_deleted',
  link: SandboxLink,
  flow: DeliveryFlow = 'Primary',
): void {
  const blocks = link.typeName === 'Blocks';
  const subTask = link.typeName === 'jira_subtask_link';
  // Like Jira's: no `user` says who linked, and Jira's own links (sub-tasks, epics) arrive too, marked system.
  world.webhooks.send(
    webhookEvent,
    {
      timestamp: world.now().getTime(),
      webhookEvent,
      issueLink: {
        id: Number(link.id),
        sourceIssueId: Number(link.fromId),
        destinationIssueId: Number(link.toId),
        issueLinkType: {
          id: 10003,
          name: link.typeName,
          outwardName: blocks ? 'blocks' : 'relates to',
          inwardName: blocks ? 'is blocked by' : 'relates to',
          isSubTaskLinkType: subTask,
          isSystemLinkType: link.system ?? false,
        },
        sequence: 0,
        systemLink: link.system ?? false,
      },
    },
    flow,
  );
}

export function emitSprintEvent(
  world: JiraWorld,
  webhookEvent: 'sprint_started' | 'sprint_closed',
  sprint: SandboxSprint,
): void {
  world.webhooks.send(webhookEvent, {
    timestamp: world.now().getTime(),
    webhookEvent,
    sprint: sprintView(hookView(world), sprint),
  });
}
