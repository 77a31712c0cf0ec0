import type { CalibrationModel } from './confidence.ts';

/** Fitted on the dev set (see bench/linking.ts): features are those of `confidenceFeatures`. */
export const DEFAULT_CALIBRATION: CalibrationModel = Object.freeze({
  intercept: -2.642,
  weights: Object.freeze([1.184, 1.82, -0.802, -1.487, 1.232]),
});
