/**
 * Ticket -> backlog-item matching (pure). Typical use:
 *
 *   const index = createLinkIndex();            // DEFAULT_LINKING_TUNING + DEFAULT_CALIBRATION
 *   for (const item of items) index.upsert(item); // { id, title, description, created? }; rebuildable from a list
 *   const matches = index.query(ticket, { createdBefore: ticket.created, limit: 10 });
 *   const { autoLink, suggestions } = splitSuggestions(matches, rules.linking);
 *
 * Each Match has a normalised `score`, a calibrated `confidence` in [0, 1], `sharedTerms` (readable words
 * for the "why" comment) and `evidence`. `rankTimeAware` replays items and tickets in creation order
 * (evaluation and batch ranking); `calibrate` refits the confidence model.
 */
export {
  type BoardAudience,
  type BoardsOf,
  type BrowseAudience,
  browseAudienceOf,
  cardTitleShownOn,
  type GrantHolder,
  type ProjectsOf,
  titleShownOn,
} from './audience.ts';
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
  type LinkedTicket,
  type LinkIndex,
  type LinkIndexOptions,
  type LinkQueryOptions,
  type LinkQueryText,
  type Match,
} from './link-index.ts';
export type { MatchEvidence } from './query.ts';
export { DEFAULT_LINKING_RULES, type LinkingRules, LinkingRulesSchema } from './rules.ts';
export { stem } from './stem.ts';
export { type LinkDecision, splitSuggestions } from './suggestions.ts';
export { tokenize, tokenizeText } from './tokenize.ts';
export { DEFAULT_LINKING_TUNING, type LinkingTuning } from './tuning.ts';
