import type { Doc } from '../../domain/doc.ts';
import { fitDoc } from '../../domain/doc-fit.ts';
import type { ItemRef } from '../../domain/events.ts';
import { renameKey } from '../renamed-key.ts';
import type { CommentOptions, CommentOutcome, OwnComment } from '../tracker.ts';
import { JIRA_TEXT_LIMIT } from './adf-render.ts';
import type { AdfDoc, AdfNode } from './adf-types.ts';
import { hasMarker, ownCommentText, renderOwnComment, sameAdf } from './comment-marker.ts';
import type { JiraContext } from './jira-context.ts';

interface OwnCommentRecord {
  id: string;
  body: AdfNode;
}

const PAGE_SIZE = 100;

async function findOwnComments(ctx: JiraContext, ref: ItemRef, purpose: string): Promise<OwnCommentRecord[]> {
  const me = await ctx.myself();
  const found: OwnCommentRecord[] = [];
  for (let startAt = 0; ; startAt += PAGE_SIZE) {
    const page = await ctx.call('getComments', () =>
      ctx.cloud.issueComments.getComments({
        issueIdOrKey: ref.id,
        startAt,
        maxResults: PAGE_SIZE,
        orderBy: 'created',
      }),
    );
    const comments = page.comments ?? [];
    for (const comment of comments) {
      const body = comment.body as AdfNode | undefined;
      if (comment.id && body && comment.author?.accountId === me.id && hasMarker(body, purpose)) {
        found.push({ id: comment.id, body });
      }
    }
    if (comments.length === 0 || startAt + comments.length >= (page.total ?? 0)) return found;
  }
}

export async function upsertComment(
  ctx: JiraContext,
  ref: ItemRef,
  purpose: string,
  body: Doc,
  options: CommentOptions = {},
): Promise<CommentOutcome> {
  const fits = (candidate: Doc) =>
    JSON.stringify(renderOwnComment(purpose, candidate)).length <= JIRA_TEXT_LIMIT;
  const rendered = renderOwnComment(purpose, fitDoc(body, fits, ctx.overflow(ref)));
  // Service Management makes API comments public (mailed to the customer) unless this property says internal;
  // other projects store it and show nothing different.
  const visibility = {
    properties: [{ key: 'sd.public.comment', value: { internal: options.audience !== 'customers' } }],
  };
  const [existing, ...duplicates] = await findOwnComments(ctx, ref, purpose);
  // A retried job racing itself can leave two; exactly one per purpose is the contract, so extras go.
  for (const extra of duplicates) await deleteComment(ctx, ref, extra.id);
  if (!existing) {
    const created = await ctx.call('addComment', () =>
      ctx.cloud.issueComments.addComment({
        issueIdOrKey: ref.id,
        body: rendered,
        ...visibility,
      }),
    );
    return { id: created.id ?? '', action: 'created' };
  }
  if (sameAdf(existing.body, rendered)) return { id: existing.id, action: 'unchanged' };
  await ctx.call('updateComment', () =>
    ctx.cloud.issueComments.updateComment({
      issueIdOrKey: ref.id,
      id: existing.id,
      // Said again on every edit, so a comment posted public before (an older version) turns internal.
      body: { body: rendered, ...visibility },
    }),
  );
  return { id: existing.id, action: 'updated' };
}

/** Every string of an ADF document (texts, link addresses) renamed; its structure and other values stay. */
function renamedAdf(node: unknown, from: string, to: string): unknown {
  if (typeof node === 'string') return renameKey(node, from, to);
  if (Array.isArray(node)) return node.map((child) => renamedAdf(child, from, to));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, renamedAdf(value, from, to)]));
}

export async function renameInOwnComment(
  ctx: JiraContext,
  ref: ItemRef,
  purpose: string,
  from: string,
  to: string,
): Promise<CommentOutcome | undefined> {
  const [existing] = await findOwnComments(ctx, ref, purpose);
  if (!existing) return undefined;
  // A comment's body is a whole document: renaming its strings keeps it one.
  const renamed = renamedAdf(existing.body, from, to) as AdfDoc;
  if (sameAdf(existing.body, renamed)) return { id: existing.id, action: 'unchanged' };
  // No visibility said: the edit keeps the one the comment has (an internal note stays internal).
  await ctx.call('updateComment', () =>
    ctx.cloud.issueComments.updateComment({
      issueIdOrKey: ref.id,
      id: existing.id,
      body: { body: renamed },
    }),
  );
  return { id: existing.id, action: 'updated' };
}

export async function getOwnComment(
  ctx: JiraContext,
  ref: ItemRef,
  purpose: string,
): Promise<OwnComment | undefined> {
  const [existing] = await findOwnComments(ctx, ref, purpose);
  return existing && { id: existing.id, text: ownCommentText(existing.body) };
}

function deleteComment(ctx: JiraContext, ref: ItemRef, id: string): Promise<void> {
  return ctx.call('deleteComment', () => ctx.cloud.issueComments.deleteComment({ issueIdOrKey: ref.id, id }));
}

export async function deleteOwnComment(ctx: JiraContext, ref: ItemRef, purpose: string): Promise<boolean> {
  const own = await findOwnComments(ctx, ref, purpose);
  for (const comment of own) await deleteComment(ctx, ref, comment.id);
  return own.length > 0;
}
