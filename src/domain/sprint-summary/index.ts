export { type BoardWindowInput, type CardInfo, summarizeBoardWindow } from './board-window.ts';
export { resolvedBy } from './delivered.ts';
export { planSummaries, type SummaryRequest, type SummaryTrigger, summaryJob } from './plan-summaries.ts';
export { type SprintFieldChange, valueAt, wasInSprintAt } from './reconstruct.ts';
export { listedItems, renderSprintSummary, summaryTitle } from './render.ts';
export {
  dateIn,
  type JiraBoardSummary,
  jiraBoardOfProject,
  jiraBoardSummary,
  resolveSummaryRules,
  type SummaryRules,
  SummaryRulesSchema,
  type TrelloBoardSummary,
  trelloBoardSummary,
} from './rules.ts';
export { type ScopeSnapshot, ScopeSnapshotSchema, snapshotScope } from './snapshot.ts';
export {
  completeAtStart,
  completedIn,
  type SprintSummaryInput,
  summarizeSprint,
} from './summarize-sprint.ts';
export type * from './types.ts';
