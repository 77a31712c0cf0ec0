import type { Client } from 'trello.js/core';
import {
  type Attachment,
  AttachmentSchema,
  type Card,
  CardSchema,
  type Checklist,
  ChecklistSchema,
  CustomFieldSchema,
} from 'trello.js/models';

/**
 * Requests whose trello.js wrappers drop what we read. The library's schemas strip unknown keys, and they lack
 * the nested `checklists` of a card, the top-level `name`/`options` of a custom field and the `number`/`text`
 * value of a custom field item. These calls still go through the same client and validate the documented part
 * with the library's schemas (`.loose()` keeps the rest), then check the extra parts here.
 */

export interface FieldItem {
  idCustomField: string;
  value: Record<string, string>;
  idValue?: string;
}

export interface DetailedCard {
  card: Card;
  attachments: Attachment[];
  checklists: Checklist[];
  fieldItems: FieldItem[];
}

export interface BoardField {
  id: string;
  name: string;
  type: string;
  options: { id: string; text: string }[];
}

const DETAIL_PARAMS = {
  attachments: true,
  attachment_fields: 'id,name,url,isUpload,date',
  checklists: 'all',
  customFieldItems: true,
};

const LooseCard = CardSchema.loose();
const LooseField = CustomFieldSchema.loose();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringEntries(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function toFieldItem(raw: unknown): FieldItem[] {
  if (!isRecord(raw) || typeof raw.idCustomField !== 'string') return [];
  const item: FieldItem = { idCustomField: raw.idCustomField, value: stringEntries(raw.value) };
  if (typeof raw.idValue === 'string') item.idValue = raw.idValue;
  return [item];
}

function toDetailedCard(raw: Card & Record<string, unknown>): DetailedCard {
  return {
    card: raw,
    attachments: AttachmentSchema.array().parse(raw.attachments ?? []),
    checklists: ChecklistSchema.array().parse(raw.checklists ?? []),
    fieldItems: (raw.customFieldItems ?? []).flatMap(toFieldItem),
  };
}

export async function getDetailedCard(client: Client, idOrShortLink: string): Promise<DetailedCard> {
  const raw = await client.sendRequest({
    url: `/cards/${idOrShortLink}`,
    searchParams: DETAIL_PARAMS,
    schema: LooseCard,
  });
  return toDetailedCard(raw);
}

/** Cards of a board (or list) with their details, newest first, `limit` at a time before a card id. */
export async function getDetailedCards(
  client: Client,
  path: `/boards/${string}/cards` | `/lists/${string}/cards`,
  page: { limit: number; before?: string },
): Promise<DetailedCard[]> {
  const raw = await client.sendRequest({
    url: path,
    searchParams: { ...DETAIL_PARAMS, ...page },
    schema: LooseCard.array(),
  });
  return raw.map(toDetailedCard);
}

function toOptions(raw: unknown): BoardField['options'] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((option: unknown) => {
    if (!isRecord(option) || typeof option.id !== 'string') return [];
    const text = stringEntries(option.value).text;
    return text === undefined ? [] : [{ id: option.id, text }];
  });
}

export async function getBoardFields(client: Client, boardId: string): Promise<BoardField[]> {
  const raw = await client.sendRequest({
    url: `/boards/${boardId}/customFields`,
    schema: LooseField.array(),
  });
  return raw.map((field) => ({
    id: field.id,
    name: typeof field.name === 'string' ? field.name : '',
    type: field.type ?? '',
    options: toOptions(field.options),
  }));
}

/**
 * Empties a custom field with `{ value: "" }`. Primary docs do not spell the clear body out (tracker-facts §7),
 * and the trello.js body type has no empty value, hence the direct request.
 */
export async function clearCardField(client: Client, idCard: string, idCustomField: string): Promise<void> {
  await client.sendRequest({
    url: `/cards/${idCard}/customField/${idCustomField}/item`,
    method: 'PUT',
    body: { value: '' },
  });
}
