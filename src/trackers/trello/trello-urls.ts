import type { ItemRef } from '../../domain/events.ts';
import { issueKeyOnSite } from '../jira-issue-url.ts';

const CARD_URL = /^https?:\/\/(?:www\.)?trello\.com\/c\/([A-Za-z0-9]{8})(?:[/?#].*)?$/;
const SHORT_LINK = /^[A-Za-z0-9]{8}$/;
const CARD_ID = /^[0-9a-f]{24}$/;

export function cardUrl(shortLinkOrId: string): string {
  return `https://trello.com/c/${shortLinkOrId}`;
}

/** A card id or shortLink from what a person typed (card URL, shortLink or id); undefined otherwise. */
export function parseCardReference(text: string): string | undefined {
  const trimmed = text.trim();
  const fromUrl = CARD_URL.exec(trimmed)?.[1];
  if (fromUrl) return fromUrl;
  return SHORT_LINK.test(trimmed) || CARD_ID.test(trimmed) ? trimmed : undefined;
}

/** The card a card URL names (`https://trello.com/c/<shortLink>/…`), by its shortLink. */
export function cardRefForUrl(url: string): ItemRef | undefined {
  const shortLink = CARD_URL.exec(url.trim())?.[1];
  return shortLink ? { tracker: 'trello', id: shortLink, key: shortLink } : undefined;
}

/**
 * The item a link URL points at: a card, or an issue of the configured Jira site. Trello answers to a shortLink
 * wherever it takes a card id, and Jira to an issue key wherever it takes an id, so the key serves as both.
 */
export function itemRefForUrl(url: string, jiraSiteUrl: string | undefined): ItemRef | undefined {
  const card = cardRefForUrl(url);
  if (card) return card;
  const issueKey = jiraSiteUrl === undefined ? undefined : issueKeyOnSite(jiraSiteUrl, url);
  if (issueKey) return { tracker: 'jira', id: issueKey, key: issueKey };
  return undefined;
}

/** Trello ids are Mongo ObjectIds: the first 4 bytes are the creation time in seconds. */
export function createdAtFromId(id: string): string | undefined {
  if (!CARD_ID.test(id)) return undefined;
  return new Date(Number.parseInt(id.slice(0, 8), 16) * 1000).toISOString();
}
