import type { ItemRef } from '../../domain/events.ts';

const CARD_URL = /^https?:\/\/(?:www\.)?trello\.com\/c\/([A-Za-z0-9]{8})(?:[/?#].*)?$/;
const BROWSE_PATH = /^\/browse\/([A-Z][A-Z0-9_]*-\d+)(?:\/|$)/;

/**
 * The issue key of a Jira issue URL: `…/browse/KEY`, after any path (a site may live under one, `https://host/jira`).
 * Parsed, not matched whole: a pattern for "any path, then /browse/" backtracks over every /browse/ in a hostile URL.
 */
function jiraIssueKey(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const at = parsed.pathname.indexOf('/browse/');
  return at === -1 ? undefined : BROWSE_PATH.exec(parsed.pathname.slice(at))?.[1];
}
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

/**
 * The item a link URL points at. Trello answers to a shortLink wherever it takes a card id, and Jira to an
 * issue key wherever it takes an id, so the key serves as both.
 */
export function itemRefForUrl(url: string): ItemRef | undefined {
  const shortLink = CARD_URL.exec(url)?.[1];
  if (shortLink) return { tracker: 'trello', id: shortLink, key: shortLink };
  const issueKey = jiraIssueKey(url);
  if (issueKey) return { tracker: 'jira', id: issueKey, key: issueKey };
  return undefined;
}

/** Two link URLs are the same target when they name the same item, whatever slug or query follows. */
export function sameLinkTarget(a: string, b: string): boolean {
  const refA = itemRefForUrl(a);
  const refB = itemRefForUrl(b);
  if (refA && refB) return refA.tracker === refB.tracker && refA.key === refB.key;
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** Whether two URLs are on one site (scheme, host and port); unparsable ones are not. */
export function sameSite(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Trello ids are Mongo ObjectIds: the first 4 bytes are the creation time in seconds. */
export function createdAtFromId(id: string): string | undefined {
  if (!CARD_ID.test(id)) return undefined;
  return new Date(Number.parseInt(id.slice(0, 8), 16) * 1000).toISOString();
}
