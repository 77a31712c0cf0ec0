import type { CalibrationModel } from './confidence.ts';

/**
 * Fitted on the even halves of the Apache Jira dev set in both wordings (developer reports and their
 * customer-worded proxies: true-match tickets, the same tickets with their true items removed, and unmatched
 * items as tickets) by `npm run linking -- eval`, which prints the refit next to these values; features:
 * `confidenceFeatures`.
 */
export const DEFAULT_CALIBRATION: CalibrationModel = Object.freeze({
  intercept: -5.954,
  weights: Object.freeze([1.302, 1.323, -0.411, -1.263, 0.584, 0.677, 0.71, 0.662, 0.031, 0.116]),
});
