import Type, { type Static } from 'typebox';

export const CheckStatusSchema = Type.Union([
  Type.Literal('pass'),
  Type.Literal('warn'),
  Type.Literal('fail'),
]);
export type CheckStatus = Static<typeof CheckStatusSchema>;

/** The issue types of a company-managed project whose edit screens should show a field. */
const ProjectScreensSchema = Type.Object({
  key: Type.String(),
  id: Type.String(),
  issueTypes: Type.Array(Type.String()),
  issueTypeIds: Type.Array(Type.String()),
});
export type ProjectScreens = Static<typeof ProjectScreensSchema>;

/** What `--fix` can do about a failing line, safely and without a person's judgement. */
export const RepairSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('jira.createField'),
    name: Type.String(),
    projects: Type.Array(ProjectScreensSchema),
  }),
  Type.Object({
    kind: Type.Literal('jira.addToScreens'),
    field: Type.String(),
    fieldId: Type.String(),
    project: ProjectScreensSchema,
  }),
  Type.Object({
    kind: Type.Literal('jira.addProjectToContext'),
    field: Type.String(),
    fieldId: Type.String(),
    contextId: Type.String(),
    /** The context's name, as Jira's Contexts and default value page shows it. */
    context: Type.String(),
    project: Type.Object({ key: Type.String(), id: Type.String() }),
  }),
  Type.Object({
    kind: Type.Literal('jira.registerWebhook'),
    url: Type.String(),
    events: Type.Array(Type.String()),
    /** Unsigned mode: the URL gets JIRA_WEBHOOK_URL_TOKEN when registered; the repair itself never holds it. */
    withUrlToken: Type.Optional(Type.Boolean()),
  }),
  Type.Object({
    kind: Type.Literal('trello.enableCustomFields'),
    boardId: Type.String(),
    board: Type.String(),
  }),
  Type.Object({
    kind: Type.Literal('trello.createField'),
    boardId: Type.String(),
    board: Type.String(),
    name: Type.String(),
  }),
  Type.Object({
    kind: Type.Literal('trello.registerWebhook'),
    boardId: Type.String(),
    board: Type.String(),
    callbackUrl: Type.String(),
  }),
  Type.Object({
    kind: Type.Literal('trello.reactivateWebhook'),
    webhookId: Type.String(),
    boardId: Type.String(),
    board: Type.String(),
    callbackUrl: Type.String(),
  }),
]);
export type Repair = Static<typeof RepairSchema>;

export const CheckSchema = Type.Object({
  area: Type.Union([
    Type.Literal('environment'),
    Type.Literal('port'),
    Type.Literal('redis'),
    Type.Literal('jira'),
    Type.Literal('trello'),
    Type.Literal('clock'),
  ]),
  status: CheckStatusSchema,
  title: Type.String({ description: 'What was checked, and what was found' }),
  fix: Type.Optional(
    Type.String({ description: 'The exact fix: the page to open, the setting, the command' }),
  ),
  repair: Type.Optional(RepairSchema),
});
export type Check = Static<typeof CheckSchema>;
export type CheckArea = Check['area'];

export const DoctorReportSchema = Type.Object({
  ok: Type.Boolean({ description: 'False when any line fails: the service cannot work as configured' }),
  counts: Type.Object({ pass: Type.Integer(), warn: Type.Integer(), fail: Type.Integer() }),
  checks: Type.Array(CheckSchema),
});
export type DoctorReport = Static<typeof DoctorReportSchema>;

export const pass = (area: CheckArea, title: string): Check => ({ area, status: 'pass', title });
export const warn = (area: CheckArea, title: string, fix: string): Check => ({
  area,
  status: 'warn',
  title,
  fix,
});
export const fail = (area: CheckArea, title: string, fix: string, repair?: Repair): Check => ({
  area,
  status: 'fail',
  title,
  fix,
  ...(repair && { repair }),
});

export function toReport(checks: Check[]): DoctorReport {
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const check of checks) counts[check.status] += 1;
  return { ok: counts.fail === 0, counts, checks };
}

const FIX_COMMAND = 'npm run doctor -- --fix';

const MARK: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗' };

/** The checklist a person reads at a terminal: one line per check, its fix indented under it. */
export function renderReport(report: DoctorReport): string {
  const lines: string[] = [];
  let area: CheckArea | undefined;
  for (const check of report.checks) {
    if (check.area !== area) {
      area = check.area;
      lines.push('', area[0]?.toUpperCase() + area.slice(1));
    }
    lines.push(`  ${MARK[check.status]} ${check.title}`);
    if (check.fix) {
      const orFix = check.repair && !check.fix.includes(FIX_COMMAND) ? ` (or: ${FIX_COMMAND})` : '';
      lines.push(`      fix: ${check.fix}${orFix}`);
    }
  }
  const { pass: passed, warn: warned, fail: failed } = report.counts;
  lines.push(
    '',
    `${passed} passed, ${warned} warning${warned === 1 ? '' : 's'}, ${failed} failing` +
      (report.ok
        ? ': nothing blocks the service.'
        : ': the service cannot work until the failing lines are fixed.'),
  );
  return lines.join('\n');
}
