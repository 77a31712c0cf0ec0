import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '../../../src/logger.ts';
import {
  createJiraSandbox,
  type JiraSandbox,
  type JiraSandboxOptions,
} from '../../../src/sandbox/jira/jira-sandbox.ts';
import { createJiraContext, type JiraContext } from '../../../src/trackers/jira/jira-context.ts';
import { createJiraTracker } from '../../../src/trackers/jira/jira-tracker.ts';
import type { Tracker } from '../../../src/trackers/tracker.ts';

export const PERSON = '5b10a2844c20165700ede21g';

export interface Harness {
  app: FastifyInstance;
  sandbox: JiraSandbox;
  jira: Tracker;
  baseUrl: string;
  /** A REST request as the service account (`path` from `/rest/...`). */
  rest(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** The sandbox on an ephemeral loopback port with the real adapter pointed at it (strict schema checks). */
export async function startHarness(options: JiraSandboxOptions = {}): Promise<Harness> {
  const sandbox = createJiraSandbox(options);
  const app = Fastify();
  sandbox.register(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const root = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const baseUrl = `${root}${sandbox.prefix}`;
  sandbox.seed({
    people: [{ accountId: PERSON, displayName: 'Dana Person', email: 'dana@sandbox.test' }],
    projects: [
      { key: 'BR', name: 'Backlog', hiddenFields: ['Confidence'] },
      { key: 'SUP', name: 'Support', projectTypeKey: 'service_desk' },
    ],
    boards: [{ name: 'BR board', projectKey: 'BR', estimationField: 'Story Points' }],
    sprints: [
      {
        name: 'Sprint 1',
        board: 'BR board',
        state: 'active',
        startDate: '2026-03-02T09:00:00.000Z',
        endDate: '2026-03-16T09:00:00.000Z',
      },
      { name: 'Sprint 2', board: 'BR board' },
    ],
    issues: [
      {
        projectKey: 'BR',
        summary: 'Export invoices as CSV',
        description: '## Story\nAs a bookkeeper I want a CSV export\n- Given an invoice',
        labels: ['billing'],
        fields: { 'Story Points': 5, Impact: 8, Severity: 'Major' },
        reporter: PERSON,
        sprints: ['Sprint 1'],
      },
      { projectKey: 'BR', summary: 'Import CSV', reporter: PERSON, sprints: ['Sprint 1'] },
      { projectKey: 'SUP', summary: 'Customer cannot export invoices', reporter: PERSON },
    ],
  });
  const jira = createJiraTracker({
    baseUrl,
    email: sandbox.botCredentials.email,
    apiToken: sandbox.botCredentials.apiToken,
    log: createLogger({ level: 'silent' }),
    onSchemaMismatch: 'throw',
  });
  const rest = (path: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Basic ${Buffer.from(`${sandbox.botCredentials.email}:${sandbox.botCredentials.apiToken}`).toString('base64')}`,
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
      },
    });
  return { app, sandbox, jira, baseUrl, rest, close: () => app.close() };
}

/** The adapter's context as the service account, on the harness's sandbox: jira.js calls validated strictly. */
export function botContext(h: Harness): JiraContext {
  return createJiraContext({
    baseUrl: h.baseUrl,
    email: h.sandbox.botCredentials.email,
    apiToken: h.sandbox.botCredentials.apiToken,
    log: createLogger({ level: 'silent' }),
    onSchemaMismatch: 'throw',
  });
}
