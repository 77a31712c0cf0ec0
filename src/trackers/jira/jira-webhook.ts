import type { Actor, Container, FieldChange, ItemRef } from '../../domain/events.ts';
import { ignored, type Normalized, normalized } from '../normalized.ts';
import { adfToPlainText } from './adf-text.ts';
import { isAdfDoc } from './adf-types.ts';
import { restrictionOf } from './comment-visibility.ts';
import type { JiraDelivery } from './jira-webhook-schema.ts';
import { wikiToPlainText } from './wiki-text.ts';

/** The Jira events the intake turns into work; the rest are accepted and ignored. */
export const JIRA_EVENTS = [
  'jira:issue_created',
  'jira:issue_updated',
  'jira:issue_deleted',
  'comment_created',
  'comment_updated',
  'issuelink_created',
  'issuelink_deleted',
  'sprint_started',
  'sprint_closed',
];

const SYSTEM_ACTOR: Actor = { id: 'jira', displayName: 'Jira' };

function actorOf(user: JiraDelivery['user']): Actor {
  if (!user) return SYSTEM_ACTOR;
  const actor = { id: user.accountId, displayName: user.displayName ?? user.accountId };
  return user.accountType === 'app' ? { ...actor, app: true } : actor;
}

function containerOf(delivery: JiraDelivery): Container {
  const project = delivery.issue?.fields?.project;
  return project
    ? { id: project.id, key: project.key, projectType: project.projectTypeKey }
    : { id: 'unknown', key: 'unknown' };
}

function changesOf(delivery: JiraDelivery): FieldChange[] {
  // System fields by id (status, description...), custom fields by display name ("Story Points"): custom field
  // ids differ per site, and the rules file names fields the way people see them.
  return (delivery.changelog?.items ?? []).map((item) => ({
    field: item.fieldId && !item.fieldId.startsWith('customfield_') ? item.fieldId : item.field,
    from: item.fromString ?? null,
    to: item.toString ?? null,
    ...(item.from ? { fromId: item.from } : {}),
  }));
}

/**
 * Turns a verified Jira Cloud delivery into our event, or says why it needs no work. With `readText: false`
 * (the request path) no tracker text is read: comment text stays empty, so a huge comment costs nothing there.
 */
export function toJiraEvent(
  delivery: JiraDelivery,
  deliveryId: string,
  { readText = true }: { readText?: boolean } = {},
): Normalized {
  const base = {
    deliveryId,
    tracker: 'jira' as const,
    occurredAt: new Date(delivery.timestamp ?? Date.now()).toISOString(),
  };
  const { issue, webhookEvent } = delivery;

  if (webhookEvent === 'sprint_started' || webhookEvent === 'sprint_closed') {
    const sprint = delivery.sprint;
    if (!sprint) return ignored(`${webhookEvent} without a sprint`);
    return normalized({
      ...base,
      actor: actorOf(delivery.user),
      kind: webhookEvent === 'sprint_started' ? 'sprint.started' : 'sprint.closed',
      sprint: { id: String(sprint.id), name: sprint.name, boardId: String(sprint.originBoardId ?? '') },
    });
  }
  if (webhookEvent === 'issuelink_created' || webhookEvent === 'issuelink_deleted') {
    const link = delivery.issueLink;
    if (!link) return ignored(`${webhookEvent} without an issueLink`);
    // Jira links sub-tasks and epics itself; each would otherwise re-score both ends for nothing a person did.
    if (link.systemLink) {
      return ignored(`${webhookEvent} of a system link (sub-task or epic)`);
    }
    const ref = (id: string | number): ItemRef => ({ tracker: 'jira', id: String(id), key: String(id) });
    return normalized({
      ...base,
      actor: actorOf(delivery.user),
      kind: webhookEvent === 'issuelink_created' ? 'link.created' : 'link.deleted',
      item: ref(link.sourceIssueId),
      container: containerOf(delivery),
      target: ref(link.destinationIssueId),
    });
  }
  if (!issue) return ignored(`unsupported event ${webhookEvent}`);
  const item: ItemRef = { tracker: 'jira', id: issue.id, key: issue.key };
  const itemBase = { ...base, item, container: containerOf(delivery) };

  switch (webhookEvent) {
    case 'jira:issue_created':
      return normalized({
        ...itemBase,
        actor: actorOf(delivery.user),
        kind: 'item.created',
        issueType: issue.fields?.issuetype?.name,
      });
    case 'jira:issue_updated': {
      const changes = changesOf(delivery);
      // A comment also raises issue_updated with no changelog; comment_created carries it.
      if (changes.length === 0) return ignored('issue update without field changes');
      return normalized({ ...itemBase, actor: actorOf(delivery.user), kind: 'item.updated', changes });
    }
    case 'jira:issue_deleted':
      return normalized({ ...itemBase, actor: actorOf(delivery.user), kind: 'item.deleted' });
    case 'comment_created':
    case 'comment_updated': {
      const comment = delivery.comment;
      if (!comment) return ignored(`${webhookEvent} without a comment`);
      const editor = webhookEvent === 'comment_updated' ? comment.updateAuthor : undefined;
      // Commands act with the rights of who wrote them: an agent redacting a customer's comment (Edit All
      // Comments) is not writing its commands, and must not run them with the agent's rights; nor is one editing an
      // anonymous comment (no author).
      if (editor && editor.accountId !== comment.author?.accountId)
        return ignored('comment edited by someone other than its author: its commands stay the author’s');
      const visibility = restrictionOf(comment.visibility);
      const created = Date.parse(comment.created ?? '');
      return normalized({
        ...itemBase,
        actor: actorOf(editor ?? comment.author),
        kind: webhookEvent === 'comment_created' ? 'comment.created' : 'comment.updated',
        // Webhook comment bodies are wiki markup (ADF where a site or app sends it): commands are read from the
        // plain text, links unwrapped, code fenced and quotes marked so quoted commands do not run.
        comment: {
          id: comment.id,
          text: !readText
            ? ''
            : typeof comment.body === 'string'
              ? wikiToPlainText(comment.body)
              : isAdfDoc(comment.body)
                ? adfToPlainText(comment.body, { markCodeAndQuotes: true })
                : '',
          ...(visibility && { visibility }),
          ...(Number.isFinite(created) && { createdAt: new Date(created).toISOString() }),
        },
      });
    }
    default:
      return ignored(`unsupported event ${webhookEvent}`);
  }
}
