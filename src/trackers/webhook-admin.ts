/** A webhook registered on a tracker, as the admin API shows it. */
export interface RegisteredWebhook {
  id: string;
  /** What it watches: a Trello board id. */
  modelId: string;
  callbackUrl: string;
  active: boolean;
  description?: string;
  consecutiveFailures?: number;
}

/**
 * An optional capability of an adapter: managing its own webhooks through the API (Trello). Jira admin webhooks
 * are made by a site admin in Jira's settings, so Jira has none and the admin API prints the setup instead.
 */
export interface WebhookAdmin {
  /** The id webhooks are listed under, of a model named as the rules may name it (a Trello board's shortLink). */
  modelId(name: string): Promise<string>;
  list(): Promise<RegisteredWebhook[]>;
  register(modelId: string, callbackUrl: string, description: string): Promise<RegisteredWebhook>;
  remove(id: string): Promise<void>;
}

/** An adapter (or anything next to it) that may carry the capability. */
export interface WithWebhookAdmin {
  readonly webhooks?: WebhookAdmin;
}
