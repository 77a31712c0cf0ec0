import type { Container } from '../../domain/events.ts';
import type { ItemLink, TrackerItem } from '../tracker.ts';
import type { BoardField, DetailedCard, FieldItem } from './trello-api.ts';
import type { TrelloDeps } from './trello-deps.ts';
import { cardUrl, createdAtFromId, itemRefForUrl } from './trello-urls.ts';

/** What every card of one board shares: fetched once per operation, not per card. */
export interface BoardContext {
  id: string;
  key: string;
  name?: string;
  lists: Map<string, string>;
  fields: BoardField[];
}

/** The names of a number custom field holding a card's story points. */
export const STORY_POINTS = /^(story\s*points?|points|estimate|sp)$/i;

function fieldValue(field: BoardField, item: FieldItem): string | number | boolean | null {
  switch (field.type) {
    case 'number': {
      const value = Number(item.value.number);
      return item.value.number === undefined || Number.isNaN(value) ? null : value;
    }
    case 'checkbox':
      return item.value.checked === 'true';
    case 'list':
      return field.options.find((option) => option.id === item.idValue)?.text ?? null;
    default:
      return item.value.text ?? item.value.date ?? null;
  }
}

export function cardFields(context: BoardContext, items: FieldItem[]): TrackerItem['fields'] {
  const fields: TrackerItem['fields'] = {};
  for (const item of items) {
    const field = context.fields.find((candidate) => candidate.id === item.idCustomField);
    if (field?.name) fields[field.name] = fieldValue(field, item);
  }
  return fields;
}

function toLinks(detail: DetailedCard, jiraSiteUrl: string | undefined): ItemLink[] {
  return detail.attachments.flatMap((attachment): ItemLink[] => {
    if (attachment.isUpload || !attachment.url) return [];
    const title = attachment.name ?? attachment.url;
    const ref = itemRefForUrl(attachment.url, jiraSiteUrl);
    const target = ref
      ? { kind: 'item' as const, ref, url: attachment.url, title }
      : { kind: 'url' as const, url: attachment.url, title };
    return [{ id: attachment.id, target, type: 'attachment', direction: 'outward' }];
  });
}

export function toTrackerItem(
  detail: DetailedCard,
  context: BoardContext,
  { categorize, jiraSiteUrl }: Pick<TrelloDeps, 'categorize' | 'jiraSiteUrl'>,
): TrackerItem {
  const { card } = detail;
  const key = card.shortLink ?? card.id;
  const listName = card.idList ? (context.lists.get(card.idList) ?? '') : '';
  const container: Container = { id: context.id, key: context.key };
  if (context.name) container.name = context.name;
  if (card.idList) container.listId = card.idList;
  if (listName) container.listName = listName;
  const fields = cardFields(context, detail.fieldItems);
  const points = Object.entries(fields).find(
    ([name, value]) => STORY_POINTS.test(name) && typeof value === 'number',
  );
  const updatedAt = card.dateLastActivity?.toISOString() ?? createdAtFromId(card.id) ?? '';
  return {
    ref: { tracker: 'trello', id: card.id, key },
    url: card.url ?? cardUrl(key),
    title: card.name ?? '',
    description: card.desc ?? '',
    // Archived is Trello's way to close a card, wherever it was.
    status: { name: listName, category: card.closed ? 'done' : categorize(listName) },
    container,
    labels: (card.labels ?? []).map((label) => label.name || label.color || label.id),
    fields,
    estimate: points ? { storyPoints: points[1] as number } : {},
    links: toLinks(detail, jiraSiteUrl),
    checklists: detail.checklists.map((checklist) => ({
      name: checklist.name ?? '',
      items: (checklist.checkItems ?? []).map((item) => ({
        text: item.name ?? '',
        checked: item.state === 'complete',
      })),
    })),
    ...(card.closed ? { archived: true as const } : {}),
    createdAt: createdAtFromId(card.id) ?? updatedAt,
    updatedAt,
  };
}
