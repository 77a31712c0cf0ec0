import type { ItemRef, TrackerName } from '../../domain/events.ts';
import type { ItemLink, LinkTarget } from '../tracker.ts';
import { itemRefForUrl } from '../trello/trello-urls.ts';

/*
 * Remote links are upserted by globalId ("If a globalId is provided and a remote issue link with that global ID is
 * found it is updated"), so a stable id per target makes addLink idempotent. Item targets keep their ref in it, so
 * reading the link back yields the item, not just a URL.
 */
const PREFIX = 'backlog-refinery:';
const MAX_GLOBAL_ID = 255;

export function remoteGlobalId(target: LinkTarget): string {
  const id =
    target.kind === 'item'
      ? `${PREFIX}item:${target.ref.tracker}:${target.ref.id}:${target.ref.key}`
      : `${PREFIX}url:${target.url}`;
  return id.slice(0, MAX_GLOBAL_ID);
}

export interface RawRemoteLink {
  id?: number;
  globalId?: string;
  relationship?: string;
  object?: { url: string; title: string };
}

const ITEM_ID = /^backlog-refinery:item:(jira|trello):([^:]+):(.+)$/;

/**
 * The item a remote link names: ours by its globalId; one a person made (a URL pasted under "Link web page": no
 * globalId, no application) or another app by its URL, when that is a Trello card's or an issue's of the site
 * (`siteUrl`, also under a path; another site's issue of the same key is not ours), as Trello attachments are read.
 */
function itemOf(link: RawRemoteLink, siteUrl: string): ItemRef | undefined {
  const match = ITEM_ID.exec(link.globalId ?? '');
  if (match) return { tracker: match[1] as TrackerName, id: match[2] ?? '', key: match[3] ?? '' };
  return link.object && itemRefForUrl(link.object.url, siteUrl);
}

/** Apart from issue link ids, which count on their own: the same number may name one of each. */
export const remoteLinkId = (id: number) => `remote-${id}`;

export function remoteToItemLink(link: RawRemoteLink, siteUrl: string): ItemLink | undefined {
  if (!link.object) return undefined;
  const { url, title } = link.object;
  const ref = itemOf(link, siteUrl);
  const target: LinkTarget = ref ? { kind: 'item', ref, url, title } : { kind: 'url', url, title };
  const type = link.relationship ?? 'links to';
  return { ...(link.id !== undefined && { id: remoteLinkId(link.id) }), target, type, direction: 'outward' };
}

/** Whether the remote link names that item, whoever made it. */
export function remoteLinkNames(link: RawRemoteLink, item: ItemRef, siteUrl: string): boolean {
  const ref = itemOf(link, siteUrl);
  return ref?.tracker === item.tracker && (ref.id === item.id || ref.key === item.key);
}
