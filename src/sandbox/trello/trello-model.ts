import type { EffectKind, Ledger } from '../ledger.ts';
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
 * produce the same action record, the same signed webhook and the same ledger entry.
 */
export interface TrelloModel {
  store: TrelloStore;
  now(): Date;
  /** The URL webhooks call to reach the sandbox's receiver, if it has one. */
  callbackUrl: string | undefined;
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
  /**
   * A card moved to a list of another board. Trello records two actions: `moveCardFromBoard` on the board it left,
   * `moveCardToBoard` on the one it joined; each board's webhooks hear only their own. They are two deliveries to
   * two webhooks, in no promised order: `joinedHearsFirst` delivers the joined board's first.
   */
  moveCardToBoard(actor: string, card: SbCard, list: SbList, options?: { joinedHearsFirst?: boolean }): void;
  comment(actor: string, card: SbCard, text: string): SbAction;
  editComment(actor: string, card: SbCard, comment: SbAction, text: string): SbAction;
  deleteComment(actor: string, card: SbCard, comment: SbAction): void;
  setFieldItem(actor: string, card: SbCard, field: SbField, value: Record<string, string> | undefined): void;
  setLabel(actor: string, card: SbCard, label: SbLabel, present: boolean): void;
  addAttachment(actor: string, card: SbCard, url: string, name: string): string;
  addChecklist(actor: string, card: SbCard, name: string): SbChecklist;
  addCheckItem(actor: string, card: SbCard, checklist: SbChecklist, name: string): SbCheckItem;
  setCheckItemState(actor: string, card: SbCard, item: SbCheckItem, checked: boolean): void;
  renameChecklist(actor: string, card: SbCard, checklist: SbChecklist, name: string): void;
  renameCheckItem(actor: string, card: SbCard, item: SbCheckItem, name: string): void;
  /** "Convert to card": the item leaves its checklist and becomes a card in the same list. */
  convertCheckItem(actor: string, card: SbCard, item: SbCheckItem): SbCard;
  deleteChecklist(actor: string, card: SbCard, checklist: SbChecklist): void;
  deleteAttachment(actor: string, card: SbCard, idAttachment: string): void;
  /**
   * "Delete" in the card's menu (an archived card's too): the card goes with its attachments, checklists and custom
   * field values; attachments on other cards naming it stay. The board hears `deleteCard`, which names the card by
   * id, `idShort` and `shortLink` only (no name).
   */
  deleteCard(actor: string, card: SbCard): void;
}

const CARD_FIELD_EFFECTS = { desc: 'description.set', name: 'summary.set', closed: 'closed.set' } as const;

export function createTrelloModel(
  store: TrelloStore,
  now: () => Date,
  webhooks: WebhookSender,
  ledger: Ledger,
): TrelloModel {
  const effect = (actor: string, card: SbCard, kind: EffectKind, target?: string, value?: unknown) =>
    ledger.record({
      item: card.id,
      actor,
      kind,
      ...(target !== undefined && { target }),
      ...(value !== undefined && { value }),
    });

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

  /** The destination board's label of the same name and colour, created there when it has none. */
  function labelOn(idBoard: string, label: SbLabel): SbLabel {
    const same = [...store.labels.values()].find(
      (l) => l.idBoard === idBoard && l.name === label.name && l.color === label.color,
    );
    return same ?? createLabel(idBoard, label.name, label.color);
  }

  function createLabel(idBoard: string, name: string, color: string | null): SbLabel {
    const label: SbLabel = { id: nextId(store, now()), idBoard, name, color };
    store.labels.set(label.id, label);
    return label;
  }

  /**
   * Sends the action once per active webhook on the board it happened on that calls the sandbox's receiver,
   * whichever token made it; a board without one tells the receiver nothing.
   */
  function deliver(action: SbAction, on: SbBoard): void {
    for (const hook of store.setup.webhooks)
      if (hook.idModel === on.id && hook.active && hook.callbackURL === webhooks.callbackUrl)
        webhooks.send({ action: actionJson(store, action), model: boardJson(on) });
  }

  /**
   * `cardless`: Trello names no card in some actions about one (a checklist renamed: `updateChecklist`).
   * `held`: recorded now, delivered by the caller.
   */
  function emit(
    actor: string,
    type: string,
    card: SbCard,
    data: Record<string, unknown>,
    options: { cardless?: boolean; held?: boolean } = {},
  ): SbAction {
    const date = now().toISOString();
    const { card: named, list, board: where } = context(card);
    const action: SbAction = {
      id: nextId(store, now()),
      idMemberCreator: actor,
      type,
      date,
      data: { ...(options.cardless ? { board: where } : { card: named, list, board: where }), ...data },
    };
    store.actions.push(action);
    card.dateLastActivity = date;
    if (!options.held) deliver(action, board(card));
    return action;
  }

  function newCard(list: SbList, fields: { name: string; desc?: string; idLabels?: string[] }): SbCard {
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
    return card;
  }

  return {
    store,
    now,
    callbackUrl: webhooks.callbackUrl,
    createList(idBoard, name) {
      const pos = 16384 * ([...store.lists.values()].filter((l) => l.idBoard === idBoard).length + 1);
      const list: SbList = { id: nextId(store, now()), idBoard, name, closed: false, pos };
      store.lists.set(list.id, list);
      return list;
    },
    createLabel,
    createField(idBoard, name, type, cardFront) {
      const field: SbField = { id: nextId(store, now()), idModel: idBoard, name, type, cardFront };
      store.fields.set(field.id, field);
      return field;
    },
    createCard(actor, list, fields) {
      const card = newCard(list, fields);
      effect(actor, card, 'item.created');
      emit(actor, 'createCard', card, {});
      return card;
    },
    convertCheckItem(actor, source, item) {
      const checklist = store.checklists.get(item.idChecklist);
      const list = store.lists.get(source.idList);
      if (!checklist || !list) throw new Error('check item without checklist or list');
      checklist.checkItems.splice(checklist.checkItems.indexOf(item), 1);
      const card = newCard(list, { name: item.name });
      effect(actor, card, 'item.created');
      const { card: cardSource } = context(source);
      // Trello sends this action alone: no createCard for the new card, no deleteCheckItem for the source.
      emit(actor, 'convertToCardFromCheckItem', card, {
        cardSource,
        checklist: { id: checklist.id, name: checklist.name },
        checkItem: { id: item.id, name: item.name, state: item.state },
      });
      return card;
    },
    updateCard(actor, card, changes) {
      let changed = false;
      if (changes.idList !== undefined && changes.idList !== card.idList) {
        const before = store.lists.get(card.idList);
        const after = store.lists.get(changes.idList);
        card.idList = changes.idList;
        changed = true;
        effect(actor, card, 'list.set', after?.name);
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
        changed = true;
        effect(actor, card, CARD_FIELD_EFFECTS[key], key, value);
        emit(actor, 'updateCard', card, {
          old: { [key]: old },
          card: { ...context(card).card, [key]: value },
        });
      }
      if (!changed) effect(actor, card, 'unchanged');
    },
    moveCardToBoard(actor, card, list, { joinedHearsFirst = false } = {}) {
      const source = board(card);
      const target = store.boards.get(list.idBoard)!;
      const left = emit(actor, 'moveCardFromBoard', card, { boardTarget: { id: target.id } }, { held: true });
      card.idBoard = target.id;
      card.idList = list.id;
      card.idLabels = card.idLabels.flatMap((id) => {
        const label = store.labels.get(id);
        return label ? [labelOn(target.id, label).id] : [];
      });
      for (const checklist of store.checklists.values())
        if (checklist.idCard === card.id) checklist.idBoard = target.id;
      effect(actor, card, 'board.set', target.id, list.name);
      const joined = emit(actor, 'moveCardToBoard', card, { boardSource: { id: source.id } }, { held: true });
      const deliveries: [SbAction, SbBoard][] = [
        [left, source],
        [joined, target],
      ];
      for (const [action, on] of joinedHearsFirst ? deliveries.reverse() : deliveries) deliver(action, on);
    },
    comment(actor, card, text) {
      const action = emit(actor, 'commentCard', card, { text });
      effect(actor, card, 'comment.created', action.id, text);
      return action;
    },
    editComment(actor, card, comment, text) {
      const old = comment.data.text;
      comment.data = { ...comment.data, text, dateLastEdited: now().toISOString() };
      effect(actor, card, 'comment.edited', comment.id, text);
      return emit(actor, 'updateComment', card, { action: { id: comment.id, text }, old: { text: old } });
    },
    deleteComment(actor, card, comment) {
      store.actions = store.actions.filter((a) => a.id !== comment.id);
      effect(actor, card, 'comment.deleted', comment.id, comment.data.text);
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
      effect(actor, card, 'field.set', field.name, value ?? null);
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
      if (present === card.idLabels.includes(label.id)) return effect(actor, card, 'unchanged', label.name);
      card.idLabels = present ? [...card.idLabels, label.id] : card.idLabels.filter((id) => id !== label.id);
      effect(actor, card, 'labels.set', label.name, present);
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
      effect(actor, card, 'attachment.added', url);
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
      effect(actor, card, 'checklist.created', name);
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
      effect(actor, card, 'checkitem.created', checklist.name, name);
      emit(actor, 'createCheckItem', card, {
        checkItem: { id: item.id, name, state: item.state, textData: { emoji: {} } },
        checklist: { id: checklist.id, name: checklist.name },
      });
      return item;
    },
    setCheckItemState(actor, card, item, checked) {
      const state = checked ? 'complete' : 'incomplete';
      if (item.state === state) return effect(actor, card, 'unchanged', item.name);
      item.state = state;
      effect(actor, card, 'checkitem.set', item.name, state);
      const checklist = store.checklists.get(item.idChecklist);
      emit(actor, 'updateCheckItemStateOnCard', card, {
        checkItem: { id: item.id, name: item.name, state, textData: { emoji: {} } },
        checklist: { id: item.idChecklist, name: checklist?.name ?? '' },
      });
    },
    renameChecklist(actor, card, checklist, name) {
      const old = checklist.name;
      checklist.name = name;
      effect(actor, card, 'checklist.renamed', old, name);
      emit(
        actor,
        'updateChecklist',
        card,
        { checklist: { id: checklist.id, name }, old: { name: old } },
        {
          cardless: true,
        },
      );
    },
    renameCheckItem(actor, card, item, name) {
      const old = item.name;
      item.name = name;
      effect(actor, card, 'checkitem.renamed', old, name);
      const checklist = store.checklists.get(item.idChecklist);
      emit(actor, 'updateCheckItem', card, {
        checklist: { id: item.idChecklist, name: checklist?.name ?? '' },
        checkItem: { id: item.id, name, state: item.state, textData: { emoji: {} } },
        old: { name: old },
      });
    },
    deleteChecklist(actor, card, checklist) {
      store.checklists.delete(checklist.id);
      effect(actor, card, 'checklist.deleted', checklist.name);
      emit(actor, 'removeChecklistFromCard', card, { checklist: { id: checklist.id, name: checklist.name } });
    },
    deleteAttachment(actor, card, idAttachment) {
      const attachment = store.attachments.get(idAttachment);
      store.attachments.delete(idAttachment);
      effect(actor, card, 'attachment.deleted', attachment?.url);
      emit(actor, 'deleteAttachmentFromCard', card, {
        attachment: { id: idAttachment, name: attachment?.name },
      });
    },
    deleteCard(actor, card) {
      const { id, idShort, shortLink } = card;
      emit(actor, 'deleteCard', card, { card: { id, idShort, shortLink } });
      store.cards.delete(id);
      for (const [key, attachment] of store.attachments)
        if (attachment.idCard === id) store.attachments.delete(key);
      for (const [key, checklist] of store.checklists)
        if (checklist.idCard === id) store.checklists.delete(key);
      for (const [key, item] of store.fieldItems) if (item.idModel === id) store.fieldItems.delete(key);
      effect(actor, card, 'item.deleted');
    },
  };
}
