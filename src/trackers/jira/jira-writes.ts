import type { ItemRef } from '../../domain/events.ts';
import { ErrorKind, TrackerError } from '../../errors.ts';
import type { CreateTarget, FieldWriteOutcome, NewItem } from '../tracker.ts';
import { docToAdf } from './adf-render.ts';
import { sameAdf } from './comment-marker.ts';
import type { JiraContext } from './jira-context.ts';
import { jiraRef } from './jira-item.ts';
import { markdownToDoc } from './markdown-doc.ts';

interface EditMetaField {
  name?: string;
  schema?: { type?: string };
}

export async function setNumberFields(
  ctx: JiraContext,
  ref: ItemRef,
  values: Record<string, number | null>,
): Promise<FieldWriteOutcome> {
  const outcome: FieldWriteOutcome = { written: [], unchanged: [], missing: [] };
  const index = await ctx.fields.get();
  const resolved = new Map<string, string>();
  for (const name of Object.keys(values)) {
    const field = index.byName.get(name.toLowerCase());
    if (field) resolved.set(name, field.id);
    else outcome.missing.push({ name, reason: 'no Jira field has this name' });
  }
  if (resolved.size === 0) return outcome;
  // expand=editmeta answers "which fields are on the edit screen" in the same request as the current values;
  // one comma-separated `fields` value is the documented form (jira.js would repeat the parameter per element).
  const fields = [[...resolved.values()].join(',')];
  const issue = await ctx.call('getIssue', () =>
    ctx.cloud.issues.getIssue({ issueIdOrKey: ref.id, fields, expand: 'editmeta' }),
  );
  const editable = (issue.editmeta?.fields ?? {}) as Record<string, EditMetaField>;
  const changes: Record<string, number | null> = {};
  for (const [name, id] of resolved) {
    const meta = editable[id];
    const wanted = values[name] ?? null;
    if (!meta) outcome.missing.push({ name, reason: `not on the edit screen of ${ref.key}` });
    else if (meta.schema?.type !== 'number') {
      outcome.missing.push({ name, reason: `field type is ${meta.schema?.type ?? 'unknown'}, not number` });
    } else if ((issue.fields?.[id] ?? null) === wanted) outcome.unchanged.push(name);
    else {
      changes[id] = wanted;
      outcome.written.push(name);
    }
  }
  if (outcome.written.length > 0) {
    await ctx.call('editIssue', () => ctx.cloud.issues.editIssue({ issueIdOrKey: ref.id, fields: changes }));
  }
  return outcome;
}

export async function setLabel(
  ctx: JiraContext,
  ref: ItemRef,
  label: string,
  present: boolean,
): Promise<boolean> {
  const issue = await ctx.call('getIssue', () =>
    ctx.cloud.issues.getIssue({ issueIdOrKey: ref.id, fields: ['labels'] }),
  );
  const labels = (issue.fields?.labels ?? []) as string[];
  if (labels.includes(label) === present) return false;
  const operation = present ? { add: label } : { remove: label };
  await ctx.call('editIssue', () =>
    ctx.cloud.issues.editIssue({ issueIdOrKey: ref.id, update: { labels: [operation] } }),
  );
  return true;
}

export async function moveTo(ctx: JiraContext, ref: ItemRef, statusName: string): Promise<void> {
  const wanted = statusName.toLowerCase();
  const [issue, available] = await Promise.all([
    ctx.call('getIssue', () => ctx.cloud.issues.getIssue({ issueIdOrKey: ref.id, fields: ['status'] })),
    ctx.call('getTransitions', () => ctx.cloud.issues.getTransitions({ issueIdOrKey: ref.id })),
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
  await ctx.call('doTransition', () =>
    ctx.cloud.issues.doTransition({ issueIdOrKey: ref.id, transition: { id } }),
  );
}

export async function setDescription(ctx: JiraContext, ref: ItemRef, text: string): Promise<void> {
  const description = docToAdf(markdownToDoc(text));
  const issue = await ctx.call('getIssue', () =>
    ctx.cloud.issues.getIssue({ issueIdOrKey: ref.id, fields: ['description'] }),
  );
  if (sameAdf(issue.fields?.description ?? null, description)) return;
  await ctx.call('editIssue', () =>
    ctx.cloud.issues.editIssue({ issueIdOrKey: ref.id, fields: { description } }),
  );
}

export async function createItem(ctx: JiraContext, target: CreateTarget, item: NewItem): Promise<ItemRef> {
  const created = await ctx.call('createIssue', () =>
    ctx.cloud.issues.createIssue({
      fields: {
        project: { key: target.containerId },
        issuetype: { name: target.typeOrList },
        summary: item.title,
        description: docToAdf(item.body),
        labels: item.labels,
      },
    }),
  );
  return jiraRef(created.id, created.key);
}
