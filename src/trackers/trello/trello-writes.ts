import { fitDoc } from '../../domain/doc-fit.ts';
import type { ItemRef } from '../../domain/events.ts';
import { ErrorKind, TrackerError } from '../../errors.ts';
import type {
  CreateTarget,
  DescriptionOptions,
  DescriptionOutcome,
  DescriptionPlan,
  LinkTarget,
  NewItem,
} from '../tracker.ts';
import { fitMarkdown, renderMarkdown, TRELLO_TEXT_LIMIT, trelloOverflow } from './markdown-render.ts';
import { createOnce, type TrelloDeps } from './trello-deps.ts';
import { cardUrl, itemRefForUrl } from './trello-urls.ts';

// Labels we create get one quiet colour: an uncoloured label does not show on the card front.
const NEW_LABEL_COLOR = 'sky';
const MAX_ATTACHMENT_NAME = 256;

/** Trello names as people read them: case and surrounding spaces aside. */
export function sameName(a: string | null | undefined, b: string): boolean {
  return (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();
}

async function boardLabelId(deps: TrelloDeps, boardId: string, name: string): Promise<string> {
  const find = async () =>
    (await deps.api.boards.getBoardLabels({ id: boardId, limit: 1000 })).find((label) =>
      sameName(label.name, name),
    )?.id;
  return (
    (await find()) ??
    createOnce(
      deps,
      boardId,
      `label:${name}`,
      find,
      async () => (await deps.api.boards.createBoardLabel({ id: boardId, name, color: NEW_LABEL_COLOR })).id,
    )
  );
}

export async function setLabel(
  deps: TrelloDeps,
  ref: ItemRef,
  name: string,
  present: boolean,
): Promise<boolean> {
  const card = await deps.api.cards.getCard({ id: ref.id, fields: 'id,idBoard,labels' });
  const onCard = (card.labels ?? []).find((label) => sameName(label.name, name));
  if (present === Boolean(onCard)) return false;
  if (onCard) await deps.api.cards.removeCardLabel({ id: card.id, idLabel: onCard.id });
  else {
    const idLabel = await boardLabelId(deps, card.idBoard ?? '', name);
    await deps.api.cards.addCardLabel({ id: card.id, value: idLabel });
  }
  return true;
}

function targetUrl(target: LinkTarget): string {
  if (target.kind === 'item' && target.ref.tracker === 'trello') return cardUrl(target.ref.key);
  return target.url;
}

export async function addLink(deps: TrelloDeps, from: ItemRef, to: LinkTarget): Promise<boolean> {
  const url = targetUrl(to);
  const attachments = await deps.api.cards.getCardAttachments({ id: from.id, fields: 'id,url' });
  if (attachments.some((attachment) => attachment.url && linksTo(deps, attachment.url, to))) return false;
  await deps.api.cards.createCardAttachment({
    id: from.id,
    url,
    name: to.title.slice(0, MAX_ATTACHMENT_NAME),
  });
  return true;
}

/**
 * Whether an attachment links to the target: by its URL, or (an item) by the item it names, whose key a move
 * changes and whose card URL may carry a slug. A Jira issue only on the configured site: another site has issues
 * with the same keys.
 */
function linksTo(deps: TrelloDeps, attachmentUrl: string, to: LinkTarget): boolean {
  if (attachmentUrl.replace(/\/+$/, '') === targetUrl(to).replace(/\/+$/, '')) return true;
  const named = to.kind === 'item' ? itemRefForUrl(attachmentUrl, deps.jiraSiteUrl) : undefined;
  return (
    named !== undefined && to.kind === 'item' && named.tracker === to.ref.tracker && named.key === to.ref.key
  );
}

export async function removeLink(
  deps: TrelloDeps,
  from: ItemRef,
  to: LinkTarget,
  linkId?: string,
): Promise<boolean> {
  const attachments = await deps.api.cards.getCardAttachments({ id: from.id, fields: 'id,url' });
  const matching = attachments.filter(
    (attachment) =>
      (linkId === undefined || attachment.id === linkId) &&
      attachment.url &&
      linksTo(deps, attachment.url, to),
  );
  for (const attachment of matching) {
    await deps.api.cards.deleteCardAttachment({ id: from.id, idAttachment: attachment.id });
  }
  return matching.length > 0;
}

async function findList(deps: TrelloDeps, boardId: string, name: string) {
  const lists = await deps.api.boards.getBoardLists({ id: boardId, filter: 'open', fields: 'id,name' });
  return lists.find((list) => sameName(list.name, name));
}

export async function moveTo(deps: TrelloDeps, ref: ItemRef, listName: string): Promise<void> {
  const card = await deps.api.cards.getCard({ id: ref.id, fields: 'id,idBoard,idList' });
  const list = await findList(deps, card.idBoard ?? '', listName);
  if (!list)
    throw new TrackerError(ErrorKind.Validation, 'trello', `No open list named "${listName}" on the board`);
  if (list.id !== card.idList) await deps.api.cards.updateCard({ id: card.id, idList: list.id });
}

/** The description setDescription would send for `text`, and whether it was cut. */
function plannedDescription(ref: ItemRef, text: string) {
  const url = cardUrl(ref.key);
  const desc = fitMarkdown(text, url);
  const outcome: DescriptionOutcome =
    desc === text ? { cut: false } : { cut: true, limit: trelloOverflow(url).limit };
  return { desc, outcome };
}

export async function planDescription(ref: ItemRef, text: string): Promise<DescriptionPlan> {
  const { desc, outcome } = plannedDescription(ref, text);
  return { outcome, description: desc };
}

export async function setDescription(
  deps: TrelloDeps,
  ref: ItemRef,
  text: string,
  options: DescriptionOptions = {},
): Promise<DescriptionOutcome> {
  const { desc, outcome } = plannedDescription(ref, text);
  if (outcome.cut && options.whole) return outcome;
  const card = await deps.api.cards.getCard({ id: ref.id, fields: 'id,desc' });
  if ((card.desc ?? '') !== desc) await deps.api.cards.updateCard({ id: card.id, desc });
  return outcome;
}

export async function setTitle(deps: TrelloDeps, ref: ItemRef, title: string): Promise<void> {
  const card = await deps.api.cards.getCard({ id: ref.id, fields: 'id,name' });
  if (card.name !== title) await deps.api.cards.updateCard({ id: card.id, name: title });
}

export async function createItem(deps: TrelloDeps, target: CreateTarget, item: NewItem): Promise<ItemRef> {
  const boardId = target.containerId;
  const find = () => findList(deps, boardId, target.typeOrList);
  const list =
    (await find()) ??
    (await createOnce(deps, boardId, `list:${target.typeOrList}`, find, () =>
      createList(deps, boardId, target.typeOrList),
    ));
  const labelIds: string[] = [];
  for (const label of item.labels) labelIds.push(await boardLabelId(deps, boardId, label));
  const card = await deps.api.cards.createCard({
    idList: list.id,
    name: item.title,
    desc: renderMarkdown(
      fitDoc(
        item.body,
        (candidate) => renderMarkdown(candidate).length <= TRELLO_TEXT_LIMIT,
        trelloOverflow(`https://trello.com/b/${boardId}`),
      ),
    ),
    pos: 'bottom',
    ...(labelIds.length > 0 ? { idLabels: labelIds } : {}),
  });
  return { tracker: 'trello', id: card.id, key: card.shortLink ?? card.id };
}

/** A new list: board reads cached before it must not hide it. */
async function createList(deps: TrelloDeps, boardId: string, name: string) {
  const list = await deps.api.boards.createBoardList({ id: boardId, name, pos: 'bottom' });
  deps.boardCache.forget(boardId);
  return list;
}
