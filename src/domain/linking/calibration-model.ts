import type { CalibrationModel } from './confidence.ts';

/** Fitted on the dev set (see bench/linking.ts): features are those of `confidenceFeatures`. */
export const DEFAULT_CALIBRATION: CalibrationModel = Object.freeze({
  intercept: -2.924,
  weights: Object.freeze([1.336, 1.691, -0.817, -1.41, 0.514, 0.679]),
});
