import type { CalibrationModel } from './confidence.ts';

/**
 * Fitted on the even half of the Apache Jira dev set (true-match tickets plus as many no-match tickets) by
 * `npm run linking -- eval`, which prints the refit next to these values; features: `confidenceFeatures`.
 */
export const DEFAULT_CALIBRATION: CalibrationModel = Object.freeze({
  intercept: -2.924,
  weights: Object.freeze([1.336, 1.691, -0.817, -1.41, 0.514, 0.679]),
});
