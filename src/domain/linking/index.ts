export { DEFAULT_CALIBRATION } from './calibration-model.ts';
export {
  type CalibrationModel,
  type CalibrationSample,
  calibrate,
  confidenceFeatures,
  confidenceOf,
} from './confidence.ts';
export { type RankedQuery, type RankingMetrics, rankingMetrics, rankTimeAware } from './evaluate.ts';
export {
  createLinkIndex,
  type LinkDoc,
  type LinkIndex,
  type LinkIndexOptions,
  type LinkQueryOptions,
  type LinkQueryText,
  type Match,
} from './link-index.ts';
export { DEFAULT_LINKING_RULES, type LinkingRules, LinkingRulesSchema } from './rules.ts';
export { stem } from './stem.ts';
export { splitSuggestions } from './suggestions.ts';
export { tokenize, tokenizeText } from './tokenize.ts';
export { DEFAULT_LINKING_TUNING, type LinkingTuning } from './tuning.ts';
