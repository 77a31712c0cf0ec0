import { type Doc, doc } from '../../domain/doc.ts';
import { fitDoc, fitHead, type Lines, type Overflow, overflowNotice } from '../../domain/doc-fit.ts';
import { audienceOf, type CommentVisibility, type ItemRef } from '../../domain/events.ts';
import { ErrorKind, TrackerError } from '../../errors.ts';
import { renameKey } from '../renamed-key.ts';
import type { CommentOptions, CommentOutcome, CommentPlan, OwnComment, RenamePlan } from '../tracker.ts';
import { adfToDoc } from './adf-doc.ts';
import { docToAdf, withinJiraLimit } from './adf-render.ts';
import { adfToPlainText } from './adf-text.ts';
import type { AdfDoc, AdfNode } from './adf-types.ts';
import { hasMarker, renderOwnComment, sameAdf, withoutMarker } from './comment-marker.ts';
import { restrictionOf } from './comment-visibility.ts';
import type { JiraContext } from './jira-context.ts';
import { offsetPages } from './jira-pages.ts';

interface OwnCommentRecord {
  id: string;
  body: AdfNode;
  /** The group or role it shows to, said again on every edit of it. */
  visibility?: CommentVisibility;
  audience: 'agents' | 'customers';
}

/** Jira Cloud's most comments a page; it may answer fewer. */
const PAGE_SIZE = 100;

async function findOwnComments(ctx: JiraContext, ref: ItemRef, purpose: string): Promise<OwnCommentRecord[]> {
  const me = await ctx.myself();
  const comments = await offsetPages(async (startAt) => {
    const page = await ctx.call('getComments', () =>
      ctx.cloud.issueComments.getComments({
        issueIdOrKey: ref.id,
        startAt,
        maxResults: PAGE_SIZE,
        orderBy: 'created',
      }),
    );
    return { items: page.comments ?? [], total: page.total };
  });
  return comments.flatMap((comment) => {
    const body = comment.body as AdfNode | undefined;
    if (!(comment.id && body && comment.author?.accountId === me.id && hasMarker(body, purpose))) return [];
    const visibility = restrictionOf(comment.visibility);
    // One that does not say counts as internal: undo must not put a comment before customers who never read it.
    const audience = comment.jsdPublic === true ? 'customers' : 'agents';
    return [{ id: comment.id, body, audience, ...(visibility && { visibility }) }];
  });
}

/**
 * The restriction a comment write names. Said on every edit of a restricted comment: whether Jira keeps it on an
 * edit that names none is not documented, and a comment that turned public would show everyone what it hid.
 */
function restrictedBody(visibility: CommentVisibility | undefined) {
  return visibility && { visibility };
}

/**
 * A write of a restricted comment that Jira refuses for its restriction (400 `commentLevel`: the service account is
 * not in the group or role) fails as it is, never retried unrestricted; the failed job tells the operator the fix.
 */
async function restrictedWrite<T>(
  visibility: CommentVisibility | undefined,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const refusedRestriction =
      visibility &&
      error instanceof TrackerError &&
      error.kind === ErrorKind.Validation &&
      /commentLevel|visibility/i.test(error.message);
    if (!refusedRestriction) throw error;
    const audience = audienceOf(visibility);
    throw new TrackerError(
      error.kind,
      error.tracker,
      `${error.message} The comment is restricted to the ${audience}, which the service account must be in: ` +
        `nothing was posted, nor anything unrestricted in its place. Add the account to the ${audience}, then retry the job.`,
      { cause: error, status: error.status },
    );
  }
}

export function fitComment(ctx: JiraContext, ref: ItemRef, purpose: string, body: Doc): Doc {
  const fits = (candidate: Doc) => withinJiraLimit(renderOwnComment(purpose, candidate));
  return fitDoc(body, fits, ctx.overflow(ref));
}

/** The comment upsertComment would send for `body` (cut to fit), the service's comments now, and what it would do. */
async function plannedComment(ctx: JiraContext, ref: ItemRef, purpose: string, body: Doc) {
  const rendered = renderOwnComment(purpose, fitComment(ctx, ref, purpose, body));
  const [existing, ...duplicates] = await findOwnComments(ctx, ref, purpose);
  const plan: CommentPlan = existing
    ? { action: sameAdf(existing.body, rendered) ? 'unchanged' : 'updated', id: existing.id }
    : { action: 'created' };
  return { rendered, existing, duplicates, plan };
}

export async function planComment(
  ctx: JiraContext,
  ref: ItemRef,
  purpose: string,
  body: Doc,
): Promise<CommentPlan> {
  return (await plannedComment(ctx, ref, purpose, body)).plan;
}

export async function upsertComment(
  ctx: JiraContext,
  ref: ItemRef,
  purpose: string,
  body: Doc,
  options: CommentOptions = {},
): Promise<CommentOutcome> {
  const { rendered, existing, duplicates, plan } = await plannedComment(ctx, ref, purpose, body);
  // A comment restricted once keeps its group or role, whatever restriction the caller names now (none, as the
  // commenter lifted theirs, or another): what it showed only them stays so.
  const restrictedTo = existing?.visibility ?? options.visibility;
  // Service Management makes API comments public (mailed to the customer) unless this property says internal;
  // other projects store it and show nothing different.
  const visibility = {
    properties: [{ key: 'sd.public.comment', value: { internal: options.audience !== 'customers' } }],
    ...restrictedBody(restrictedTo),
  };
  // A retried job racing itself can leave two; exactly one per purpose is the contract, so extras go.
  for (const extra of duplicates) await deleteComment(ctx, ref, extra.id);
  if (!existing) {
    const created = await restrictedWrite(restrictedTo, () =>
      ctx.call('addComment', () =>
        ctx.cloud.issueComments.addComment({
          issueIdOrKey: ref.id,
          body: rendered,
          ...visibility,
        }),
      ),
    );
    return { id: created.id ?? '', action: 'created' };
  }
  if (plan.action === 'unchanged') return { id: existing.id, action: 'unchanged' };
  await restrictedWrite(restrictedTo, () =>
    ctx.call('updateComment', () =>
      ctx.cloud.issueComments.updateComment({
        issueIdOrKey: ref.id,
        id: existing.id,
        // Said again on every edit, so a comment posted public before (an older version) turns internal.
        body: { body: rendered, ...visibility },
      }),
    ),
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

/** An ADF document's lines, as a Doc's: each list item and table row alone, every other node one. */
const ADF_LINES: Lines<AdfNode> = {
  count: (node) =>
    ['bulletList', 'orderedList', 'table'].includes(node.type) ? node.content?.length || 1 : 1,
  head: (node, keep) => ({ ...node, content: node.content?.slice(0, keep) }),
  text: (node) => adfToPlainText({ type: 'doc', content: [node] }),
};

/**
 * A comment a longer key took over Jira's limit, cut as a long post is: its first lines that fit, a notice of how
 * many were left out and where to read them, then its marker, still last.
 */
function fitOwnComment(body: AdfDoc, overflow: Overflow): AdfDoc {
  if (withinJiraLimit(body)) return body;
  const marker = body.content.slice(-1);
  const notice = (hidden: number) => docToAdf(doc(overflowNotice(hidden, overflow))).content;
  return fitHead(
    body.content.slice(0, -1),
    ADF_LINES,
    (head, hidden) => ({ ...body, content: [...head, ...notice(hidden), ...marker] }),
    withinJiraLimit,
  );
}

/** The service's comment for a purpose, and the body renaming `from` to `to` in it sends (cut to fit), if it changes. */
async function plannedRename(ctx: JiraContext, ref: ItemRef, purpose: string, from: string, to: string) {
  const [existing] = await findOwnComments(ctx, ref, purpose);
  if (!existing) return undefined;
  // A comment's body is a whole document: renaming its strings keeps it one.
  const renamed = renamedAdf(existing.body, from, to) as AdfDoc;
  const body = sameAdf(existing.body, renamed) ? undefined : fitOwnComment(renamed, ctx.overflow(ref));
  return { existing, body };
}

export async function planRename(
  ctx: JiraContext,
  ref: ItemRef,
  purpose: string,
  from: string,
  to: string,
): Promise<RenamePlan | undefined> {
  const planned = await plannedRename(ctx, ref, purpose, from, to);
  if (!planned) return undefined;
  const { existing, body } = planned;
  return {
    id: existing.id,
    action: body ? 'updated' : 'unchanged',
    text: adfToPlainText(withoutMarker(body ?? existing.body)),
  };
}

export async function renameInOwnComment(
  ctx: JiraContext,
  ref: ItemRef,
  purpose: string,
  from: string,
  to: string,
): Promise<CommentOutcome | undefined> {
  const planned = await plannedRename(ctx, ref, purpose, from, to);
  if (!planned) return undefined;
  const { existing, body } = planned;
  if (!body) return { id: existing.id, action: 'unchanged' };
  // No `sd.public.comment` said: the edit keeps the one the comment has (an internal note stays internal).
  await restrictedWrite(existing.visibility, () =>
    ctx.call('updateComment', () =>
      ctx.cloud.issueComments.updateComment({
        issueIdOrKey: ref.id,
        id: existing.id,
        body: { body, ...restrictedBody(existing.visibility) },
      }),
    ),
  );
  return { id: existing.id, action: 'updated' };
}

export async function getOwnComment(
  ctx: JiraContext,
  ref: ItemRef,
  purpose: string,
): Promise<OwnComment | undefined> {
  const [existing] = await findOwnComments(ctx, ref, purpose);
  if (!existing) return undefined;
  const body = withoutMarker(existing.body);
  return {
    id: existing.id,
    text: adfToPlainText(body),
    doc: adfToDoc(body),
    audience: existing.audience,
    ...(existing.visibility && { visibility: existing.visibility }),
  };
}

function deleteComment(ctx: JiraContext, ref: ItemRef, id: string): Promise<void> {
  return ctx.call('deleteComment', () => ctx.cloud.issueComments.deleteComment({ issueIdOrKey: ref.id, id }));
}

export async function deleteOwnComment(ctx: JiraContext, ref: ItemRef, purpose: string): Promise<boolean> {
  const own = await findOwnComments(ctx, ref, purpose);
  for (const comment of own) await deleteComment(ctx, ref, comment.id);
  return own.length > 0;
}
