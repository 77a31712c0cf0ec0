import { createAgileClient, createCloudClient } from 'jira.js';
import type { Client } from 'jira.js/core';
import type { Overflow } from '../../domain/doc-fit.ts';
import type { Actor, ItemRef } from '../../domain/events.ts';
import type { BrowseAudience } from '../../domain/linking/audience.ts';
import type { Logger } from '../../logger.ts';
import { redactUrl } from '../../logger.ts';
import type { OwnLinkMemo } from '../own-links.ts';
import type { OutboundLimiter } from '../rate-limit/outbound-limiter.ts';
import type { StatusCategory } from '../tracker.ts';
import { toTrackerError } from './jira-errors.ts';
import { createFieldCatalog, type FieldCatalog } from './jira-fields.ts';
import { createJiraTransport } from './jira-transport.ts';
import { createSiteCapabilities, type SiteCapabilities } from './site-capabilities.ts';

export interface JiraTrackerOptions {
  /** Site URL, e.g. https://acme.atlassian.net (a path prefix such as http://127.0.0.1:4000/jira works too). */
  baseUrl: string;
  email: string;
  apiToken: string;
  log: Logger;
  /** jira.js response validation: tests use 'throw' so every fake answer must match the real API. */
  onSchemaMismatch?: 'warn' | 'throw';
  /** Issue link type name for same-tracker links when the caller passes none (default "Relates"). */
  linkType?: string;
  fieldCacheTtlMs?: number;
  /** How often at most a name missing from the field list, or named otherwise by Jira, re-reads it (default 30 s). */
  fieldRefreshMs?: number;
  /** Longest wait for one call (default 30 s): jira.js sets none, and fetch waits up to 300 s for headers. */
  requestTimeoutMs?: number;
  /** Shared pacing of writes (Jira's burst and per-issue write limits); none in unit tests. */
  limiter?: OutboundLimiter;
  /** Resolution set when a transition requires one (default: the first offered "Done"-like one). */
  resolution?: string;
  /** Where the full text of a post too long for Jira can be read (default: the item itself). */
  overflowUrl?: (ref: ItemRef) => string | undefined;
  /** Links the service made, so their `issuelink_*` echoes (which name no actor) are known as its own. */
  ownLinks?: OwnLinkMemo;
}

/** What every part of the adapter shares: the clients, the error boundary and per-instance caches. */
export interface JiraContext {
  cloud: ReturnType<typeof createCloudClient>;
  agile: ReturnType<typeof createAgileClient>;
  client: Client;
  siteUrl: string;
  linkType: string;
  fields: FieldCatalog;
  capabilities: SiteCapabilities;
  resolution?: string;
  ownLinks?: OwnLinkMemo;
  /** Where to read a post in full when Jira's limit cut it. */
  overflow(ref: ItemRef): Overflow;
  /** Runs one API call; any failure leaves as a TrackerError. */
  call<T>(operation: string, run: () => Promise<T>): Promise<T>;
  myself(): Promise<Actor>;
  /**
   * Status categories by status id, kept like the field catalog: a support project's every transition asks for
   * the one it left, and an admin moves a status to another category rarely.
   */
  statusCategories: Map<string, { category: StatusCategory | undefined; at: number }>;
  /**
   * Who may browse each project (by key), kept like the status categories: a permission scheme changes rarely,
   * and every ticket's comment asks for its items' projects. Undefined: the scheme could not be read.
   */
  browseAudiences: Map<string, { audience: BrowseAudience | undefined; at: number }>;
  fieldCacheTtlMs: number;
  log: Logger;
}

const FIELD_CACHE_TTL_MS = 10 * 60_000;
const FIELD_REFRESH_MS = 30_000;

export function createJiraContext(options: JiraTrackerOptions): JiraContext {
  const siteUrl = options.baseUrl.replace(/\/+$/, '');
  const log = options.log.child({ tracker: 'jira', site: redactUrl(siteUrl) });
  const client = createJiraTransport({
    siteUrl,
    email: options.email,
    apiToken: options.apiToken,
    onSchemaMismatch: options.onSchemaMismatch ?? 'warn',
    log,
    limiter: options.limiter,
    timeoutMs: options.requestTimeoutMs,
  });
  const cloud = createCloudClient(client);
  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const mapped = toTrackerError(error, operation);
      // Debug only: the job or start-up step that made the call reports the failure once, with its context.
      log.debug({ operation, kind: mapped.kind, status: mapped.status }, 'Jira request failed');
      throw mapped;
    }
  }
  let me: Promise<Actor> | undefined;
  return {
    capabilities: createSiteCapabilities(cloud, call, log),
    resolution: options.resolution,
    ownLinks: options.ownLinks,
    overflow: (ref) => ({
      url: options.overflowUrl?.(ref) ?? `${siteUrl}/browse/${ref.key}`,
      limit: 'Jira stops at 32,767 characters',
    }),
    cloud,
    agile: createAgileClient(client),
    client,
    siteUrl,
    linkType: options.linkType ?? 'Relates',
    fields: createFieldCatalog({
      load: () => call('getFields', () => cloud.issueFields.getFields()),
      ttlMs: options.fieldCacheTtlMs ?? FIELD_CACHE_TTL_MS,
      refreshAfterMs: options.fieldRefreshMs ?? FIELD_REFRESH_MS,
      now: () => Date.now(),
    }),
    call,
    statusCategories: new Map(),
    browseAudiences: new Map(),
    log,
    fieldCacheTtlMs: options.fieldCacheTtlMs ?? FIELD_CACHE_TTL_MS,
    myself() {
      me ??= call('myself', () => cloud.myself.getCurrentUser()).then(
        (user) => ({ id: user.accountId ?? '', displayName: user.displayName ?? '' }),
        (error: unknown) => {
          me = undefined;
          throw error;
        },
      );
      return me;
    },
  };
}
