import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorKind, TrackerError } from '../errors.ts';
import { classifyContainer, type ScopeRules } from '../rules/scope-rules.ts';
import { type Check, fail, type ProjectScreens, pass, warn } from './checklist.ts';
import type {
  JiraAccount,
  JiraAdminWebhook,
  JiraBoardInfo,
  JiraFieldContext,
  JiraFieldInfo,
  JiraProjectInfo,
  JiraSetup,
  JiraTypeScreen,
} from './ports.ts';

/**
 * The project permissions the service uses: read, score (edit), comment (one per purpose, edited in place and
 * deleted once moot), link, file tickets, move.
 */
export const JIRA_PERMISSIONS: Record<string, string> = {
  BROWSE_PROJECTS: 'Browse Projects',
  EDIT_ISSUES: 'Edit Issues',
  ADD_COMMENTS: 'Add Comments',
  EDIT_OWN_COMMENTS: 'Edit Own Comments',
  DELETE_OWN_COMMENTS: 'Delete Own Comments',
  LINK_ISSUES: 'Link Issues',
  CREATE_ISSUES: 'Create Issues',
  TRANSITION_ISSUES: 'Transition Issues',
};

export interface JiraProjectFacts {
  info: JiraProjectInfo;
  role: 'backlog' | 'support';
  permissions: Record<string, boolean>;
  /** The account's edits skip the watchers' emails (it has Administer Jira or Administer Projects there). */
  quietEdits: boolean;
  /** Backlog projects only: the account reads who may browse it, so its items' titles may show on other projects' tickets. */
  audienceKnown: boolean;
  /** Backlog projects only: where scores are written. */
  screens: JiraTypeScreen[];
  boards: JiraBoardInfo[];
}

export type JiraFacts =
  | { reached: false; error: string }
  | { reached: true; serverDate?: string; account: { error: TrackerError } }
  | {
      reached: true;
      serverDate?: string;
      account: JiraAccount;
      projects: JiraProjectFacts[];
      /** Project keys the rules name that the account cannot see. */
      unknownProjects: string[];
      /** Service desks a set supportProjects leaves out: the service leaves them alone, perhaps by oversight. */
      unnamedDesks: string[];
      fields: JiraFieldInfo[];
      /** The contexts of each Number field scoring writes, by field id (read only with backlog projects). */
      contexts: Map<string, JiraFieldContext[]> | { unavailable: string };
      webhooks: JiraAdminWebhook[] | { unavailable: string };
    };

export interface JiraExpectations {
  siteUrl: string;
  scope: ScopeRules;
  /** Display names of the Number fields scoring writes. */
  numberFields: string[];
  /** PUBLIC_URL + /webhooks/jira, when PUBLIC_URL is set. */
  webhookUrl?: string;
  /**
   * With JIRA_ALLOW_UNSIGNED: the token the webhook's URL must carry (`?token=`). Compared, never shown: output,
   * repairs and the audit trail name it `<JIRA_WEBHOOK_URL_TOKEN>`.
   */
  urlToken?: string;
  events: readonly string[];
}

/** Reads what the checks need, through the adapter's setup port only. */
export async function gatherJira(setup: JiraSetup, expect: JiraExpectations): Promise<JiraFacts> {
  let serverDate: string | undefined;
  try {
    serverDate = await setup.serverDate();
  } catch (error) {
    return { reached: false, error: (error as Error).message };
  }
  let account: JiraAccount;
  try {
    account = await setup.account();
  } catch (error) {
    if (error instanceof TrackerError) return { reached: true, serverDate, account: { error } };
    throw error;
  }
  const [all, fields] = await Promise.all([setup.projects(), setup.fields()]);
  const { backlogProjects, supportProjects } = expect.scope.jira;
  const visible = new Set(all.map((p) => p.key.toUpperCase()));
  const unknownProjects = [...backlogProjects, ...supportProjects].filter(
    (key) => !visible.has(key.toUpperCase()),
  );
  const projects: JiraProjectFacts[] = [];
  const unnamedDesks: string[] = [];
  for (const info of all) {
    const role = classifyContainer(
      'jira',
      { id: info.id, key: info.key, projectType: info.typeKey },
      expect.scope,
    );
    if (role === 'ignored') {
      if (info.typeKey === 'service_desk' && supportProjects.length > 0) unnamedDesks.push(info.key);
      continue;
    }
    const backlog = role === 'backlog';
    projects.push({
      info,
      role,
      permissions: await setup.permissions(info.key, Object.keys(JIRA_PERMISSIONS)),
      quietEdits: await setup.suppressesNotifications(info.key),
      audienceKnown: backlog ? await setup.readsBrowseAudience(info.key) : true,
      screens: backlog ? await setup.screens(info.key) : [],
      boards: backlog ? await setup.boards(info.key) : [],
    });
  }
  const contexts = await fieldContexts(
    setup,
    projects.some((p) => p.role === 'backlog') ? numberFields(fields, expect.numberFields) : [],
  );
  let webhooks: JiraAdminWebhook[] | { unavailable: string };
  try {
    webhooks = await setup.adminWebhooks();
  } catch (error) {
    if (!(error instanceof TrackerError)) throw error;
    webhooks = { unavailable: error.message };
  }
  return {
    reached: true,
    serverDate,
    account,
    projects,
    unknownProjects,
    unnamedDesks,
    fields,
    contexts,
    webhooks,
  };
}

const fieldsByName = (fields: JiraFieldInfo[]) =>
  new Map(fields.map((field) => [field.name.toLowerCase(), field]));

/** The fields of these names that are Number fields, as scoring finds them. */
function numberFields(fields: JiraFieldInfo[], names: string[]): JiraFieldInfo[] {
  const byName = fieldsByName(fields);
  return names.flatMap((name) => {
    const field = byName.get(name.toLowerCase());
    return field?.type === 'number' ? [field] : [];
  });
}

async function fieldContexts(
  setup: JiraSetup,
  fields: JiraFieldInfo[],
): Promise<Extract<JiraFacts, { contexts: unknown }>['contexts']> {
  const contexts = new Map<string, JiraFieldContext[]>();
  try {
    for (const field of fields) contexts.set(field.id, await setup.fieldContexts(field.id));
  } catch (error) {
    if (!(error instanceof TrackerError)) throw error;
    return {
      unavailable:
        error.kind === ErrorKind.Forbidden
          ? 'this account may not read contexts: it does not administer Jira'
          : `its contexts could not be read: ${error.message}`,
    };
  }
  return contexts;
}

/** Whether a context makes the field exist in issues of this project and type. */
const applies = (context: JiraFieldContext, projectId: string, issueTypeId: string) =>
  (context.projectIds.length === 0 || context.projectIds.includes(projectId)) &&
  (context.issueTypeIds.length === 0 || context.issueTypeIds.includes(issueTypeId));

/**
 * A backlog project's issue types no context of the field applies to: Jira leaves the field out of their editmeta
 * and refuses it in edits, on the screen or not. `--fix` adds the project to the field's one context that names
 * projects and covers those types, when the project is in no context of the field (Jira allows one per project);
 * anything else changes what other projects see or needs a choice.
 */
function contextCheck(
  field: JiraFieldInfo,
  project: JiraProjectInfo,
  types: JiraTypeScreen[],
  contexts: JiraFieldContext[],
): Check {
  const names = types.map((s) => s.issueType).join(', ');
  const page = `Jira settings > Issues > Custom fields > "${field.name}" > Contexts and default value`;
  const title = `Project ${project.key}: no context of "${field.name}" applies to ${names}: Jira hides the field there and refuses its scores`;
  const own = contexts.find((context) => context.projectIds.includes(project.id));
  if (own)
    return fail(
      'jira',
      title,
      `${page} > the context "${own.name}" > add the issue types ${names} (a project is in one context of a field at most). --fix cannot: the context's issue types are those of every project it names`,
    );
  const covering = contexts.filter(
    (context) =>
      context.projectIds.length > 0 &&
      types.every((s) => context.issueTypeIds.length === 0 || context.issueTypeIds.includes(s.issueTypeId)),
  );
  const [only] = covering;
  if (only && covering.length === 1)
    return fail(
      'jira',
      title,
      `${page} > the context "${only.name}" > add project ${project.key}; or npm run doctor -- --fix`,
      {
        kind: 'jira.addProjectToContext',
        field: field.name,
        fieldId: field.id,
        contextId: only.id,
        context: only.name,
        project: { key: project.key, id: project.id },
      },
    );
  return fail(
    'jira',
    title,
    covering.length > 1
      ? `${page} > add project ${project.key} to one of the contexts ${quoted(covering.map((c) => c.name))}. --fix cannot: which one is a choice (each has its own default value)`
      : `${page} > Add context, for project ${project.key} and the issue types ${names}. --fix cannot: no context of the field that names projects applies to all of ${names}`,
  );
}

const quoted = (names: string[]) => names.map((name) => `"${name}"`).join(', ');
const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether a webhook calls the service: its URL, and in unsigned mode the token that URL must carry. */
function callsService(hookUrl: string, url: string, urlToken: string | undefined): boolean {
  let hook: URL;
  try {
    hook = new URL(hookUrl);
  } catch {
    return false;
  }
  const carried = hook.searchParams.get('token') ?? '';
  hook.search = '';
  return sameUrl(hook.href, url) && (!urlToken || timingSafeEqual(digest(carried), digest(urlToken)));
}

function fieldChecks(facts: Extract<JiraFacts, { projects: unknown }>, expect: JiraExpectations): Check[] {
  const checks: Check[] = [];
  const byName = fieldsByName(facts.fields);
  const backlog = facts.projects.filter((p) => p.role === 'backlog');
  if (backlog.length === 0) return checks;
  // Where --fix may put a field: company-managed projects, through their screen schemes.
  const onScreens = (project: JiraProjectFacts, issueTypes: JiraTypeScreen[]): ProjectScreens => ({
    key: project.info.key,
    id: project.info.id,
    issueTypes: issueTypes.map((s) => s.issueType),
    issueTypeIds: issueTypes.map((s) => s.issueTypeId),
  });
  const companyManaged = backlog.filter((p) => !p.info.teamManaged);
  const present: JiraFieldInfo[] = [];
  for (const name of expect.numberFields) {
    const field = byName.get(name.toLowerCase());
    if (!field)
      checks.push(
        fail(
          'jira',
          `Number field "${name}" does not exist: scores cannot be written`,
          `Jira settings > Issues > Custom fields > Create custom field > Number field named "${name}" (${expect.siteUrl}/secure/admin/ViewCustomFields.jspa), then add it to the edit screens of the backlog projects`,
          {
            kind: 'jira.createField',
            name,
            projects: companyManaged.map((project) => onScreens(project, project.screens)),
          },
        ),
      );
    else if (field.type !== 'number')
      checks.push(
        fail(
          'jira',
          `Field "${name}" (${field.id}) is of type ${field.type ?? 'unknown'}, not Number`,
          `Rename that field, or name a Number field in the rules (scoring.fields) instead of "${name}"`,
        ),
      );
    else present.push(field);
  }
  const known = facts.contexts instanceof Map ? facts.contexts : undefined;
  // Without the contexts, a field missing from editmeta may be off the screen or outside its contexts.
  const orContext = known ? '' : ', or no context of the field applies there';
  const contextHint = (field: JiraFieldInfo, key: string) =>
    'unavailable' in facts.contexts
      ? `; if it is on that screen: Jira settings > Issues > Custom fields > "${field.name}" > Contexts and default value > add project ${key} to a context (${facts.contexts.unavailable})`
      : '';
  for (const project of backlog) {
    const { key } = project.info;
    let failed = false;
    for (const field of present) {
      const contexts = known?.get(field.id);
      const outside = contexts
        ? project.screens.filter((s) => !contexts.some((c) => applies(c, project.info.id, s.issueTypeId)))
        : [];
      if (outside.length > 0) checks.push(contextCheck(field, project.info, outside, contexts ?? []));
      const types = project.screens.filter((s) => !s.fieldIds.includes(field.id) && !outside.includes(s));
      failed ||= outside.length > 0 || types.length > 0;
      if (types.length === 0) continue;
      const names = types.map((s) => s.issueType).join(', ');
      checks.push(
        project.info.teamManaged
          ? fail(
              'jira',
              `Project ${key} (team-managed): "${field.name}" is not on the edit screen of ${names}${orContext}`,
              `Project settings > Issue types > ${types[0]?.issueType} > drag "${field.name}" in, for ${names}. --fix cannot: a team-managed project keeps its fields in the project, where Jira's screen APIs do not reach${contextHint(field, key)}`,
            )
          : fail(
              'jira',
              `Project ${key}: "${field.name}" is not on the edit screen of ${names}${orContext}`,
              `Jira settings > Issues > Screens > the edit screen of ${names} in ${key} (Project settings > Screens shows which) > add "${field.name}"; or npm run doctor -- --fix${contextHint(field, key)}`,
              {
                kind: 'jira.addToScreens',
                field: field.name,
                fieldId: field.id,
                project: onScreens(project, types),
              },
            ),
      );
    }
    if (!failed && present.length > 0)
      checks.push(
        pass(
          'jira',
          `Project ${key}: ${quoted(present.map((f) => f.name))} on the edit screens of ${project.screens.map((s) => s.issueType).join(', ')}`,
        ),
      );
    for (const board of project.boards)
      checks.push(
        board.estimationField
          ? pass(
              'jira',
              `Board "${board.name}" estimates with "${board.estimationField.name}" (${board.estimationField.id})`,
            )
          : warn(
              'jira',
              `Board "${board.name}" does not estimate by a field: effort falls back to size labels or text length`,
              `Board settings > Estimation > Estimation statistic: Story points (${expect.siteUrl}/jira/software/c/projects/${project.info.key}/boards/${board.id}/settings/estimation)`,
            ),
      );
  }
  return checks;
}

function webhookChecks(facts: Extract<JiraFacts, { projects: unknown }>, expect: JiraExpectations): Check[] {
  const serviceUrl = expect.webhookUrl;
  if (!serviceUrl) return [];
  const { urlToken } = expect;
  const url = urlToken ? `${serviceUrl}?token=<JIRA_WEBHOOK_URL_TOKEN>` : serviceUrl;
  const page = `${expect.siteUrl}/plugins/servlet/webhooks`;
  const wanted = expect.events.join(', ');
  if ('unavailable' in facts.webhooks)
    return [
      warn(
        'jira',
        'This account may not list admin webhooks, so they cannot be checked from here',
        `A Jira admin opens ${page} and checks for a webhook with URL ${url}, enabled, with the events ${wanted}`,
      ),
    ];
  const ours = facts.webhooks.filter((hook) => hook.enabled && callsService(hook.url, serviceUrl, urlToken));
  if (ours.length === 0)
    return [
      fail(
        'jira',
        `No enabled Jira webhook points at ${url}: the service hears nothing from Jira`,
        `Jira settings > System > WebHooks > Create a WebHook (${page}): URL ${url}, events ${wanted}${urlToken ? '' : ', secret = JIRA_WEBHOOK_SECRET'}`,
        facts.account.siteAdmin
          ? {
              kind: 'jira.registerWebhook',
              url: serviceUrl,
              events: [...expect.events],
              ...(urlToken ? { withUrlToken: true } : {}),
            }
          : undefined,
      ),
    ];
  const subscribed = new Set(ours.flatMap((hook) => hook.events));
  const missing = expect.events.filter((event) => !subscribed.has(event));
  return missing.length === 0
    ? [pass('jira', `Webhook to ${url} covers every event the service uses`)]
    : [
        fail(
          'jira',
          `The webhook to ${url} lacks the events ${missing.join(', ')}`,
          `Edit the webhook at ${page} and tick ${missing.join(', ')}`,
        ),
      ];
}

/** The Jira checklist from gathered facts: pure. */
export function evaluateJira(facts: JiraFacts, expect: JiraExpectations): Check[] {
  if (!facts.reached)
    return [
      fail(
        'jira',
        `Jira site does not answer: ${facts.error}`,
        'Check JIRA_BASE_URL (https://<your-site>.atlassian.net) and that this machine can reach it (proxy, firewall)',
      ),
    ];
  const checks: Check[] = [pass('jira', `Jira site ${expect.siteUrl} answers`)];
  if ('error' in facts.account) {
    const { error } = facts.account;
    const refused = error.kind === ErrorKind.Auth || error.kind === ErrorKind.Forbidden;
    checks.push(
      fail(
        'jira',
        refused
          ? `Jira refuses the credentials (${error.status ?? error.kind})`
          : `Jira /myself failed: ${error.message}`,
        'Create an API token for JIRA_EMAIL at https://id.atlassian.com/manage-profile/security/api-tokens and set JIRA_API_TOKEN to it',
      ),
    );
    return checks;
  }
  if (!('projects' in facts)) return checks;
  const { account } = facts;
  checks.push(pass('jira', `Signed in as ${account.displayName} (${account.accountId})`));
  if (account.siteAdmin && account.accountType === 'atlassian')
    checks.push(
      warn(
        'jira',
        `${account.displayName} is a Jira administrator: if this is a person's account, the bot writes with their name and all their rights`,
        'Create a dedicated account for the service (e.g. refinery-bot@your-company), grant it the project permissions below, and use its API token',
      ),
    );
  for (const key of facts.unknownProjects)
    checks.push(
      fail(
        'jira',
        `Project ${key} named in the rules (scope.jira) is not visible to the account`,
        `Check the key in the rules, or grant the account Browse Projects in ${key} (Project settings > Access)`,
      ),
    );
  if (facts.projects.length === 0)
    checks.push(
      fail(
        'jira',
        'No project is in scope: the account sees none, or the rules ignore them all',
        'Grant the account Browse Projects in the backlog projects, or set scope.jira.backlogProjects in the rules',
      ),
    );
  for (const project of facts.projects) {
    const missing = Object.keys(JIRA_PERMISSIONS).filter((key) => !project.permissions[key]);
    const where = `Project ${project.info.key} (${project.role})`;
    checks.push(
      missing.length === 0
        ? pass('jira', `${where}: the account has every permission the service uses`)
        : fail(
            'jira',
            `${where}: the account lacks ${missing.map((key) => JIRA_PERMISSIONS[key]).join(', ')}`,
            `Project settings > Access (team-managed), or Jira settings > Issues > Permission schemes > the scheme of ${project.info.key} (company-managed): grant ${missing.map((key) => JIRA_PERMISSIONS[key]).join(', ')} to ${account.displayName}`,
          ),
    );
  }
  const noisy = facts.projects.filter((p) => !p.quietEdits).map((p) => p.info.key);
  if (noisy.length > 0)
    checks.push(
      warn(
        'jira',
        `In ${noisy.join(', ')} every score and label the service writes emails the item's watchers (the account has neither Administer Jira nor Administer Projects there)`,
        `Add ${account.displayName} to the Administrators role of ${noisy.join(', ')} (Project settings > People or Access), or accept the emails`,
      ),
    );
  const unknownAudience = facts.projects.filter((p) => !p.audienceKnown).map((p) => p.info.key);
  if (unknownAudience.length > 0)
    checks.push(
      warn(
        'jira',
        `Items of ${unknownAudience.join(', ')} are named by key only on tickets of other projects: the account may not read who may browse ${unknownAudience.length > 1 ? 'them' : 'it'} (the permission scheme)`,
        `Add ${account.displayName} to the Administrators role of ${unknownAudience.join(', ')} (Project settings > People or Access), or give it Administer Jira, or accept keys without titles`,
      ),
    );
  checks.push(...fieldChecks(facts, expect));
  const support = facts.projects.filter((p) => p.role === 'support');
  checks.push(
    support.length > 0
      ? pass(
          'jira',
          `Support projects: ${support.map((p) => `${p.info.key}${p.info.typeKey === 'service_desk' ? ' (Jira Service Management)' : ''}`).join(', ')}`,
        )
      : warn(
          'jira',
          'No support project found: support-ticket linking has nothing to read',
          'Give the account access to your Jira Service Management project, or name support projects in the rules (scope.jira.supportProjects)',
        ),
  );
  if (facts.unnamedDesks.length > 0)
    checks.push(
      pass(
        'jira',
        `Service desks left alone, not in scope.jira.supportProjects: ${facts.unnamedDesks.join(', ')}`,
      ),
    );
  checks.push(...webhookChecks(facts, expect));
  return checks;
}
