import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Static, TSchema } from 'typebox';
import type { TrackerName } from '../domain/events.ts';
import { compileProjection } from '../schema/project.ts';
import { compileValidator } from '../schema/validate.ts';
import { toJiraEvent } from './jira/jira-webhook.ts';
import { JiraDeliverySchema } from './jira/jira-webhook-schema.ts';
import type { Normalized } from './normalized.ts';
import { toTrelloEvent } from './trello/trello-webhook.ts';
import { TrelloDeliverySchema } from './trello/trello-webhook-schema.ts';

/** What differs between trackers' deliveries, read at the edge (key, age, cause) and in the workers (event). */
export interface DeliveryFormat<S extends TSchema> {
  tracker: TrackerName;
  schema: S;
  /** Stable across the sender's retries of one delivery. */
  deliveryKey(body: Static<S>, headers: IncomingHttpHeaders, rawBody: Buffer): string;
  /** What must be equal for two deliveries to be copies (default: the raw bytes). */
  content?(body: Static<S>): string;
  /** When the sender says it sent the delivery (ms since epoch), if the body says. */
  sentAt?(body: Static<S>): number | undefined;
  /** `readText: false` on the request path: who caused it and whether it needs work, reading no tracker text. */
  normalize(body: Static<S>, deliveryKey: string, options: { readText: boolean }): Normalized;
  /** What the edge stores for the workers' `normalize` (default: the body as received). */
  stored?(body: Static<S>): string;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const jiraProjection = compileProjection(JiraDeliverySchema);

export const JIRA_DELIVERIES: DeliveryFormat<typeof JiraDeliverySchema> = {
  tracker: 'jira',
  schema: JiraDeliverySchema,
  // Older senders have no identifier header; the body (with its timestamp) then identifies the delivery.
  deliveryKey: (_body, headers, raw) =>
    `jira.${header(headers['x-atlassian-webhook-identifier']) ?? `body-${sha256(raw).slice(0, 32)}`}`,
  sentAt: (body) => body.timestamp,
  normalize: (body, key, options) => toJiraEvent(body, key, options),
  // toJiraEvent reads only what the schema types: the rest of the issue need not travel through Redis.
  stored: (body) => JSON.stringify(jiraProjection(body)),
};

export const TRELLO_DELIVERIES: DeliveryFormat<typeof TrelloDeliverySchema> = {
  tracker: 'trello',
  schema: TrelloDeliverySchema,
  deliveryKey: (body) => `trello.${body.action.id}`,
  // One action reaches every webhook watching its models, each body naming its own `model`: still one action.
  content: (body) => JSON.stringify(body.action),
  sentAt: (body) => Date.parse(body.action.date) || undefined,
  // Trello's text needs no parsing to be carried: the option changes nothing here. Stored whole: a card update
  // reads the changed field's new value from the card, whichever field it is.
  normalize: (body) => toTrelloEvent(body),
};

/**
 * The model whose webhook sent a stored delivery: Trello's `model.id`, the board the webhook watches; undefined for
 * Jira, whose admin webhooks are made in Jira by its admins and whose secret is the service's alone.
 */
export function watchedModel(tracker: TrackerName, raw: string): string | undefined {
  if (tracker !== 'trello') return undefined;
  const { model } = JSON.parse(raw) as { model?: { id?: unknown } };
  return typeof model?.id === 'string' ? model.id : undefined;
}

/** The digest intake dedupes bodies by. */
export function bodyHash<S extends TSchema>(format: DeliveryFormat<S>, body: Static<S>, raw: Buffer): string {
  return sha256(format.content?.(body) ?? raw);
}

function storedReader<S extends TSchema>(format: DeliveryFormat<S>) {
  const check = compileValidator(format.schema, { label: (path) => `body${path}` });
  return (deliveryKey: string, raw: string): Normalized => {
    // Verified and checked at the edge before it was stored; validated again for its types. One that no longer
    // validates (an API of another version stored it) was acknowledged: it must fail visibly, not be ignored.
    const validated = check(JSON.parse(raw));
    if (!validated.ok) throw new Error(`stored delivery no longer valid: ${validated.problems.join('; ')}`);
    return format.normalize(validated.value, deliveryKey, { readText: true });
  };
}

const STORED: Record<TrackerName, (deliveryKey: string, raw: string) => Normalized> = {
  jira: storedReader(JIRA_DELIVERIES),
  trello: storedReader(TRELLO_DELIVERIES),
};

/** The event a delivery taken from the intake stream describes (the workers' half of normalizing). */
export function normalizeStored(tracker: TrackerName, deliveryKey: string, raw: string): Normalized {
  return STORED[tracker](deliveryKey, raw);
}
