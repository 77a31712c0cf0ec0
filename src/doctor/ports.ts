/**
 * What the doctor reads from (and repairs on) each tracker. The adapters implement these next to their Tracker
 * (src/trackers/jira/jira-setup.ts, src/trackers/trello/trello-setup.ts); the checklist logic stays pure.
 */

export interface JiraAccount {
  accountId: string;
  displayName: string;
  /** `atlassian` for a person's (or a bot user's) account, `app` for an app. */
  accountType: string;
  /** Holds the global Administer Jira permission. */
  siteAdmin: boolean;
}

export interface JiraProjectInfo {
  id: string;
  key: string;
  name: string;
  /** software, service_desk, business... */
  typeKey: string;
  /** Team-managed (`style: next-gen`): its fields are set in the project, not on screens an API can change. */
  teamManaged: boolean;
}

/** The fields one issue type of a project shows on its edit screen (or create screen, with no issue to ask). */
export interface JiraTypeScreen {
  issueType: string;
  issueTypeId: string;
  fieldIds: string[];
  source: 'editmeta' | 'createmeta';
}

export interface JiraBoardInfo {
  id: string;
  name: string;
  estimationField?: { id: string; name: string };
}

export interface JiraAdminWebhook {
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
}

export interface JiraFieldInfo {
  id: string;
  name: string;
  custom: boolean;
  type?: string;
}

/** Where a custom field exists (its contexts): no project ids means every project, no issue type ids every type. */
export interface JiraFieldContext {
  id: string;
  name: string;
  projectIds: string[];
  issueTypeIds: string[];
}

export interface JiraSetup {
  /** The HTTP `Date` of the site's answer to an unauthenticated-safe read (serverInfo). */
  serverDate(): Promise<string | undefined>;
  account(): Promise<JiraAccount>;
  projects(): Promise<JiraProjectInfo[]>;
  permissions(projectKey: string, keys: readonly string[]): Promise<Record<string, boolean>>;
  /** Whether the account's edits may skip the watchers' emails there (the adapter's own detection). */
  suppressesNotifications(projectKey: string): Promise<boolean>;
  /** Whether the account may read who may browse the project (its permission scheme; the adapter's own read). */
  readsBrowseAudience(projectKey: string): Promise<boolean>;
  fields(): Promise<JiraFieldInfo[]>;
  screens(projectKey: string): Promise<JiraTypeScreen[]>;
  boards(projectKey: string): Promise<JiraBoardInfo[]>;
  /** Throws a Forbidden TrackerError when the account may not list admin webhooks. */
  adminWebhooks(): Promise<JiraAdminWebhook[]>;
  createNumberField(name: string): Promise<{ id: string }>;
  /**
   * Puts a field on the edit screen (else the default screen) of each issue type of a company-managed project,
   * on its first tab, where it is not yet; answers the ids of the screens it changed.
   */
  addToEditScreens(projectId: string, issueTypeIds: readonly string[], fieldId: string): Promise<number[]>;
  registerWebhook(hook: { name: string; url: string; events: string[]; secret?: string }): Promise<void>;
  /** A custom field's contexts; throws a Forbidden TrackerError when the account does not administer Jira. */
  fieldContexts(fieldId: string): Promise<JiraFieldContext[]>;
  /** Adds a project to a field's context that names projects (Jira refuses it for a global one). */
  addProjectToContext(fieldId: string, contextId: string, projectId: string): Promise<void>;
}

export interface TrelloBoardInfo {
  id: string;
  name: string;
  shortLink: string;
}

export interface TrelloTokenInfo {
  boardsRead: boolean;
  boardsWrite: boolean;
  expires?: string;
}

export interface TrelloWebhookInfo {
  id: string;
  modelId: string;
  callbackUrl: string;
  active: boolean;
}

export interface TrelloSetup {
  serverDate(): Promise<string | undefined>;
  member(): Promise<{ id: string; username: string }>;
  token(): Promise<TrelloTokenInfo>;
  /** The member's open boards. */
  boards(): Promise<TrelloBoardInfo[]>;
  board(idOrShortLink: string): Promise<TrelloBoardInfo>;
  customFieldsEnabled(boardId: string): Promise<boolean>;
  fields(boardId: string): Promise<{ name: string; type: string }[]>;
  webhooks(): Promise<TrelloWebhookInfo[]>;
  enableCustomFields(boardId: string): Promise<void>;
  createNumberField(boardId: string, name: string): Promise<void>;
  registerWebhook(boardId: string, callbackUrl: string): Promise<void>;
  /** Switches back on a webhook Trello deactivated after failed deliveries. */
  reactivateWebhook(webhookId: string): Promise<void>;
}
