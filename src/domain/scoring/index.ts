export { parseScoreCommand, type ScoreCommand } from './command.ts';
export { countCriteria } from './effort.ts';
export { isSameScore, scoreFieldValues, scoreFingerprint } from './field-values.ts';
export { distinctEvidence } from './reach.ts';
export { renderExplanation, renderScorecard } from './render.ts';
export { resolveScoringRules, type ScoringRules, ScoringRulesSchema } from './rules.ts';
export { scoreItem, scoreItems } from './score-item.ts';
export * from './types.ts';
