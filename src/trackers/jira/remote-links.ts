import type { TrackerName } from '../../domain/events.ts';
import type { ItemLink, LinkTarget } from '../tracker.ts';

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

export function remoteToItemLink(link: RawRemoteLink): ItemLink | undefined {
  if (!link.object) return undefined;
  const { url, title } = link.object;
  const match = ITEM_ID.exec(link.globalId ?? '');
  const target: LinkTarget = match
    ? {
        kind: 'item',
        ref: { tracker: match[1] as TrackerName, id: match[2] ?? '', key: match[3] ?? '' },
        url,
        title,
      }
    : { kind: 'url', url, title };
  return { target, type: link.relationship ?? 'links to', direction: 'outward' };
}
