import nock from 'nock';
import { vi } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { createJiraTracker } from '../../../src/trackers/jira/jira-tracker.ts';

/** Response shapes as Jira Cloud sends them (trimmed to what the adapter reads, keeping the envelope). */
export const SITE = 'https://acme.atlassian.net';
export const BOT = '712020:bot-0001';
export const PERSON = '5b10a2844c20165700ede21g';

export function tracker(baseUrl = SITE) {
  return createJiraTracker({
    baseUrl,
    email: 'bot@acme.test',
    apiToken: 'secret-token',
    log: createLogger({ level: 'silent' }),
    onSchemaMismatch: 'throw',
  });
}

/** Runs `steps` on a fake Date, each step moving it on by its own `after` ms first. */
export async function onClock(steps: { after: number; run: () => Promise<void> }[]) {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    for (const step of steps) {
      vi.setSystemTime(Date.now() + step.after);
      await step.run();
    }
  } finally {
    vi.useRealTimers();
  }
}

export function api() {
  return nock(SITE);
}

const avatarUrls = {
  '48x48': 'https://avatar-management.services.atlassian.com/default/48',
  '24x24': 'https://avatar-management.services.atlassian.com/default/24',
  '16x16': 'https://avatar-management.services.atlassian.com/default/16',
  '32x32': 'https://avatar-management.services.atlassian.com/default/32',
};

export function user(accountId: string, displayName: string, accountType = 'atlassian') {
  return {
    self: `${SITE}/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`,
    accountId,
    avatarUrls,
    displayName,
    active: true,
    timeZone: 'Etc/UTC',
    accountType,
  };
}

export const myself = {
  ...user(BOT, 'Refinery Bot', 'app'),
  locale: 'en_US',
  groups: { size: 1, items: [] },
  applicationRoles: { size: 1, items: [] },
  expand: 'groups,applicationRoles',
};

export function field(id: string, name: string, type: string, custom: string | undefined) {
  return {
    id,
    key: id,
    name,
    untranslatedName: name,
    custom: custom !== undefined,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: custom ? [`cf[${id.slice(12)}]`, name] : [id],
    schema: custom ? { type, custom, customId: Number(id.slice(12)) } : { type, system: id },
  };
}

export const FLOAT = 'com.atlassian.jira.plugin.system.customfieldtypes:float';
export const fields = [
  field('summary', 'Summary', 'string', undefined),
  field('description', 'Description', 'string', undefined),
  field('labels', 'Labels', 'array', undefined),
  field('customfield_10016', 'Story point estimate', 'number', 'com.pyxis.greenhopper.jira:jsw-story-points'),
  field('customfield_10050', 'Impact', 'number', FLOAT),
  field('customfield_10051', 'Effort', 'number', FLOAT),
  field('customfield_10052', 'Priority score', 'number', FLOAT),
  field(
    'customfield_10060',
    'Severity',
    'option',
    'com.atlassian.jira.plugin.system.customfieldtypes:select',
  ),
];

export const statuses = {
  todo: {
    id: '10000',
    name: 'To Do',
    category: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  },
  progress: {
    id: '3',
    name: 'In Progress',
    category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  },
  done: { id: '10001', name: 'Done', category: { id: 3, key: 'done', colorName: 'green', name: 'Done' } },
};

export function status(which: keyof typeof statuses) {
  const s = statuses[which];
  return {
    self: `${SITE}/rest/api/3/status/${s.id}`,
    description: '',
    iconUrl: `${SITE}/`,
    name: s.name,
    id: s.id,
    statusCategory: { self: `${SITE}/rest/api/3/statuscategory/${s.category.id}`, ...s.category },
  };
}

export const adf = (...paragraphs: string[]) => ({
  type: 'doc',
  version: 1,
  content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
});

export function issue(id: string, key: string, fieldOverrides: Record<string, unknown> = {}) {
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id,
    self: `${SITE}/rest/api/3/issue/${id}`,
    key,
    fields: {
      summary: 'Export invoices as CSV',
      issuetype: {
        self: `${SITE}/rest/api/3/issuetype/10001`,
        id: '10001',
        description: 'Stories track functionality or features expressed as user goals.',
        iconUrl: `${SITE}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10315?size=medium`,
        name: 'Story',
        subtask: false,
        avatarId: 10315,
        hierarchyLevel: 0,
      },
      project: {
        self: `${SITE}/rest/api/3/project/10000`,
        id: '10000',
        key: key.split('-')[0],
        name: 'Backlog',
        projectTypeKey: 'software',
        simplified: false,
        avatarUrls,
      },
      status: status('todo'),
      priority: {
        self: `${SITE}/rest/api/3/priority/3`,
        iconUrl: `${SITE}/images/icons/priorities/medium.svg`,
        name: 'Medium',
        id: '3',
      },
      labels: ['billing'],
      issuelinks: [],
      description: adf('As a bookkeeper I want a CSV export.'),
      reporter: user(PERSON, 'Dana Person'),
      created: '2026-03-02T10:15:00.000+0100',
      updated: '2026-03-03T09:00:00.000+0100',
      timeoriginalestimate: 7200,
      customfield_10016: 5,
      customfield_10050: 8,
      customfield_10051: null,
      customfield_10052: null,
      customfield_10060: { self: `${SITE}/rest/api/3/customFieldOption/10021`, value: 'Major', id: '10021' },
      ...fieldOverrides,
    },
  };
}

export function numberMeta(id: string, name: string) {
  return {
    required: false,
    schema: { type: 'number', custom: FLOAT, customId: Number(id.slice(12)) },
    name,
    key: id,
    operations: ['set'],
  };
}

/**
 * What the adapter asks once per project before its first edit: may it administer the project (and so edit without
 * mailing watchers), and is it a Service Management project. Shapes of GET /mypermissions and GET /project.
 */
export function projectCapabilities(key: string, admin: boolean) {
  const permission = (id: string, permissionKey: string, type: string, havePermission: boolean) => ({
    id,
    key: permissionKey,
    name: permissionKey === 'ADMINISTER' ? 'Administer Jira' : 'Administer Projects',
    type,
    description: 'Ability to administer.',
    havePermission,
  });
  api()
    .get('/rest/api/3/mypermissions')
    .query({ projectKey: key, permissions: 'ADMINISTER_PROJECTS,ADMINISTER' })
    .reply(200, {
      permissions: {
        ADMINISTER_PROJECTS: permission('23', 'ADMINISTER_PROJECTS', 'PROJECT', admin),
        ADMINISTER: permission('0', 'ADMINISTER', 'GLOBAL', false),
      },
    });
  api()
    .get(`/rest/api/3/project/${key}`)
    .reply(200, {
      self: `${SITE}/rest/api/3/project/10000`,
      id: '10000',
      key,
      name: 'Backlog',
      projectTypeKey: 'software',
      simplified: false,
      style: 'classic',
      isPrivate: false,
      avatarUrls,
    });
}
