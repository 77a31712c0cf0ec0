import type { Doc } from '../../domain/doc.ts';
import { fitDoc } from '../../domain/doc-fit.ts';
import type { ItemRef } from '../../domain/events.ts';
import type { CommentOptions, CommentOutcome, OwnComment } from '../tracker.ts';
import { JIRA_TEXT_LIMIT } from './adf-render.ts';
import type { AdfNode } from './adf-types.ts';
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
