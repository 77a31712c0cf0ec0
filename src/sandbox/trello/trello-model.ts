import {
  nextId,
  nextShortLink,
  type SbAction,
  type SbBoard,
  type SbCard,
  type SbCheckItem,
  type SbChecklist,
  type SbField,
  type SbLabel,
  type SbList,
  type TrelloStore,
} from './trello-store.ts';
import { actionJson, boardJson } from './trello-views.ts';
import type { WebhookSender } from './trello-webhook-sender.ts';

/**
 * Every change goes through here, whether a person (control routes) or the bot (API) makes it, so both
 * produce the same action record and the same signed webhook.
 */
export interface TrelloModel {
  store: TrelloStore;
  now(): Date;
  createList(idBoard: string, name: string): SbList;
  createLabel(idBoard: string, name: string, color: string | null): SbLabel;
  createField(idBoard: string, name: string, type: string, cardFront: boolean): SbField;
  createCard(
    actor: string,
    list: SbList,
    fields: { name: string; desc?: string; idLabels?: string[] },
  ): SbCard;
  updateCard(
    actor: string,
    card: SbCard,
    changes: { idList?: string; desc?: string; name?: string; closed?: boolean },
  ): void;
  comment(actor: string, card: SbCard, text: string): SbAction;
  editComment(actor: string, card: SbCard, comment: SbAction, text: string): SbAction;
  deleteComment(actor: string, card: SbCard, comment: SbAction): void;
  setFieldItem(actor: string, card: SbCard, field: SbField, value: Record<string, string> | undefined): void;
  setLabel(actor: string, card: SbCard, label: SbLabel, present: boolean): void;
  addAttachment(actor: string, card: SbCard, url: string, name: string): string;
  addChecklist(actor: string, card: SbCard, name: string): SbChecklist;
  addCheckItem(actor: string, card: SbCard, checklist: SbChecklist, name: string): SbCheckItem;
  setCheckItemState(actor: string, card: SbCard, item: SbCheckItem, checked: boolean): void;
  deleteAttachment(actor: string, card: SbCard, idAttachment: string): void;
}

export function createTrelloModel(store: TrelloStore, now: () => Date, webhooks: WebhookSender): TrelloModel {
  function board(card: { idBoard: string }): SbBoard {
    return store.boards.get(card.idBoard)!;
  }

  function context(card: SbCard) {
    const list = store.lists.get(card.idList);
    const b = board(card);
    return {
      card: { id: card.id, name: card.name, idShort: card.idShort, shortLink: card.shortLink },
      list: list ? { id: list.id, name: list.name } : undefined,
      board: { id: b.id, name: b.name, shortLink: b.shortLink },
    };
  }

  function emit(actor: string, type: string, card: SbCard, data: Record<string, unknown>): SbAction {
    const date = now().toISOString();
    const action: SbAction = {
      id: nextId(store, now()),
      idMemberCreator: actor,
      type,
      date,
      data: { ...context(card), ...data },
    };
    store.actions.push(action);
    card.dateLastActivity = date;
    webhooks.send({ action: actionJson(store, action), model: boardJson(board(card)) });
    return action;
  }

  return {
    store,
    now,
    createList(idBoard, name) {
      const pos = 16384 * ([...store.lists.values()].filter((l) => l.idBoard === idBoard).length + 1);
      const list: SbList = { id: nextId(store, now()), idBoard, name, closed: false, pos };
      store.lists.set(list.id, list);
      return list;
    },
    createLabel(idBoard, name, color) {
      const label: SbLabel = { id: nextId(store, now()), idBoard, name, color };
      store.labels.set(label.id, label);
      return label;
    },
    createField(idBoard, name, type, cardFront) {
      const field: SbField = { id: nextId(store, now()), idModel: idBoard, name, type, cardFront };
      store.fields.set(field.id, field);
      return field;
    },
    createCard(actor, list, fields) {
      const onBoard = [...store.cards.values()].filter((c) => c.idBoard === list.idBoard);
      const card: SbCard = {
        id: nextId(store, now()),
        idBoard: list.idBoard,
        idList: list.id,
        idShort: onBoard.length + 1,
        shortLink: nextShortLink(store),
        name: fields.name,
        desc: fields.desc ?? '',
        idLabels: fields.idLabels ?? [],
        closed: false,
        pos: 16384 * (onBoard.length + 1),
        dateLastActivity: now().toISOString(),
      };
      store.cards.set(card.id, card);
      emit(actor, 'createCard', card, {});
      return card;
    },
    updateCard(actor, card, changes) {
      if (changes.idList !== undefined && changes.idList !== card.idList) {
        const before = store.lists.get(card.idList);
        const after = store.lists.get(changes.idList);
        card.idList = changes.idList;
        emit(actor, 'updateCard', card, {
          old: { idList: before?.id },
          listBefore: before && { id: before.id, name: before.name },
          listAfter: after && { id: after.id, name: after.name },
        });
      }
      for (const key of ['desc', 'name', 'closed'] as const) {
        const value = changes[key];
        if (value === undefined || value === card[key]) continue;
        const old = card[key];
        Object.assign(card, { [key]: value });
        emit(actor, 'updateCard', card, {
          old: { [key]: old },
          card: { ...context(card).card, [key]: value },
        });
      }
    },
    comment(actor, card, text) {
      return emit(actor, 'commentCard', card, { text });
    },
    editComment(actor, card, comment, text) {
      const old = comment.data.text;
      comment.data = { ...comment.data, text, dateLastEdited: now().toISOString() };
      return emit(actor, 'updateComment', card, { action: { id: comment.id, text }, old: { text: old } });
    },
    deleteComment(actor, card, comment) {
      store.actions = store.actions.filter((a) => a.id !== comment.id);
      emit(actor, 'deleteComment', card, { action: { id: comment.id } });
    },
    setFieldItem(actor, card, field, value) {
      const existing = [...store.fieldItems.values()].find(
        (i) => i.idModel === card.id && i.idCustomField === field.id,
      );
      const old = existing?.value;
      if (existing && !value) store.fieldItems.delete(existing.id);
      else if (existing && value) existing.value = value;
      else if (value) {
        const id = nextId(store, now());
        store.fieldItems.set(id, { id, idCustomField: field.id, idModel: card.id, value });
      }
      emit(actor, 'updateCustomFieldItem', card, {
        customField: { id: field.id, name: field.name, type: field.type },
        customFieldItem: {
          idCustomField: field.id,
          idModel: card.id,
          modelType: 'card',
          value: value ?? null,
        },
        old: { value: old ?? null },
      });
    },
    setLabel(actor, card, label, present) {
      if (present === card.idLabels.includes(label.id)) return;
      card.idLabels = present ? [...card.idLabels, label.id] : card.idLabels.filter((id) => id !== label.id);
      emit(actor, present ? 'addLabelToCard' : 'removeLabelFromCard', card, {
        label: { id: label.id, name: label.name, color: label.color },
        text: label.name,
      });
    },
    addAttachment(actor, card, url, name) {
      const id = nextId(store, now());
      store.attachments.set(id, {
        id,
        idCard: card.id,
        idMember: actor,
        name,
        url,
        date: now().toISOString(),
      });
      emit(actor, 'addAttachmentToCard', card, { attachment: { id, name, url } });
      return id;
    },
    addChecklist(actor, card, name) {
      const onCard = [...store.checklists.values()].filter((c) => c.idCard === card.id);
      const checklist: SbChecklist = {
        id: nextId(store, now()),
        idBoard: card.idBoard,
        idCard: card.id,
        name,
        pos: 16384 * (onCard.length + 1),
        checkItems: [],
      };
      store.checklists.set(checklist.id, checklist);
      emit(actor, 'addChecklistToCard', card, { checklist: { id: checklist.id, name } });
      return checklist;
    },
    addCheckItem(actor, card, checklist, name) {
      const item: SbCheckItem = {
        id: nextId(store, now()),
        idChecklist: checklist.id,
        name,
        state: 'incomplete',
        pos: 16384 * (checklist.checkItems.length + 1),
      };
      checklist.checkItems.push(item);
      emit(actor, 'createCheckItem', card, {
        checkItem: { id: item.id, name, state: item.state, textData: { emoji: {} } },
        checklist: { id: checklist.id, name: checklist.name },
      });
      return item;
    },
    setCheckItemState(actor, card, item, checked) {
      const state = checked ? 'complete' : 'incomplete';
      if (item.state === state) return;
      item.state = state;
      const checklist = store.checklists.get(item.idChecklist);
      emit(actor, 'updateCheckItemStateOnCard', card, {
        checkItem: { id: item.id, name: item.name, state, textData: { emoji: {} } },
        checklist: { id: item.idChecklist, name: checklist?.name ?? '' },
      });
    },
    deleteAttachment(actor, card, idAttachment) {
      const attachment = store.attachments.get(idAttachment);
      store.attachments.delete(idAttachment);
      emit(actor, 'deleteAttachmentFromCard', card, {
        attachment: { id: idAttachment, name: attachment?.name },
      });
    },
  };
}
