import Type, { type Static } from 'typebox';
import type { TrackerName } from '../events.ts';
import { LabelName } from '../label-name.ts';
import { withDefaults } from '../scoring/with-defaults.ts';

const Label = LabelName('sprint-summary');

const JiraTargetSchema = Type.Union(
  [
    /** Comment on one standing issue (e.g. a team's "Sprint reports" issue). */
    Type.Object({ kind: Type.Literal('comment'), issueKey: Type.String({ minLength: 1 }) }),
    /** Create one issue per sprint; projectKey defaults to the board's project. */
    Type.Object({
      kind: Type.Literal('issue'),
      projectKey: Type.Optional(Type.String({ minLength: 1 })),
      issueType: Type.String({ minLength: 1, default: 'Task' }),
    }),
  ],
  { default: { kind: 'issue', issueType: 'Task' } },
);

export const JiraBoardSummarySchema = Type.Object(
  {
    /** The board's project: where `/summary` on its issues finds the board, and where summary issues go. */
    projectKey: Type.Optional(Type.String({ minLength: 1 })),
    target: JiraTargetSchema,
    label: Label,
    bugTypes: Type.Array(Type.String(), { default: ['Bug'] }),
  },
  { default: {} },
);
export type JiraBoardSummary = Static<typeof JiraBoardSummarySchema>;

const TrelloTargetSchema = Type.Union(
  [
    /** A new card per window in this list. */
    Type.Object({
      kind: Type.Literal('list'),
      listName: Type.String({ minLength: 1, default: 'Sprint summaries' }),
    }),
    Type.Object({ kind: Type.Literal('comment'), cardId: Type.String({ minLength: 1 }) }),
  ],
  { default: { kind: 'list', listName: 'Sprint summaries' } },
);

/** Trello has no sprints: a "sprint" is a fixed-length window that ends when the cron fires. */
export const TrelloBoardSummarySchema = Type.Object(
  {
    /** Five-field cron in the summaries' `timeZone`; without it the summary is only posted on request. */
    cron: Type.Optional(Type.String({ minLength: 1 })),
    windowDays: Type.Integer({ minimum: 1, default: 14 }),
    doneLists: Type.Array(Type.String(), { default: ['Done'] }),
    inProgressLists: Type.Array(Type.String(), { default: ['Doing', 'In Progress'] }),
    target: TrelloTargetSchema,
    label: Label,
    bugLabels: Type.Array(Type.String(), { default: ['bug'] }),
  },
  { default: {} },
);
export type TrelloBoardSummary = Static<typeof TrelloBoardSummarySchema>;

/** Whether the runtime knows the IANA time zone (`Europe/Berlin`, `UTC`). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The calendar date of an instant in a time zone, as `yyyy-mm-dd`. */
export function dateIn(timeZone: string, iso: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/** Sprint-summary rules, per board id; a board not listed gets every default. */
export const SummaryRulesSchema = Type.Object({
  /**
   * The team's time zone: the dates a summary shows and the Trello crons are read in it, so a team far from UTC
   * does not see its sprint start the day before.
   */
  timeZone: Type.Refine(
    Type.String({ default: 'UTC' }),
    isTimeZone,
    (name) => `is not a time zone the service knows: ${name} (an IANA name, such as Europe/Berlin or UTC)`,
  ),
  /**
   * Resolutions that close a ticket without resolving it for its customer: a linked ticket resolved with one of them
   * (any case, an apostrophe typed either way or left out) is not among the support tickets a summary counts. A site
   * lists its own (a help desk's Obsolete, Not a bug).
   */
  notResolved: Type.Array(Type.String({ minLength: 1 }), {
    default: ["Won't Do", "Won't Fix", 'Duplicate', 'Cannot Reproduce', 'Declined', 'Rejected'],
  }),
  jira: Type.Object(
    { boards: Type.Record(Type.String(), JiraBoardSummarySchema, { default: {} }) },
    { default: {} },
  ),
  trello: Type.Object(
    { boards: Type.Record(Type.String(), TrelloBoardSummarySchema, { default: {} }) },
    { default: {} },
  ),
});
export type SummaryRules = Static<typeof SummaryRulesSchema>;

/** Fills defaults and validates; throws a TypeBox error naming the offending path. */
export function resolveSummaryRules(input: unknown = {}): SummaryRules {
  return withDefaults(SummaryRulesSchema, input);
}

export function jiraBoardSummary(rules: SummaryRules, boardId: string): JiraBoardSummary {
  return rules.jira.boards[boardId] ?? withDefaults(JiraBoardSummarySchema, {});
}

/** The board whose rules name this project, for `/summary` on an issue that is in no sprint yet. */
export function jiraBoardOfProject(rules: SummaryRules, projectKey: string): string | undefined {
  const wanted = projectKey.toUpperCase();
  return Object.entries(rules.jira.boards).find(
    ([, board]) => board.projectKey?.toUpperCase() === wanted,
  )?.[0];
}

export function trelloBoardSummary(rules: SummaryRules, boardId: string): TrelloBoardSummary {
  return rules.trello.boards[boardId] ?? withDefaults(TrelloBoardSummarySchema, {});
}

/** The labels summary items carry on a tracker, lower-cased: every board's, and the default of boards not listed. */
export function summaryLabels(rules: SummaryRules, tracker: TrackerName): Set<string> {
  const boards: { label: string }[] = Object.values(rules[tracker].boards);
  const unlisted =
    tracker === 'jira'
      ? withDefaults(JiraBoardSummarySchema, {})
      : withDefaults(TrelloBoardSummarySchema, {});
  return new Set([unlisted, ...boards].map((board) => board.label.toLowerCase()));
}
