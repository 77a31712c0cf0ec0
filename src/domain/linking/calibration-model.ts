import type { CalibrationModel } from './confidence.ts';

/** Fitted on the dev set (see bench/linking.ts): features are those of `confidenceFeatures`. */
export const DEFAULT_CALIBRATION: CalibrationModel = Object.freeze({
  intercept: -4,
  weights: Object.freeze([6, 4, -2, -0.3]),
});
