import type { NewAuditEntry } from '../audit/audit-entry.ts';
import type { AuditStore } from '../audit/audit-store.ts';
import type { Actor } from '../domain/events.ts';
import { TrackerError } from '../errors.ts';
import type { Check, Repair } from './checklist.ts';
import type { DoctorSetups } from './run-doctor.ts';

export interface RepairOutcome {
  repair: Repair;
  ok: boolean;
  message: string;
}

/** One line per repair, as the plan shows it before anything changes. */
export function describeRepair(repair: Repair): string {
  switch (repair.kind) {
    case 'jira.createField':
      return repair.projects.length > 0
        ? `Jira: create the Number field "${repair.name}" and add it to the edit screens of ${repair.projects.map((p) => p.key).join(', ')}`
        : `Jira: create the Number field "${repair.name}"`;
    case 'jira.addToScreens':
      return `Jira: add "${repair.field}" (${repair.fieldId}) to the edit screens of ${repair.project.issueTypes.join(', ')} in ${repair.project.key}`;
    case 'jira.addProjectToContext':
      return `Jira: add ${repair.project.key} to the context "${repair.context}" of "${repair.field}" (${repair.fieldId})`;
    case 'jira.registerWebhook':
      return `Jira: register an admin webhook to ${repair.url}${repair.withUrlToken ? '?token=<JIRA_WEBHOOK_URL_TOKEN>' : ''} for ${repair.events.join(', ')}`;
    case 'trello.enableCustomFields':
      return `Trello: enable the Custom Fields power-up on "${repair.board}"`;
    case 'trello.createField':
      return `Trello: create the Number custom field "${repair.name}" on "${repair.board}"`;
    case 'trello.registerWebhook':
      return `Trello: register a webhook for "${repair.board}" calling ${repair.callbackUrl}`;
    case 'trello.reactivateWebhook':
      return `Trello: reactivate the webhook for "${repair.board}" calling ${repair.callbackUrl}`;
  }
}

// Power-ups before fields: a board's custom fields exist only while the power-up is on.
const ORDER: Repair['kind'][] = [
  'jira.createField',
  'jira.addToScreens',
  'jira.addProjectToContext',
  'jira.registerWebhook',
  'trello.enableCustomFields',
  'trello.createField',
  'trello.registerWebhook',
  'trello.reactivateWebhook',
];

/** The distinct repairs the failing lines offer, in a safe order. */
export function planRepairs(checks: readonly Check[]): Repair[] {
  const seen = new Set<string>();
  const repairs: Repair[] = [];
  for (const check of checks) {
    if (!check.repair) continue;
    const key = JSON.stringify(check.repair);
    if (seen.has(key)) continue;
    seen.add(key);
    repairs.push(check.repair);
  }
  return repairs.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/** The failing lines no repair covers: a person has to act on them. */
export function manualFixes(checks: readonly Check[]): Check[] {
  return checks.filter((check) => check.status === 'fail' && !check.repair);
}

/** A repair that failed after it had changed something: that much still belongs in the audit trail. */
class PartlyApplied extends Error {
  readonly after: unknown;
  constructor(after: unknown, cause: TrackerError) {
    super(cause.message, { cause });
    this.after = after;
  }
}

/**
 * Trello refuses a webhook whose callback does not answer its HEAD request with 200: on a first setup, mostly
 * because the service is not running yet at PUBLIC_URL. Says so, instead of Trello's bare refusal.
 */
function unreachableCallback(error: unknown, callbackUrl: string): TrackerError | undefined {
  if (
    !(error instanceof TrackerError) ||
    error.status !== 400 ||
    !error.message.includes('did not return 200')
  )
    return undefined;
  return new TrackerError(
    error.kind,
    'trello',
    `${error.message}. Trello calls ${callbackUrl} with HEAD before it creates a webhook: start the service there (check PUBLIC_URL), then run --fix again`,
    { cause: error, status: error.status },
  );
}

async function apply(
  repair: Repair,
  setups: DoctorSetups,
  {
    jiraWebhookSecret: secret,
    jiraWebhookUrlToken: urlToken,
  }: Pick<RepairOptions, 'jiraWebhookSecret' | 'jiraWebhookUrlToken'>,
): Promise<unknown> {
  // Repairs come from the checks of configured trackers; this guards a plan replayed against another setup.
  const need = <T>(setup: T | undefined, tracker: 'jira' | 'trello'): T => {
    if (!setup) throw new TrackerError('validation', tracker, `${tracker} is not configured`);
    return setup;
  };
  switch (repair.kind) {
    case 'jira.createField': {
      const jira = need(setups.jira, 'jira');
      const { id } = await jira.createNumberField(repair.name);
      const screens: Record<string, number[]> = {};
      try {
        for (const project of repair.projects)
          screens[project.key] = await jira.addToEditScreens(project.id, project.issueTypeIds, id);
      } catch (error) {
        if (error instanceof TrackerError) throw new PartlyApplied({ fieldId: id, screens }, error);
        throw error;
      }
      return { fieldId: id, screens };
    }
    case 'jira.addToScreens': {
      const { project, fieldId } = repair;
      const screens = await need(setups.jira, 'jira').addToEditScreens(
        project.id,
        project.issueTypeIds,
        fieldId,
      );
      return { fieldId, screens: { [project.key]: screens } };
    }
    case 'jira.addProjectToContext': {
      const { fieldId, contextId, project } = repair;
      await need(setups.jira, 'jira').addProjectToContext(fieldId, contextId, project.id);
      return { fieldId, contextId, projectIds: [project.id] };
    }
    case 'jira.registerWebhook':
      await need(setups.jira, 'jira').registerWebhook({
        name: 'backlog-refinery',
        url:
          repair.withUrlToken && urlToken
            ? `${repair.url}?token=${encodeURIComponent(urlToken)}`
            : repair.url,
        events: repair.events,
        ...(secret && { secret }),
      });
      return { url: repair.url };
    case 'trello.enableCustomFields':
      await need(setups.trello, 'trello').enableCustomFields(repair.boardId);
      return { enabled: true };
    case 'trello.createField':
      await need(setups.trello, 'trello').createNumberField(repair.boardId, repair.name);
      return { field: repair.name };
    case 'trello.registerWebhook':
      try {
        await need(setups.trello, 'trello').registerWebhook(repair.boardId, repair.callbackUrl);
      } catch (error) {
        throw unreachableCallback(error, repair.callbackUrl) ?? error;
      }
      return { callbackUrl: repair.callbackUrl };
    case 'trello.reactivateWebhook':
      await need(setups.trello, 'trello').reactivateWebhook(repair.webhookId);
      return { webhookId: repair.webhookId, active: true };
  }
}

function auditEntry(repair: Repair, runId: string, actor: Actor, after: unknown): NewAuditEntry {
  const tracker = repair.kind.startsWith('jira.') ? 'jira' : 'trello';
  const [id, key] =
    'boardId' in repair
      ? [repair.boardId, repair.board]
      : 'fieldId' in repair
        ? [repair.fieldId, repair.field]
        : 'name' in repair
          ? [repair.name, repair.name]
          : ['site', 'site'];
  return {
    item: { tracker, id, key },
    operation: 'repairSetup',
    mode: 'applied',
    context: { capability: 'doctor', jobId: '', deliveryId: runId, actor },
    target: { ...repair },
    before: null,
    after,
  };
}

export interface RepairOptions {
  setups: DoctorSetups;
  audit: AuditStore;
  /** Who asked, e.g. the operating-system user running `npm run doctor -- --fix`. */
  actor: Actor;
  runId: string;
  jiraWebhookSecret?: string;
  /** Unsigned mode: the token a registered webhook's URL carries. */
  jiraWebhookUrlToken?: string;
}

/** Applies each repair, one at a time; each applied one goes to the audit trail, a failed one is reported. */
export async function applyRepairs(
  repairs: readonly Repair[],
  options: RepairOptions,
): Promise<RepairOutcome[]> {
  const outcomes: RepairOutcome[] = [];
  for (const repair of repairs) {
    try {
      const after = await apply(repair, options.setups, options);
      await options.audit.record(auditEntry(repair, options.runId, options.actor, after));
      outcomes.push({ repair, ok: true, message: describeRepair(repair) });
    } catch (error) {
      if (error instanceof PartlyApplied)
        await options.audit.record(auditEntry(repair, options.runId, options.actor, error.after));
      else if (!(error instanceof TrackerError)) throw error;
      outcomes.push({ repair, ok: false, message: `${describeRepair(repair)}: ${(error as Error).message}` });
    }
  }
  return outcomes;
}
