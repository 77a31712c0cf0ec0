import type { Finding } from '../domain/acceptance/findings.ts';
import type { Container, TrackerName } from '../domain/events.ts';
import { customersOf } from '../domain/scoring/evidence.ts';
import type { InputSource, ScoreResult } from '../domain/scoring/types.ts';
import { docId } from '../linking/indexed-item.ts';
import type { TrackerItem } from '../trackers/tracker.ts';
import type { AcceptanceStatus, ContainerId, ItemBrief, ScoreInputName } from './read-model.ts';

/** What the score part of an item holds: one backlog row without its acceptance status. */
export interface ScorePart {
  tracker: TrackerName;
  id: string;
  key: string;
  title: string;
  url: string;
  type?: string;
  status?: string;
  /** Jira: the status's id, which the active sprint's burn-up looks for in the board's Done column. */
  statusId?: string;
  /** The status's category: the active sprint's burn-up counts `done` items where it knows no Done column. */
  done?: boolean;
  container: ContainerId;
  containerKey: string;
  /** A Trello board's name, when the adapter read it (see `containerNameOf`). */
  containerName?: string;
  score: number;
  model: 'rice' | 'wsjf';
  inputs: Partial<Record<ScoreInputName, { value: number; source: InputSource; by?: string }>>;
  customers: number;
  /** ISO time the score or anything the row shows last changed. */
  at: string;
}

export interface AcceptancePart {
  container: ContainerId;
  containerKey: string;
  containerName?: string;
  status: Exclude<AcceptanceStatus, 'unchecked'>;
  /** Names of the error findings (what fails the item). */
  findings: string[];
  at: string;
}

/** What the item view shows of the last check besides the row. */
export interface AcceptanceDetail {
  template: string;
  findings: Finding[];
  skipped?: { reason: string; by: string; at: string };
  at: string;
}

export const containerIdOf = (item: Pick<TrackerItem, 'ref' | 'container'>): ContainerId =>
  `${item.ref.tracker}:${item.container.id}`;

export { docId };

/** The container's name as the tracker gives it (a Trello board's), kept beside its key when known. */
export const containerNamed = (container: Container): { containerName?: string } =>
  container.name ? { containerName: container.name } : {};

/** What pages call a container: a Trello board by its name, else (a Jira project, a name never read) its key. */
export const containerNameOf = (part: { containerKey: string; containerName?: string }): string =>
  part.containerName ?? part.containerKey;

/** Tracker content is hostile: only http(s) URLs are ever handed to a page. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** Tickets of one customer count once; a ticket without customer counts on its own (as scoring counts reach). */
export function distinctCustomers(result: Pick<ScoreResult, 'evidence'>): number {
  return new Set(
    result.evidence.flatMap((entry) => {
      const customers = customersOf(entry);
      return customers.length > 0 ? customers : [`ticket ${entry.ticketRef}`];
    }),
  ).size;
}

export function scorePartOf(item: TrackerItem, result: ScoreResult, at: string): ScorePart {
  const inputs: ScorePart['inputs'] = {};
  for (const [name, input] of Object.entries(result.inputs)) {
    inputs[name as ScoreInputName] = {
      value: input.value,
      source: input.source,
      ...(input.by === undefined ? {} : { by: input.by }),
    };
  }
  return {
    tracker: item.ref.tracker,
    id: item.ref.id,
    key: item.ref.key,
    title: item.title,
    url: item.url,
    ...(item.type === undefined ? {} : { type: item.type }),
    status: item.status.name,
    ...(item.status.id === undefined ? {} : { statusId: item.status.id }),
    done: item.status.category === 'done',
    container: containerIdOf(item),
    containerKey: item.container.key,
    ...containerNamed(item.container),
    score: result.score,
    model: result.model,
    inputs,
    customers: distinctCustomers(result),
    at,
  };
}

export function briefOf(part: Pick<ScorePart, 'tracker' | 'id' | 'key' | 'title' | 'url'>): ItemBrief {
  const url = safeUrl(part.url);
  return {
    tracker: part.tracker,
    id: part.id,
    key: part.key,
    title: part.title,
    ...(url ? { url } : {}),
  };
}

/** A tracker key and its address there, kept only when it is http(s). */
export function keyLink(part: { key: string; url?: string }): Pick<ItemBrief, 'key' | 'url'> {
  const url = safeUrl(part.url);
  return { key: part.key, ...(url ? { url } : {}) };
}

/** ISO date (UTC) of the Monday of the week `at` falls in. */
export function weekOf(at: Date): string {
  const day = (at.getUTCDay() + 6) % 7;
  const monday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - day));
  return monday.toISOString().slice(0, 10);
}
