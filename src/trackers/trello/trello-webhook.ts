import type { Container, FieldChange, ItemRef } from '../../domain/events.ts';
import { ignored, type Normalized, normalized } from '../normalized.ts';
import { createdAtFromId } from './trello-urls.ts';
import type { TrelloDelivery } from './trello-webhook-schema.ts';

type Data = TrelloDelivery['action']['data'];

function containerOf(data: Data): Container {
  const list = data.listAfter ?? data.list;
  return {
    id: data.board?.id ?? 'unknown',
    key: data.board?.shortLink ?? data.board?.id ?? 'unknown',
    listId: list?.id,
    listName: list?.name,
  };
}

/** A changed field's value as text: `old` may hold objects (a cover, badges), read as their JSON, never String()'s. */
const text = (value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

const OLD_FIELD_NAMES: Record<string, string> = { name: 'title', desc: 'description', idList: 'list' };

function changesOf(data: Data): FieldChange[] {
  return Object.entries(data.old ?? {}).map(([field, before]) => {
    if (field === 'idList')
      return { field: 'list', from: data.listBefore?.name ?? null, to: data.listAfter?.name ?? null };
    const after = (data.card as Record<string, unknown> | undefined)?.[field];
    return { field: OLD_FIELD_NAMES[field] ?? field, from: text(before), to: text(after) };
  });
}

/**
 * The actions by which a card arrives on a board (`data.list` names the list it lands in): created, copied, moved
 * in from another board, or made by "Convert to card" on a checklist item. Trello sends no createCard for the last
 * three, so intake and a board's activity must each know all four.
 */
export const CARD_ARRIVALS: ReadonlySet<string> = new Set([
  'createCard',
  'copyCard',
  'moveCardToBoard',
  'convertToCardFromCheckItem',
]);

/**
 * Checklist actions whose data may name no card: a rename (`updateChecklist`) and a copy (`copyChecklist`) carry
 * the checklist and the board only. The card the template reads is looked up by the checklist.
 */
const CARDLESS_CHECKLIST_CHANGES: ReadonlySet<string> = new Set(['updateChecklist', 'copyChecklist']);

/** Turns a verified Trello delivery into our event, or says why it needs no work. */
export function toTrelloEvent(delivery: TrelloDelivery): Normalized {
  const { action } = delivery;
  const { data } = action;
  if (!data.card && CARDLESS_CHECKLIST_CHANGES.has(action.type) && data.checklist) {
    return normalized({
      kind: 'checklist.updated',
      deliveryId: action.id,
      tracker: 'trello',
      occurredAt: action.date,
      actor: {
        id: action.idMemberCreator,
        displayName: action.memberCreator?.fullName ?? action.idMemberCreator,
      },
      container: containerOf(data),
      checklist: { id: data.checklist.id, name: data.checklist.name ?? '' },
    });
  }
  if (!data.card) return ignored(`unsupported action ${action.type}`);
  const item: ItemRef = { tracker: 'trello', id: data.card.id, key: data.card.shortLink ?? data.card.id };
  const base = {
    deliveryId: action.id,
    tracker: 'trello' as const,
    occurredAt: action.date,
    actor: {
      id: action.idMemberCreator,
      displayName: action.memberCreator?.fullName ?? action.idMemberCreator,
    },
    item,
    container: containerOf(data),
  };
  if (CARD_ARRIVALS.has(action.type)) {
    const from = data.cardSource;
    const source: ItemRef | undefined = from && {
      tracker: 'trello',
      id: from.id,
      key: from.shortLink ?? from.id,
    };
    return normalized({ ...base, kind: 'item.created', ...(source ? { source } : {}) });
  }
  switch (action.type) {
    case 'deleteCard':
      return normalized({ ...base, kind: 'item.deleted' });
    // The card lives on, on a board the service may not watch (then this is all it hears): a change of place, so
    // the handlers read where it is now and take it out of the backlog, and off the service's flag, if it left.
    case 'moveCardFromBoard':
      return normalized({
        ...base,
        kind: 'item.updated',
        changes: [{ field: 'board', from: base.container.id, to: data.boardTarget?.id ?? null }],
      });
    case 'updateCard': {
      const changes = changesOf(data);
      return changes.length > 0
        ? normalized({ ...base, kind: 'item.updated', changes })
        : ignored('card update without changes');
    }
    case 'updateCustomFieldItem':
      return normalized({
        ...base,
        kind: 'item.updated',
        changes: [{ field: data.customField?.name ?? 'customField', from: null, to: null }],
      });
    case 'addAttachmentToCard':
    case 'deleteAttachmentFromCard':
      return normalized({
        ...base,
        kind: 'item.updated',
        changes: [
          {
            field: 'attachments',
            from: action.type === 'deleteAttachmentFromCard' ? (data.attachment?.url ?? null) : null,
            to: action.type === 'addAttachmentToCard' ? (data.attachment?.url ?? null) : null,
          },
        ],
      });
    // Acceptance checks read checklists: each change of one is a change of the card's `checklist`.
    case 'addChecklistToCard':
    case 'removeChecklistFromCard':
    case 'updateChecklist':
    case 'copyChecklist':
    case 'createCheckItem':
    case 'updateCheckItem':
    case 'deleteCheckItem':
    case 'updateCheckItemStateOnCard':
      return normalized({
        ...base,
        kind: 'item.updated',
        changes: [
          {
            field: 'checklist',
            from: null,
            to: text(
              data.checkItem
                ? `${data.checkItem.name ?? ''}: ${data.checkItem.state ?? ''}`
                : data.checklist?.name,
            ),
          },
        ],
      });
    case 'addLabelToCard':
    case 'removeLabelFromCard':
      return normalized({
        ...base,
        kind: 'item.updated',
        changes: [{ field: 'labels', from: null, to: null }],
      });
    case 'commentCard':
      return normalized({
        ...base,
        kind: 'comment.created',
        comment: { id: action.id, text: data.text ?? '', createdAt: action.date },
      });
    case 'updateComment':
      return data.action
        ? normalized({
            ...base,
            kind: 'comment.updated',
            // The delivery is dated by the edit; the comment's id carries when it was written.
            comment: {
              id: data.action.id,
              text: data.action.text ?? data.text ?? '',
              createdAt: createdAtFromId(data.action.id),
            },
          })
        : ignored('comment update without the comment');
    default:
      return ignored(`unsupported action ${action.type}`);
  }
}
