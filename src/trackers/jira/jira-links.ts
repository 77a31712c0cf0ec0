import type { ItemRef } from '../../domain/events.ts';
import type { LinkTarget } from '../tracker.ts';
import type { JiraContext } from './jira-context.ts';
import { readRemoteLinks } from './jira-reads.ts';
import { remoteGlobalId, remoteLinkId, remoteLinkNames } from './remote-links.ts';

interface RawIssueLink {
  id?: string;
  type?: { name?: string };
  inwardIssue?: { id?: string; key?: string };
  outwardIssue?: { id?: string; key?: string };
}

const isJiraItem = (target: LinkTarget): target is Extract<LinkTarget, { kind: 'item' }> =>
  target.kind === 'item' && target.ref.tracker === 'jira';

async function linksBetween(ctx: JiraContext, from: ItemRef, to: ItemRef): Promise<RawIssueLink[]> {
  const issue = await ctx.call('getIssue', () =>
    ctx.cloud.issues.getIssue({ issueIdOrKey: from.id, fields: ['issuelinks'] }),
  );
  const links = (issue.fields?.issuelinks ?? []) as RawIssueLink[];
  return links.filter((link) => {
    const other = link.outwardIssue ?? link.inwardIssue;
    return other?.id === to.id || other?.key === to.key;
  });
}

export async function addLink(
  ctx: JiraContext,
  from: ItemRef,
  to: LinkTarget,
  type: string,
): Promise<boolean> {
  // A remote link needs a title (Jira answers 400 without one); a Trello card may have an empty name.
  const title = to.title.trim() || (to.kind === 'item' ? to.ref.key : to.url);
  if (isJiraItem(to)) {
    const typeName = type || ctx.linkType;
    const existing = await linksBetween(ctx, from, to.ref);
    if (existing.some((link) => link.type?.name?.toLowerCase() === typeName.toLowerCase())) return false;
    // Before the write: Jira's echo, which names no actor, may arrive before the call returns.
    await ctx.ownLinks?.remember('jira', from.id, to.ref.id, 'link.created');
    // Jira reads the request the other way round from its field names: the issue sent as `inwardIssue` is the
    // one the link type's outward phrase belongs to ("FROM blocks TO").
    await ctx.call('linkIssues', () =>
      ctx.cloud.issueLinks.linkIssues({
        type: { name: typeName },
        inwardIssue: { key: from.key },
        outwardIssue: { key: to.ref.key },
      }),
    );
    return true;
  }
  const globalId = remoteGlobalId(to);
  const relationship = type || 'relates to';
  const current = (await readRemoteLinks(ctx, from.id)).find((link) => link.globalId === globalId);
  if (
    current?.object?.url === to.url &&
    current.object.title === title &&
    current.relationship === relationship
  ) {
    return false;
  }
  await ctx.call('createRemoteLink', () =>
    ctx.cloud.issueRemoteLinks.createOrUpdateRemoteIssueLink({
      issueIdOrKey: from.id,
      globalId,
      relationship,
      object: { url: to.url, title },
    }),
  );
  return true;
}

export async function removeLink(
  ctx: JiraContext,
  from: ItemRef,
  to: LinkTarget,
  linkId?: string,
): Promise<boolean> {
  const item = to.kind === 'item' ? to.ref : undefined;
  let removed = false;
  if (isJiraItem(to)) {
    const existing = (await linksBetween(ctx, from, to.ref)).filter(
      (link) => linkId === undefined || link.id === linkId,
    );
    if (existing.length > 0)
      await ctx.ownLinks?.remember('jira', from.id, to.ref.id, 'link.deleted', existing.length);
    for (const link of existing) {
      const linkId = link.id;
      if (linkId) await ctx.call('deleteIssueLink', () => ctx.cloud.issueLinks.deleteIssueLink({ linkId }));
    }
    removed = existing.length > 0;
  }
  return (await removeRemoteLinks(ctx, from, to, item, linkId)) || removed;
}

/**
 * The issue's remote links to the target (only the one of `linkId` when given): the service's by its globalId, and
 * a person's to the same card or issue of the site (its URL pasted in the issue view: no globalId) by its id.
 */
async function removeRemoteLinks(
  ctx: JiraContext,
  from: ItemRef,
  to: LinkTarget,
  item: ItemRef | undefined,
  linkId: string | undefined,
): Promise<boolean> {
  const globalId = remoteGlobalId(to);
  const current = (await readRemoteLinks(ctx, from.id)).filter(
    (link) =>
      (linkId === undefined || (link.id !== undefined && remoteLinkId(link.id) === linkId)) &&
      (link.globalId === globalId || (item !== undefined && remoteLinkNames(link, item, ctx.siteUrl))),
  );
  for (const link of current) {
    const linkId = link.id;
    if (link.globalId === globalId)
      await ctx.call('deleteRemoteLink', () =>
        ctx.cloud.issueRemoteLinks.deleteRemoteIssueLinkByGlobalId({ issueIdOrKey: from.id, globalId }),
      );
    else if (linkId !== undefined)
      await ctx.call('deleteRemoteLink', () =>
        ctx.cloud.issueRemoteLinks.deleteRemoteIssueLinkById({
          issueIdOrKey: from.id,
          linkId: String(linkId),
        }),
      );
  }
  return current.length > 0;
}
