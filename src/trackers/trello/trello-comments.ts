import type { Action } from 'trello.js/models';
import { type Doc, docToPlainText } from '../../domain/doc.ts';
import { fitDoc } from '../../domain/doc-fit.ts';
import type { ItemRef } from '../../domain/events.ts';
import { markdownToDoc } from '../markdown-doc.ts';
import { renameKey } from '../renamed-key.ts';
import type { CommentOutcome, CommentPlan, OwnComment, RenamePlan } from '../tracker.ts';
import { fitMarkdown, renderMarkdown, TRELLO_TEXT_LIMIT, trelloOverflow } from './markdown-render.ts';
import { ACTION_PAGE, allActions } from './trello-actions.ts';
import { hasMarker, withMarker, withoutMarker } from './trello-comment-marker.ts';
import type { TrelloDeps } from './trello-deps.ts';
import { cardUrl } from './trello-urls.ts';

function commentText(action: Action): string {
  const text: unknown = action.data.text;
  return typeof text === 'string' ? text : '';
}

/** The service's comments for a purpose, newest first (Trello lists actions newest first). */
async function ownComments(deps: TrelloDeps, ref: ItemRef, purpose: string): Promise<Action[]> {
  const [me, actions] = await Promise.all([
    deps.me(),
    // A busy card's comment of the service can be older than the newest page.
    allActions((before) =>
      deps.api.cards.getCardActions({ id: ref.id, filter: 'commentCard', limit: ACTION_PAGE, before }),
    ),
  ]);
  return actions.filter(
    (action) => action.idMemberCreator === me.id && hasMarker(commentText(action), purpose),
  );
}

export function fitComment(ref: ItemRef, purpose: string, body: Doc): Doc {
  const fits = (candidate: Doc) => withMarker(renderMarkdown(candidate), purpose).length <= TRELLO_TEXT_LIMIT;
  return fitDoc(body, fits, trelloOverflow(cardUrl(ref.key)));
}

/** The text upsertComment would send for `body` (cut to fit), the service's comments now, and what it would do. */
async function plannedComment(deps: TrelloDeps, ref: ItemRef, purpose: string, body: Doc) {
  const text = withMarker(renderMarkdown(fitComment(ref, purpose, body)), purpose);
  const [current, ...duplicates] = await ownComments(deps, ref, purpose);
  const plan: CommentPlan = current
    ? { action: commentText(current) === text ? 'unchanged' : 'updated', id: current.id }
    : { action: 'created' };
  return { text, current, duplicates, plan };
}

export async function planComment(
  deps: TrelloDeps,
  ref: ItemRef,
  purpose: string,
  body: Doc,
): Promise<CommentPlan> {
  return (await plannedComment(deps, ref, purpose, body)).plan;
}

export async function upsertComment(
  deps: TrelloDeps,
  ref: ItemRef,
  purpose: string,
  body: Doc,
): Promise<CommentOutcome> {
  const { text, current, duplicates, plan } = await plannedComment(deps, ref, purpose, body);
  // A lost race between two workers can leave two comments; the newest one stays.
  for (const duplicate of duplicates) {
    await deps.api.cards.deleteCardComment({ id: ref.id, idAction: duplicate.id });
  }
  if (!current) {
    const created = await deps.api.cards.createCardComment({ id: ref.id, text });
    return { id: created.id, action: 'created' };
  }
  if (plan.action === 'unchanged') return { id: current.id, action: 'unchanged' };
  await deps.api.cards.updateCardComment({ id: ref.id, idAction: current.id, text });
  return { id: current.id, action: 'updated' };
}

/** The service's comment for a purpose, and the text renaming `from` to `to` in it sends (cut to fit), if it changes. */
async function plannedRename(deps: TrelloDeps, ref: ItemRef, purpose: string, from: string, to: string) {
  const [current] = await ownComments(deps, ref, purpose);
  if (!current) return undefined;
  const renamed = renameKey(commentText(current), from, to);
  if (commentText(current) === renamed) return { current, text: undefined };
  // A longer key can take a comment cut to the limit over it: cut again, as a long post is, the marker kept last.
  const fits = (candidate: string) => withMarker(candidate, purpose).length <= TRELLO_TEXT_LIMIT;
  const text =
    renamed.length <= TRELLO_TEXT_LIMIT
      ? renamed
      : withMarker(fitMarkdown(withoutMarker(renamed, purpose), cardUrl(ref.key), fits), purpose);
  return { current, text };
}

export async function planRename(
  deps: TrelloDeps,
  ref: ItemRef,
  purpose: string,
  from: string,
  to: string,
): Promise<RenamePlan | undefined> {
  const planned = await plannedRename(deps, ref, purpose, from, to);
  if (!planned) return undefined;
  const { current, text } = planned;
  return {
    id: current.id,
    action: text === undefined ? 'unchanged' : 'updated',
    text: docToPlainText(readBack(text ?? commentText(current), purpose)),
  };
}

export async function renameInOwnComment(
  deps: TrelloDeps,
  ref: ItemRef,
  purpose: string,
  from: string,
  to: string,
): Promise<CommentOutcome | undefined> {
  const planned = await plannedRename(deps, ref, purpose, from, to);
  if (!planned) return undefined;
  const { current, text } = planned;
  if (text === undefined) return { id: current.id, action: 'unchanged' };
  await deps.api.cards.updateCardComment({ id: ref.id, idAction: current.id, text });
  return { id: current.id, action: 'updated' };
}

/** Trello keeps the Markdown the service wrote: read back, a comment's text is the document rendered. */
const readBack = (text: string, purpose: string): Doc => markdownToDoc(withoutMarker(text, purpose));

export async function getOwnComment(
  deps: TrelloDeps,
  ref: ItemRef,
  purpose: string,
): Promise<OwnComment | undefined> {
  const [current] = await ownComments(deps, ref, purpose);
  if (!current) return undefined;
  const body = readBack(commentText(current), purpose);
  return { id: current.id, text: docToPlainText(body), doc: body };
}

export async function deleteOwnComment(deps: TrelloDeps, ref: ItemRef, purpose: string): Promise<boolean> {
  const comments = await ownComments(deps, ref, purpose);
  for (const comment of comments) {
    await deps.api.cards.deleteCardComment({ id: ref.id, idAction: comment.id });
  }
  return comments.length > 0;
}
