import {
  appendMissingSections,
  checkItem,
  gateBlocks,
  type ResolvedTemplate,
  renderStatusComment,
  resolveTemplate,
  sameStatus,
  type Verdict,
} from '../../src/domain/acceptance/index.ts';
import { code, doc, paragraph } from '../../src/domain/doc.ts';
import { endsCut } from '../../src/domain/doc-fit.ts';
import {
  type Actor,
  audienceOf,
  type CommentVisibility,
  type FieldChange,
  type ItemRef,
} from '../../src/domain/events.ts';
import { itemRole } from '../../src/rules/item-role.ts';
import type { ItemRole } from '../../src/rules/scope-rules.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { readModelOf } from './read-model.ts';
import { readItem } from './scoring.ts';

export const ACCEPTANCE_COMMENT = 'acceptance-criteria';

/**
 * A rule that answers the service's move back by moving the item in again (Jira Automation run as the user who
 * triggered it, Trello Butler acting as the member who made it) makes a loop of moves: past this many moves back of
 * one item within the window, the item stays where it was put, and the status comment says why.
 */
const GATE_MOVES_MAX = 3;
const GATE_WINDOW_MS = 15 * 60_000;

export interface Exemption {
  reason: string;
  by: string;
  at: string;
  /** The reason was given in a comment only this group or role reads: it stays there. */
  restrictedTo?: CommentVisibility;
}

/** A reason given in a restricted comment is named as such, not quoted. */
const shownExemption = (exemption: Exemption): Exemption => {
  const { restrictedTo } = exemption;
  if (!restrictedTo) return exemption;
  return { ...exemption, reason: `the reason is in a comment restricted to the ${audienceOf(restrictedTo)}` };
};

const exemptionKey = (context: JobContext, ref: ItemRef) =>
  `${context.keyPrefix}:ac-skip:${ref.tracker}:${ref.id}`;

/**
 * The item's exemption as the acceptance comment and the console show it, to everyone who may see the item.
 */
export async function getExemption(context: JobContext, ref: ItemRef): Promise<Exemption | undefined> {
  const stored = await context.redis.get(exemptionKey(context, ref));
  return stored ? shownExemption(JSON.parse(stored) as Exemption) : undefined;
}

export async function setExemption(
  context: JobContext,
  ref: ItemRef,
  reason: string,
  by: Actor,
  restrictedTo?: CommentVisibility,
): Promise<void> {
  const exemption: Exemption = {
    reason,
    by: by.displayName,
    at: context.now().toISOString(),
    ...(restrictedTo && { restrictedTo }),
  };
  await context.redis.set(exemptionKey(context, ref), JSON.stringify(exemption));
}

function templateFor(item: TrackerItem, context: JobContext): ResolvedTemplate {
  return resolveTemplate(context.rules().acceptance, {
    type: item.type,
    containerKey: item.container.key,
    containerId: item.container.id,
  });
}

export function verdictFor(
  item: TrackerItem,
  context: JobContext,
): { verdict: Verdict; template: ResolvedTemplate } {
  const template = templateFor(item, context);
  const verdict = checkItem(
    { title: item.title, description: item.description, type: item.type, checklists: item.checklists },
    template,
  );
  return { verdict, template };
}

export interface EnforcementResult {
  ok: boolean;
  findings: string[];
  label: 'added' | 'removed' | 'unchanged';
  comment: 'created' | 'updated' | 'unchanged' | 'none';
  movedBackTo?: string;
  /** The gated status a failing item was left in: it had been moved back too often (GATE_MOVES_MAX). */
  notMovedBack?: string;
  exempt?: boolean;
  /** Why the item was not checked: templates are for backlog items (not a ticket, nor the service's summaries). */
  skipped?: string;
}

/** Every label the rules may have put on an item: the item may have left the project whose override set it. */
function acceptanceLabels(context: JobContext): Set<string> {
  const { label, overrides } = context.rules().acceptance;
  return new Set([label, ...overrides.flatMap((override) => override.label ?? [])]);
}

function whyNotChecked(item: TrackerItem, role: ItemRole): string {
  if (item.archived) return 'it is archived';
  return role === 'support'
    ? 'it is now a support ticket'
    : 'it is no longer in a project or board the service checks';
}

/**
 * An item that stopped being a backlog item (moved into support or out of scope, archived) loses the service's
 * flag: the label goes and the status comment, kept for its history, says the item is no longer checked. The
 * comment is looked for even without the label, which a person may have taken off while the comment still lists
 * what is missing; a ticket that never was a backlog item costs two reads and no write. Back in the backlog, it is
 * checked again like any other.
 */
async function withdrawAcceptance(
  item: TrackerItem,
  role: ItemRole,
  context: JobContext,
): Promise<EnforcementResult> {
  const tracker = context.tracker(item.ref.tracker);
  const labels = acceptanceLabels(context);
  const flagged = item.labels.filter((label) => labels.has(label));
  const result: EnforcementResult = {
    ok: true,
    findings: [],
    label: 'unchanged',
    comment: 'none',
    skipped: 'not a backlog item',
  };
  for (const label of flagged) if (await tracker.setLabel(item.ref, label, false)) result.label = 'removed';
  const commented = await tracker.getOwnComment(item.ref, ACCEPTANCE_COMMENT);
  if (commented) {
    const body = doc(
      paragraph(
        `This item is no longer checked for acceptance criteria: ${whyNotChecked(item, role)}. It is checked `,
        'again if it comes back to the backlog.',
      ),
    );
    result.comment = (await tracker.upsertComment(item.ref, ACCEPTANCE_COMMENT, body)).action;
  }
  if (flagged.length > 0 || commented) await readModelOf(context).removed(item.ref);
  return result;
}

/**
 * Counts this job's move back of the item (once, however often the job is retried) among those of the window, and
 * says whether it may still be made.
 */
async function mayMoveBack(context: JobContext, ref: ItemRef): Promise<boolean> {
  const key = `${context.keyPrefix}:gate-moves:${ref.tracker}:${ref.id}`;
  const now = context.now().getTime();
  const replies = await context.redis
    .multi()
    .zremrangebyscore(key, '-inf', now - GATE_WINDOW_MS)
    .zadd(key, 'NX', now, context.jobId)
    .zcard(key)
    .pexpire(key, GATE_WINDOW_MS)
    .exec();
  const [error, moves] = replies?.[2] ?? [new Error('Redis answered no count of moves back')];
  if (error) throw error;
  return Number(moves) <= GATE_MOVES_MAX;
}

/**
 * Checks an item against its template and makes the tracker say so: the label while it fails, one status
 * comment edited in place, and (with a gate) a move back out of a status it may not enter yet. An item that
 * has always passed gets no comment at all.
 */
export async function enforceAcceptance(
  ref: ItemRef,
  context: JobContext,
  statusChange?: FieldChange,
): Promise<EnforcementResult> {
  const tracker = context.tracker(ref.tracker);
  const item = await readItem(ref, context);
  // Gone, or out of the service's sight: nothing of its own there that it could still take off.
  if (!item)
    return {
      ok: true,
      findings: [],
      label: 'unchanged',
      comment: 'none',
      skipped: 'the item cannot be read',
    };
  const role = itemRole(item, context.rules());
  if (role !== 'backlog') return withdrawAcceptance(item, role, context);
  const { verdict, template } = verdictFor(item, context);
  const exemption = await getExemption(context, ref);
  const failing = !verdict.ok && !exemption;
  const labelChanged = await tracker.setLabel(ref, template.label, failing);
  const previous = await tracker.getOwnComment(ref, ACCEPTANCE_COMMENT);
  const target = statusChange?.to ?? undefined;
  // The event may be read late (a retry, a queue backlog): only an item still in the gated status goes back,
  // not one a person has moved on since.
  const stillThere = target !== undefined && sameStatus(item.status.name, target);
  const backTo =
    failing && target && stillThere && statusChange?.from && gateBlocks(template, verdict.ok, target)
      ? statusChange.from
      : undefined;
  const movedBackTo = backTo && (await mayMoveBack(context, ref)) ? backTo : undefined;
  if (movedBackTo) await tracker.moveTo(ref, movedBackTo);
  const notMovedBack = backTo && !movedBackTo ? target : undefined;

  let comment: EnforcementResult['comment'] = 'none';
  if (failing || previous) {
    const body = exemption
      ? doc(
          paragraph(
            `Acceptance check skipped: ${exemption.reason} (by ${exemption.by}, ${exemption.at.slice(0, 10)}).`,
          ),
        )
      : renderStatusComment(verdict, template);
    if (movedBackTo) {
      body.blocks.push(
        paragraph(
          'Moved back to ',
          code(movedBackTo),
          ': items enter ',
          code(target ?? ''),
          ' only when the acceptance check passes.',
        ),
      );
    }
    if (notMovedBack && backTo) {
      body.blocks.push(
        paragraph(
          'Not moved back to ',
          code(backTo),
          `: the service has moved it back ${GATE_MOVES_MAX} times in the last ${GATE_WINDOW_MS / 60_000} minutes and it `,
          'came back into ',
          code(notMovedBack),
          ' each time, maybe by a rule (Jira Automation, Trello Butler). It stays there, labelled, until its ',
          'acceptance criteria pass; check the rule.',
        ),
      );
    }
    comment = (await tracker.upsertComment(ref, ACCEPTANCE_COMMENT, body)).action;
  }
  await readModelOf(context).checked(item, verdict, exemption);
  return {
    ok: verdict.ok,
    findings: verdict.findings.map((finding) => finding.name),
    label: labelChanged ? (failing ? 'added' : 'removed') : 'unchanged',
    comment,
    movedBackTo,
    notMovedBack,
    exempt: exemption ? true : undefined,
  };
}

/** Records the item's acceptance status for the console without writing the tracker (a re-score rebuilds it). */
export async function recordAcceptance(item: TrackerItem, context: JobContext): Promise<void> {
  const { verdict } = verdictFor(item, context);
  await readModelOf(context).checked(item, verdict, await getExemption(context, item.ref));
}

/**
 * `/ac template`: appends fill-in sections for what is missing; existing text is never changed. Undefined for an
 * item that is not a backlog item; `cut` instead of writing when the service cut the description at the
 * tracker's limit before: anything appended would be cut again, below a notice, so the author would see none of it.
 * `{ full }`, the tracker's limit in words, when the sections would take the description past it: nothing is
 * written, for the tracker would cut the sections first (and hide the author's last lines under its notice).
 */
export async function appendTemplate(
  ref: ItemRef,
  context: JobContext,
): Promise<string[] | 'cut' | { full: string } | undefined> {
  const tracker = context.tracker(ref.tracker);
  const item = await tracker.getItem(ref);
  if (itemRole(item, context.rules()) !== 'backlog') return undefined;
  const { verdict, template } = verdictFor(item, context);
  const description = appendMissingSections(item.description, verdict, template);
  if (description === item.description) return [];
  if (endsCut(item.description)) return 'cut';
  const written = await tracker.setDescription(ref, description, { whole: true });
  if (written.cut) return { full: written.limit };
  return verdict.missingSections;
}
