import type { Doc } from '../../domain/doc.ts';
import { fitDoc } from '../../domain/doc-fit.ts';
import { type ItemRef, projectKeyOf } from '../../domain/events.ts';
import { oneLine } from '../../domain/one-line.ts';
import { ErrorKind, TrackerError } from '../../errors.ts';
import { markdownToDoc } from '../markdown-doc.ts';
import type {
  CreateTarget,
  DescriptionOptions,
  DescriptionOutcome,
  DescriptionPlan,
  FieldWriteOutcome,
  NewItem,
} from '../tracker.ts';
import { docToAdf, withinJiraLimit } from './adf-render.ts';
import { adfDescriptionText } from './adf-text.ts';
import { type AdfDoc, type AdfNode, isAdfDoc } from './adf-types.ts';
import { sameAdf } from './comment-marker.ts';
import type { JiraContext } from './jira-context.ts';
import type { FieldIndex } from './jira-fields.ts';
import { jiraRef } from './jira-item.ts';

interface EditMetaField {
  name?: string;
  schema?: { type?: string };
}

/** Rich text cut to what Jira stores, with a line pointing to the rest; `kept` nodes go first, untouched. */
function fittedAdf(
  ctx: JiraContext,
  document: Doc,
  where: ItemRef,
  kept: readonly AdfNode[] = [],
): { adf: AdfDoc; cut: boolean } {
  const after = (adf: AdfDoc): AdfDoc => ({ ...adf, content: [...kept, ...adf.content] });
  const fits = (candidate: Doc) => withinJiraLimit(after(docToAdf(candidate)));
  const fitted = fitDoc(document, fits, ctx.overflow(where));
  return { adf: after(docToAdf(fitted)), cut: fitted !== document };
}

/**
 * `notifyUsers=false` where the account has Administer Jira or Administer Projects, so the service's edits do not
 * mail every watcher. Elsewhere Jira refuses the flag (the whole edit), so it is only sent where it is known to be allowed.
 */
async function quietly(ctx: JiraContext, ref: ItemRef): Promise<{ notifyUsers?: false }> {
  const project = projectKeyOf(ref.key);
  if (!project) return {};
  try {
    return (await ctx.capabilities.project(project)).canSuppressNotifications ? { notifyUsers: false } : {};
  } catch {
    return {};
  }
}

/** Jira stores labels as single words and answers 400 to one with whitespace. */
function assertLabel(label: string): void {
  if (/\s/.test(label)) {
    throw new TrackerError(
      ErrorKind.Validation,
      'jira',
      `Jira labels cannot contain spaces: "${label}" (use "${label.trim().replace(/\s+/g, '-')}" in the rules)`,
    );
  }
}

/** Jira refuses a summary over 255 characters or with a line break (400), and the whole issue with it. */
const MAX_SUMMARY = 255;

/** Jira's number fields refuse (400, and the whole edit with them) a number of 10^14 or more. */
const JIRA_NUMBER_LIMIT = 1e14;

/** Every field of each name (team-managed projects repeat names); names the list lacks are left out. */
function candidatesOf(index: FieldIndex, names: readonly string[]): Map<string, string[]> {
  const candidates = new Map<string, string[]>();
  for (const name of names) {
    const ids = index.allByName.get(name.toLowerCase())?.map((field) => field.id) ?? [];
    if (ids.length > 0) candidates.set(name, ids);
  }
  return candidates;
}

/** The issue's values of the candidates, and its edit screen, which names every field on it as Jira does now. */
async function readCandidates(ctx: JiraContext, ref: ItemRef, candidates: Map<string, string[]>) {
  // expand=editmeta answers "which fields are on the edit screen" in the same request as the current values;
  // one comma-separated `fields` value is the documented form (jira.js would repeat the parameter per element).
  const fields = [[...new Set([...candidates.values()].flat())].join(',')];
  const issue = await ctx.call('getIssue', () =>
    ctx.cloud.issues.getIssue({ issueIdOrKey: ref.id, fields, expand: 'editmeta' }),
  );
  return {
    values: issue.fields ?? {},
    editable: (issue.editmeta?.fields ?? {}) as Record<string, EditMetaField>,
  };
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Whether the edit screen contradicts the field list, or may: a field of the name under another id, an id renamed,
 * or a name none of whose ids is on it (deleted since, or only off the screen: the list tells which).
 */
function outdated(candidates: Map<string, string[]>, editable: Record<string, EditMetaField>): boolean {
  return [...candidates].some(
    ([name, ids]) =>
      !ids.some((id) => editable[id]) ||
      Object.entries(editable).some(
        ([id, meta]) => meta.name !== undefined && ids.includes(id) !== sameName(meta.name, name),
      ),
  );
}

const sameCandidates = (a: Map<string, string[]>, b: Map<string, string[]>) =>
  a.size === b.size && [...a].every(([name, ids]) => b.get(name)?.join() === ids.join());

export async function setNumberFields(
  ctx: JiraContext,
  ref: ItemRef,
  values: Record<string, number | null>,
): Promise<FieldWriteOutcome> {
  const outcome: FieldWriteOutcome = { written: [], unchanged: [], missing: [] };
  const names = Object.keys(values);
  let candidates = candidatesOf(await ctx.fields.get(), names);
  let read = candidates.size > 0 ? await readCandidates(ctx, ref, candidates) : undefined;
  // An admin may have made, renamed or deleted a field since the list was read: a name it lacks, or an edit screen
  // that names its fields otherwise or lacks one, reads it again (at most once per `fieldRefreshMs`, so a field that stays
  // missing does not cost a read per write).
  if (candidates.size < names.length || (read && outdated(candidates, read.editable))) {
    const fresh = candidatesOf(await ctx.fields.refresh(), names);
    if (!sameCandidates(fresh, candidates)) {
      candidates = fresh;
      read = candidates.size > 0 ? await readCandidates(ctx, ref, candidates) : undefined;
    }
  }
  for (const name of names) {
    if (!candidates.has(name)) outcome.missing.push({ name, reason: 'no Jira field has this name' });
  }
  if (!read) return outcome;
  const { values: current, editable } = read;
  const changes: Record<string, number | null> = {};
  for (const [name, ids] of candidates) {
    // A field the edit screen names otherwise was renamed since the list was read: it is no longer this one.
    const named = ids.filter(
      (candidate) => !editable[candidate] || sameName(editable[candidate].name ?? name, name),
    );
    const onScreen = named.filter((candidate) => editable[candidate]);
    const id = onScreen.find((candidate) => editable[candidate]?.schema?.type === 'number') ?? onScreen[0];
    const meta = id ? editable[id] : undefined;
    const wanted = values[name] ?? null;
    if (named.length === 0) outcome.missing.push({ name, reason: 'no Jira field has this name' });
    // Editmeta leaves out a field on the screen whose contexts miss the issue's project or type too; telling
    // the two apart takes admin reads per write, so the reason names both (the doctor tells them apart).
    else if (!id || !meta)
      outcome.missing.push({
        name,
        reason: `not on the edit screen of ${ref.key} or outside the field's context for ${ref.key}'s project and issue type`,
      });
    else if (meta.schema?.type !== 'number') {
      outcome.missing.push({ name, reason: `field type is ${meta.schema?.type ?? 'unknown'}, not number` });
    } else if (wanted !== null && Math.abs(wanted) >= JIRA_NUMBER_LIMIT) {
      outcome.missing.push({ name, reason: 'Jira stores numbers below 100,000,000,000,000 only' });
    } else if ((current[id] ?? null) === wanted) outcome.unchanged.push(name);
    else {
      changes[id] = wanted;
      outcome.written.push(name);
    }
  }
  if (outcome.written.length > 0) {
    const quiet = await quietly(ctx, ref);
    await ctx.call('editIssue', () =>
      ctx.cloud.issues.editIssue({ issueIdOrKey: ref.id, fields: changes, ...quiet }),
    );
  }
  return outcome;
}

export async function setLabel(
  ctx: JiraContext,
  ref: ItemRef,
  label: string,
  present: boolean,
): Promise<boolean> {
  assertLabel(label);
  const issue = await ctx.call('getIssue', () =>
    ctx.cloud.issues.getIssue({ issueIdOrKey: ref.id, fields: ['labels'] }),
  );
  const labels = (issue.fields?.labels ?? []) as string[];
  if (labels.includes(label) === present) return false;
  const operation = present ? { add: label } : { remove: label };
  const quiet = await quietly(ctx, ref);
  await ctx.call('editIssue', () =>
    ctx.cloud.issues.editIssue({ issueIdOrKey: ref.id, update: { labels: [operation] }, ...quiet }),
  );
  return true;
}

interface ScreenField {
  required?: boolean;
  hasDefaultValue?: boolean;
  name?: string;
  allowedValues?: unknown[];
}

/** Resolutions that mean "the work is done", for a transition whose screen asks for one. */
const DONE_LIKE = /^(?:done|fixed|resolved|complete[d]?)$/i;

/**
 * Values for the required fields of a transition screen. The resolution is the configured one or a "Done"-like
 * one; anything else needs a person's choice, so the move fails naming the fields.
 */
function transitionFields(
  ctx: JiraContext,
  ref: ItemRef,
  statusName: string,
  screen: Record<string, ScreenField>,
): Record<string, unknown> | undefined {
  const values: Record<string, unknown> = {};
  const unfillable: string[] = [];
  for (const [id, field] of Object.entries(screen)) {
    if (!field.required || field.hasDefaultValue) continue;
    const names = (field.allowedValues ?? []).flatMap((v) => (v as { name?: string }).name ?? []);
    const wanted = ctx.resolution?.toLowerCase();
    const resolution =
      names.find((name) => name.toLowerCase() === wanted) ??
      names.find((name) => DONE_LIKE.test(name)) ??
      names[0];
    if (id === 'resolution' && resolution) values[id] = { name: resolution };
    else unfillable.push(field.name ?? id);
  }
  if (unfillable.length > 0) {
    throw new TrackerError(
      ErrorKind.Validation,
      'jira',
      `${ref.key} cannot move to "${statusName}": Jira requires ${unfillable.join(', ')} on that transition, and the service cannot choose a value: give the field a default or take it off the transition screen`,
    );
  }
  return Object.keys(values).length > 0 ? values : undefined;
}

export async function moveTo(ctx: JiraContext, ref: ItemRef, statusName: string): Promise<void> {
  const wanted = statusName.toLowerCase();
  const [issue, available] = await Promise.all([
    ctx.call('getIssue', () => ctx.cloud.issues.getIssue({ issueIdOrKey: ref.id, fields: ['status'] })),
    ctx.call('getTransitions', () =>
      ctx.cloud.issues.getTransitions({ issueIdOrKey: ref.id, expand: 'transitions.fields' }),
    ),
  ]);
  const current = (issue.fields?.status as { name?: string } | undefined)?.name ?? '';
  if (current.toLowerCase() === wanted) return;
  const transitions = available.transitions ?? [];
  const transition = transitions.find((t) => t.to?.name?.toLowerCase() === wanted);
  if (!transition?.id) {
    const reachable = transitions.map((t) => t.to?.name).filter(Boolean);
    throw new TrackerError(
      ErrorKind.Validation,
      'jira',
      `${ref.key} cannot move from "${current}" to "${statusName}": the workflow offers ${
        reachable.length > 0 ? reachable.map((n) => `"${n}"`).join(', ') : 'no transitions'
      }`,
    );
  }
  const id = transition.id;
  const fields = transitionFields(
    ctx,
    ref,
    statusName,
    (transition.fields ?? {}) as Record<string, ScreenField>,
  );
  await ctx.call('doTransition', () =>
    ctx.cloud.issues.doTransition({ issueIdOrKey: ref.id, transition: { id }, ...(fields && { fields }) }),
  );
}

/**
 * The most leading nodes of the stored description whose plain text starts `text`, and the rest of `text`. The
 * service only appends to a description (templates) or takes its addition back (undo): what people wrote stays
 * as the nodes they wrote, and only the service's own text is read as Markdown, so text typed as `[x](https://…)`
 * never becomes a link.
 */
function keptPrefix(current: unknown, text: string): { kept: AdfNode[]; rest: string } {
  const nodes = isAdfDoc(current) ? current.content : [];
  for (let count = nodes.length; count > 0; count--) {
    const kept = nodes.slice(0, count);
    const prefix = adfDescriptionText({ type: 'doc', content: kept });
    const rest = text.slice(prefix.length);
    if (text.startsWith(prefix) && (rest === '' || rest.startsWith('\n'))) return { kept, rest };
  }
  return { kept: [], rest: text };
}

/** The description setDescription would send for `text`, the one the issue has now, and whether it was cut. */
async function plannedDescription(ctx: JiraContext, ref: ItemRef, text: string) {
  const issue = await ctx.call('getIssue', () =>
    ctx.cloud.issues.getIssue({ issueIdOrKey: ref.id, fields: ['description'] }),
  );
  const current = issue.fields?.description ?? null;
  const { kept, rest } = keptPrefix(current, text);
  const { adf: description, cut } = fittedAdf(ctx, markdownToDoc(rest), ref, kept);
  const outcome: DescriptionOutcome = cut ? { cut, limit: ctx.overflow(ref).limit } : { cut };
  return { current, description, outcome };
}

export async function planDescription(
  ctx: JiraContext,
  ref: ItemRef,
  text: string,
): Promise<DescriptionPlan> {
  const { description, outcome } = await plannedDescription(ctx, ref, text);
  return { outcome, description: adfDescriptionText(description) };
}

export async function setDescription(
  ctx: JiraContext,
  ref: ItemRef,
  text: string,
  options: DescriptionOptions = {},
): Promise<DescriptionOutcome> {
  const { current, description, outcome } = await plannedDescription(ctx, ref, text);
  if ((outcome.cut && options.whole) || sameAdf(current, description)) return outcome;
  const quiet = await quietly(ctx, ref);
  await ctx.call('editIssue', () =>
    ctx.cloud.issues.editIssue({ issueIdOrKey: ref.id, fields: { description }, ...quiet }),
  );
  return outcome;
}

export async function setTitle(ctx: JiraContext, ref: ItemRef, title: string): Promise<void> {
  const issue = await ctx.call('getIssue', () =>
    ctx.cloud.issues.getIssue({ issueIdOrKey: ref.id, fields: ['summary'] }),
  );
  const summary = oneLine(title, MAX_SUMMARY);
  if (issue.fields?.summary === summary) return;
  const quiet = await quietly(ctx, ref);
  await ctx.call('editIssue', () =>
    ctx.cloud.issues.editIssue({ issueIdOrKey: ref.id, fields: { summary }, ...quiet }),
  );
}

/** What createItem sends itself; any other required field without a default needs a person's choice. */
const CREATE_FILLS = new Set(['summary', 'project', 'issuetype', 'description', 'labels', 'reporter']);

/** Names of the create screen's required fields the service cannot fill, read from createmeta. */
async function unfillableOnCreate(ctx: JiraContext, target: CreateTarget): Promise<string[]> {
  const projectIdOrKey = target.containerId;
  const types = await ctx.call('getCreateIssueMetaIssueTypes', () =>
    ctx.cloud.issues.getCreateIssueMetaIssueTypes({ projectIdOrKey }),
  );
  const type = [...(types.issueTypes ?? []), ...(types.createMetaIssueType ?? [])].find(
    (t) => t.name?.toLowerCase() === target.typeOrList.toLowerCase(),
  );
  // An unknown type is left to createIssue, whose answer names the valid ones.
  if (!type?.id) return [];
  const issueTypeId = type.id;
  const meta = await ctx.call('getCreateIssueMetaIssueTypeId', () =>
    ctx.cloud.issues.getCreateIssueMetaIssueTypeId({ projectIdOrKey, issueTypeId }),
  );
  return [...(meta.fields ?? []), ...(meta.results ?? [])]
    .filter((field) => field.required && !field.hasDefaultValue && !CREATE_FILLS.has(field.fieldId))
    .map((field) => field.name);
}

export async function createItem(ctx: JiraContext, target: CreateTarget, item: NewItem): Promise<ItemRef> {
  item.labels.forEach(assertLabel);
  const unfillable = await unfillableOnCreate(ctx, target);
  if (unfillable.length > 0) {
    const project = target.containerId;
    throw new TrackerError(
      ErrorKind.Validation,
      'jira',
      `Jira requires ${unfillable.join(', ')} to create a ${target.typeOrList} in ${project}, and the service cannot choose a value: make the field optional or give it a default in ${project}`,
    );
  }
  const where = { tracker: 'jira' as const, id: target.containerId, key: target.containerId };
  const created = await ctx.call('createIssue', () =>
    ctx.cloud.issues.createIssue({
      fields: {
        project: { key: target.containerId },
        issuetype: { name: target.typeOrList },
        summary: oneLine(item.title, MAX_SUMMARY),
        description: fittedAdf(ctx, item.body, where).adf,
        labels: item.labels,
      },
    }),
  );
  return jiraRef(created.id, created.key);
}
