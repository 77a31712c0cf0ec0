import type { FastifyInstance } from 'fastify';
import type { AdfDoc } from '../../trackers/jira/adf-types.ts';
import { invalidAdf } from './adf-rules.ts';
import type { ApiDeps, IdParams } from './api-deps.ts';
import { withinContexts } from './field-contexts.ts';
import { guarded, issueNotFound, jiraError, queryList, strings } from './http.ts';
import {
  createIssue,
  deleteIssue,
  editIssue,
  SandboxInputError,
  securityLevelOf,
  transitionIssue,
} from './issue-changes.ts';
import { notifyWatchers } from './notifications.ts';
import { browsableIssues } from './permissions.ts';
import { isSiteAdmin } from './routes-setup.ts';
import {
  findIssue,
  type JiraState,
  projectOf,
  type SandboxIssue,
  type SandboxProject,
  STATUSES,
  type StatusId,
  securityLevels,
  summaryError,
  TOO_LONG,
  TRANSITIONS,
  tooLong,
} from './state.ts';
import {
  fieldNames,
  issueTypeId,
  issueTypeView,
  issueView,
  projectStyle,
  projectView,
  securityLevelView,
  statusView,
  userView,
} from './views.ts';
import { type JiraWorld, restView } from './world.ts';

const EDITABLE_SYSTEM = ['summary', 'description', 'labels', 'priority'];
const BULK_FETCH_ISSUES = 100;

/** The fields on the issue's edit screen that one of their contexts shows for its project and issue type. */
function editMeta(world: JiraWorld, issue: SandboxIssue): Record<string, unknown> {
  const { state } = world;
  const project = projectOf(state, issue);
  const fields = withinContexts(
    state,
    screenFields(state, project),
    project.id,
    issueTypeId(issue.issuetype),
  );
  const levels = securityLevels(state);
  // Jira shows the field on a project with an issue security scheme (the sandbox's one, once it has a level).
  if (levels.length === 0) return fields;
  const view = restView(world);
  return {
    ...fields,
    security: {
      required: false,
      schema: { type: 'securitylevel', system: 'security' },
      name: 'Security Level',
      key: 'security',
      operations: ['set'],
      allowedValues: levels.map((level) => securityLevelView(view, level.name)),
    },
  };
}

/** `fields.security` of an edit: `{ id }` sets that level, null removes it. */
function securityEdit(world: JiraWorld, value: unknown): { security?: string | null; error?: string } {
  const id = value === null ? null : (value as { id?: unknown } | undefined)?.id;
  if (id !== null && typeof id !== 'string') return { error: 'Specify a valid security level id' };
  try {
    securityLevelOf(world, id);
    return { security: id };
  } catch (error) {
    if (error instanceof SandboxInputError) return { error: error.message };
    throw error;
  }
}

/** The fields on a project's screen (one screen for create and edit), in editmeta's shape, by field id. */
export function screenFields(state: JiraState, project: SandboxProject): Record<string, unknown> {
  const hidden = new Set(project.hiddenFieldIds);
  const fields: Record<string, unknown> = {};
  for (const field of state.fields) {
    const editable = field.custom
      ? field.type === 'number' || field.type === 'option'
      : EDITABLE_SYSTEM.includes(field.id);
    if (!editable || hidden.has(field.id)) continue;
    fields[field.id] = {
      required: field.id === 'summary',
      schema: field.custom
        ? { type: field.type, custom: field.customType, customId: Number(field.id.slice(12)) }
        : { type: field.type, system: field.id, ...(field.type === 'array' && { items: 'string' }) },
      name: field.name,
      key: field.id,
      operations: field.type === 'array' ? ['add', 'set', 'remove'] : ['set'],
      ...(field.options && {
        allowedValues: field.options.map((value, i) => ({ value, id: `${field.id.slice(12)}${i}` })),
      }),
    };
  }
  return fields;
}

interface EditBody {
  fields?: Record<string, unknown>;
  update?: { labels?: ({ add?: string; remove?: string; set?: string[] } | undefined)[] };
}

/** Jira keeps labels as single words of up to 255 characters; any other is a 400, whether set or added. */
function labelErrors(labels: unknown[]): Record<string, string> {
  const words = labels.filter((label): label is string => typeof label === 'string');
  const spaced = words.find((label) => /\s/.test(label));
  if (spaced !== undefined) return { labels: `The label '${spaced}' contains spaces which is invalid.` };
  const long = words.find((label) => label.length > 255);
  return long === undefined
    ? {}
    : { labels: `The label '${long}' exceeds the maximum length for a single label of 255 characters.` };
}

const isNumberField = (meta: unknown): boolean =>
  (meta as { schema?: { type?: string } } | undefined)?.schema?.type === 'number';

/** Jira's answers to a number field given anything but a JSON number (or null) below 10^14. */
function numberFieldError(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'number') return 'Operation value must be a number';
  return Math.abs(value) >= 1e14
    ? 'Specify a number for the custom field (below 100,000,000,000,000)'
    : undefined;
}

function toEdit(world: JiraWorld, issue: SandboxIssue, body: EditBody) {
  const meta = editMeta(world, issue);
  const errors: Record<string, string> = {
    ...labelErrors([
      ...(Array.isArray(body.fields?.labels) ? body.fields.labels : []),
      ...(body.update?.labels ?? []).flatMap((op) => [op?.add, op?.remove, ...(op?.set ?? [])]),
    ]),
    ...(tooLong(body.fields?.description) && { description: TOO_LONG }),
    ...summaryError(body.fields?.summary),
  };
  const custom: Record<string, number | string | null> = {};
  const level: { security?: string | null } = {};
  const { summary, description, labels, priority: _priority, ...rest } = body.fields ?? {};
  for (const [id, value] of Object.entries(rest)) {
    const numberError = isNumberField(meta[id]) ? numberFieldError(value) : undefined;
    if (!meta[id])
      errors[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
    else if (id === 'security') {
      const { security, error } = securityEdit(world, value);
      if (error) errors[id] = error;
      else level.security = security;
    } else if (numberError) errors[id] = numberError;
    else
      custom[id] =
        value === null || typeof value === 'number'
          ? value
          : String((value as { value?: unknown }).value ?? value);
  }
  if (Object.keys(errors).length > 0) return { errors };
  const ops = body.update?.labels ?? [];
  const set = Array.isArray(labels) ? (labels as string[]) : ops.find((op) => op?.set)?.set;
  return {
    edit: {
      summary: typeof summary === 'string' ? summary : undefined,
      description: description === undefined ? undefined : (description as AdfDoc | null),
      fields: custom,
      ...level,
      addLabels: set ?? ops.flatMap((op) => (op?.add ? [op.add] : [])),
      removeLabels: set
        ? issue.labels.filter((l) => !set.includes(l))
        : ops.flatMap((op) => (op?.remove ? [op.remove] : [])),
    },
  };
}

const ISSUE_TYPES = ['Story', 'Task', 'Bug'];

function resolutionMeta(world: JiraWorld) {
  return {
    required: true,
    schema: { type: 'resolution', system: 'resolution' },
    name: 'Resolution',
    key: 'resolution',
    hasDefaultValue: false,
    operations: ['set'],
    allowedValues: world.state.resolutions.map((r) => ({
      self: `${world.site()}/rest/api/3/resolution/${r.id}`,
      ...r,
    })),
  };
}

export function issueRoutes(app: FastifyInstance, { world, actor }: ApiDeps): void {
  const { state } = world;
  const projectByKeyOrId = (keyOrId: string) =>
    state.projects.get(keyOrId) ?? [...state.projects.values()].find((p) => p.key === keyOrId.toUpperCase());

  app.get('/rest/api/3/myself', (request) => {
    const id = actor(request);
    const user = state.users.get(id);
    return {
      ...userView(restView(world), id),
      emailAddress: user?.email,
      locale: 'en_US',
      groups: { size: 0, items: [] },
      applicationRoles: { size: 0, items: [] },
      expand: 'groups,applicationRoles',
    };
  });

  app.get('/rest/api/3/field', () =>
    state.fields.map((field) => ({
      id: field.id,
      key: field.id,
      name: field.name,
      untranslatedName: field.name,
      custom: field.custom,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: field.custom ? [`cf[${field.id.slice(12)}]`, field.name] : [field.id],
      schema: field.custom
        ? {
            type: field.type,
            ...(field.items && { items: field.items }),
            custom: field.customType,
            customId: Number(field.id.slice(12)),
          }
        : { type: field.type, system: field.id },
    })),
  );

  app.get<IdParams & { Querystring: { fields?: string | string[]; expand?: string } }>(
    '/rest/api/3/issue/:idOrKey',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      const wanted = queryList(request.query.fields);
      const only = wanted.length === 0 || wanted.some((f) => f.startsWith('*')) ? undefined : new Set(wanted);
      const view = issueView(restView(world), issue, only);
      const expand = queryList(request.query.expand);
      return {
        ...view,
        // Each returned field's display name as it is now, by id.
        ...(expand.includes('names') && { names: fieldNames(state, [view]) }),
        ...(expand.includes('editmeta') && { editmeta: { fields: editMeta(world, issue) } }),
      };
    },
  );

  // BulkFetchIssueRequestBean: "You can request up to 100 issues"; issues come in ascending id order, and those
  // that do not exist or that the caller may not browse are left out (issueErrors is for retriable failures).
  app.post<{ Body: { issueIdsOrKeys?: unknown; fields?: unknown; expand?: unknown } }>(
    '/rest/api/3/issue/bulkfetch',
    (request, reply) =>
      guarded(reply, () => {
        const { issueIdsOrKeys, fields, expand } = request.body ?? {};
        if (!strings(issueIdsOrKeys) || issueIdsOrKeys.length === 0) {
          throw new SandboxInputError('issueIdsOrKeys must contain at least one issue ID or key.');
        }
        if (issueIdsOrKeys.length > BULK_FETCH_ISSUES) {
          throw new SandboxInputError(`The number of issues must not exceed ${BULK_FETCH_ISSUES}.`);
        }
        const wanted = strings(fields) ? fields : [];
        const only =
          wanted.length === 0 || wanted.some((f) => f.startsWith('*')) ? undefined : new Set(wanted);
        const view = restView(world);
        return {
          expand: 'schema,names',
          issues: browsableIssues(state, world.botAccountId, actor(request), issueIdsOrKeys)
            .sort((a, b) => Number(a.id) - Number(b.id))
            .map((issue) => issueView(view, issue, only))
            // `expand` is a list here, and `names` comes with each issue.
            .map((issued) =>
              queryList(expand).includes('names')
                ? { ...issued, names: fieldNames(state, [issued]) }
                : issued,
            ),
          issueErrors: [],
        };
      }),
  );

  app.get<IdParams>('/rest/api/3/issue/:idOrKey/editmeta', (request, reply) => {
    const issue = findIssue(state, request.params.idOrKey);
    return issue ? { fields: editMeta(world, issue) } : issueNotFound(reply);
  });

  app.put<IdParams & { Body: EditBody; Querystring: { notifyUsers?: string } }>(
    '/rest/api/3/issue/:idOrKey',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      const who = actor(request);
      const silent = request.query.notifyUsers === 'false';
      // Jira's rule: Administer Jira (site-wide) or Administer Projects (here) may skip the notification.
      if (silent && !isSiteAdmin(world, who) && !projectOf(state, issue).adminIds.includes(who)) {
        return jiraError(reply, 403, [
          'To discard the user notification either admin or project admin permissions are required.',
        ]);
      }
      if (invalidAdf(request.body?.fields?.description)) return jiraError(reply, 400, ['INVALID_INPUT']);
      const parsed = toEdit(world, issue, request.body ?? {});
      if (parsed.errors) return jiraError(reply, 400, [], parsed.errors);
      return guarded(reply, () => {
        const changes = editIssue(world, who, issue, parsed.edit);
        if (changes.length > 0 && !silent) notifyWatchers(world, issue, who, 'updated');
        return reply.code(204).send();
      });
    },
  );

  // 204; 400 while the issue has sub-tasks and `deleteSubtasks` is not `true`; 404 for an issue gone or unseen.
  app.delete<IdParams & { Querystring: { deleteSubtasks?: string } }>(
    '/rest/api/3/issue/:idOrKey',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      return guarded(reply, () => {
        deleteIssue(world, actor(request), issue, {
          deleteSubtasks: request.query.deleteSubtasks === 'true',
        });
        return reply.code(204).send();
      });
    },
  );

  app.get<{ Querystring: { projectKey?: string; permissions?: string } }>(
    '/rest/api/3/mypermissions',
    (request, reply) => {
      const wanted = queryList(request.query.permissions);
      if (wanted.length === 0) return jiraError(reply, 400, ['The permissions query parameter is required.']);
      const project = [...state.projects.values()].find(
        (p) => p.key === request.query.projectKey?.toUpperCase(),
      );
      if (request.query.projectKey && !project) return jiraError(reply, 404, ['No project could be found.']);
      const who = actor(request);
      const admin = project?.adminIds.includes(who) ?? false;
      const denied = new Set(project ? (state.setup.deniedPermissions[project.key] ?? []) : []);
      const have = (key: string) =>
        key === 'ADMINISTER'
          ? isSiteAdmin(world, who)
          : key === 'ADMINISTER_PROJECTS'
            ? admin
            : !denied.has(key);
      const permissions = Object.fromEntries(
        wanted.map((key, i) => [
          key,
          {
            id: String(i + 1),
            key,
            name: key.toLowerCase().replaceAll('_', ' '),
            type: key === 'ADMINISTER' ? 'GLOBAL' : 'PROJECT',
            description: '',
            havePermission: have(key),
          },
        ]),
      );
      return { permissions };
    },
  );

  app.post<{ Body: { fields?: Record<string, unknown> } }>('/rest/api/3/issue', (request, reply) => {
    const { project, issuetype, summary, description, labels, priority, ...custom } =
      request.body?.fields ?? {};
    const projectKey =
      (project as { key?: string; id?: string } | undefined)?.key ??
      state.projects.get(String((project as { id?: string })?.id))?.key;
    const target = [...state.projects.values()].find((p) => p.key === projectKey?.toUpperCase());
    const given = request.body?.fields ?? {};
    if (invalidAdf(description)) return jiraError(reply, 400, ['INVALID_INPUT']);
    const errors: Record<string, string> = {
      ...(!projectKey && { project: 'Specify a valid project ID or key' }),
      ...(typeof summary !== 'string' && { summary: 'You must specify a summary of the issue.' }),
      ...summaryError(summary),
      ...labelErrors(Array.isArray(labels) ? labels : []),
      ...(tooLong(description) && { description: TOO_LONG }),
    };
    const onScreen = target ? screenFields(state, target) : {};
    for (const [id, value] of Object.entries(custom)) {
      const numberError = isNumberField(onScreen[id]) ? numberFieldError(value) : undefined;
      if (numberError) errors[id] = numberError;
    }
    for (const id of target?.requiredOnCreate ?? []) {
      const value = given[id];
      if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
        errors[id] = `${state.fields.find((f) => f.id === id)?.name ?? id} is required.`;
      }
    }
    if (!projectKey || typeof summary !== 'string' || Object.keys(errors).length > 0) {
      return jiraError(reply, 400, [], errors);
    }
    const { components, ...customValues } = custom;
    return guarded(reply, () => {
      const issue = createIssue(world, actor(request), {
        projectKey,
        summary,
        description: (description as AdfDoc | undefined) ?? null,
        issuetype: (issuetype as { name?: string } | undefined)?.name,
        priority: (priority as { name?: string } | undefined)?.name,
        labels: labels as string[] | undefined,
        fields: customValues as Record<string, number | null>,
        components: ((components ?? []) as { name?: string }[]).flatMap((c) => c.name ?? []),
      });
      return reply
        .code(201)
        .send({ id: issue.id, key: issue.key, self: `${world.site()}/rest/api/3/issue/${issue.id}` });
    });
  });

  app.get<IdParams & { Querystring: { expand?: string } }>(
    '/rest/api/3/issue/:idOrKey/transitions',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      const withFields = queryList(request.query.expand).includes('transitions.fields');
      const screened = (to: StatusId) => to === '10001' && projectOf(state, issue).resolutionOnDone;
      const transitions = TRANSITIONS[issue.statusId as StatusId].map((t) => ({
        id: t.id,
        name: t.name,
        to: statusView(restView(world), t.to),
        ...(withFields && { fields: screened(t.to) ? { resolution: resolutionMeta(world) } : {} }),
        hasScreen: screened(t.to),
        isGlobal: false,
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        isLooped: false,
      }));
      return { expand: 'transitions', transitions };
    },
  );

  app.post<
    IdParams & {
      Body: { transition?: { id?: string }; fields?: { resolution?: { name?: string; id?: string } } };
    }
  >('/rest/api/3/issue/:idOrKey/transitions', (request, reply) => {
    const issue = findIssue(state, request.params.idOrKey);
    if (!issue) return issueNotFound(reply);
    const id = String(request.body?.transition?.id ?? '');
    const into = TRANSITIONS[issue.statusId as StatusId].find((t) => t.id === id)?.to;
    const given = request.body?.fields?.resolution;
    const resolution = state.resolutions.find((r) => r.name === given?.name || r.id === given?.id);
    if (into === '10001' && projectOf(state, issue).resolutionOnDone && !resolution) {
      return jiraError(reply, 400, [], {
        resolution: given
          ? `Resolution '${given.name ?? given.id}' is not valid.`
          : 'Resolution is required.',
      });
    }
    return guarded(reply, () => {
      transitionIssue(world, actor(request), issue, id, resolution?.name);
      notifyWatchers(world, issue, actor(request), 'updated');
      return reply.code(204).send();
    });
  });

  // Jira answers by id, or by name (the first status of that name); a status of no active workflow is not found.
  app.get<{ Params: { idOrName: string } }>('/rest/api/3/status/:idOrName', (request, reply) => {
    const wanted = request.params.idOrName;
    const status = Object.values(STATUSES).find(
      (known) => known.id === wanted || known.name.toLowerCase() === wanted.toLowerCase(),
    );
    return status
      ? { ...statusView(restView(world), status.id), untranslatedName: status.name }
      : jiraError(reply, 404, [`The status with ID ${wanted} does not exist.`]);
  });

  app.get<{ Params: { project: string } }>('/rest/api/3/project/:project', (request, reply) => {
    const project = projectByKeyOrId(request.params.project);
    return project
      ? { ...projectView(restView(world), project), style: projectStyle(project), isPrivate: false }
      : jiraError(reply, 404, ['No project could be found with key or id.']);
  });

  app.get<{ Params: { project: string } }>(
    '/rest/api/3/issue/createmeta/:project/issuetypes',
    (request, reply) => {
      if (!projectByKeyOrId(request.params.project))
        return jiraError(reply, 404, ['No project could be found.']);
      const issueTypes = ISSUE_TYPES.map((name) => issueTypeView(restView(world), name));
      return { issueTypes, maxResults: 50, startAt: 0, total: issueTypes.length };
    },
  );

  app.get<{ Params: { project: string; typeId: string } }>(
    '/rest/api/3/issue/createmeta/:project/issuetypes/:typeId',
    (request, reply) => {
      const project = projectByKeyOrId(request.params.project);
      if (!project) return jiraError(reply, 404, ['No project could be found.']);
      const meta = (
        fieldId: string,
        name: string,
        required: boolean,
        extra: Record<string, unknown> = {},
      ) => ({
        required,
        schema: {
          type: fieldId === 'components' || fieldId === 'labels' ? 'array' : 'string',
          system: fieldId,
        },
        name,
        fieldId,
        key: fieldId,
        hasDefaultValue: false,
        operations: ['set'],
        ...extra,
      });
      // Custom fields on the project's screen in a context of the type, as editmeta shows them (the sandbox has
      // one screen per project).
      const shown = withinContexts(state, screenFields(state, project), project.id, request.params.typeId);
      const custom = Object.values(shown).flatMap((field) => {
        const shown = field as { key: string; schema: { custom?: string } };
        return shown.schema.custom ? [{ ...shown, fieldId: shown.key, hasDefaultValue: false }] : [];
      });
      const fields = [
        meta('summary', 'Summary', true),
        meta('description', 'Description', false),
        meta('labels', 'Labels', false),
        meta('components', 'Component/s', project.requiredOnCreate.includes('components'), {
          allowedValues: project.components.map((name, i) => ({ id: String(10000 + i), name })),
        }),
        ...custom,
      ];
      return { fields, maxResults: 50, startAt: 0, total: fields.length };
    },
  );
}
