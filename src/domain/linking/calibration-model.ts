import type { CalibrationModel } from './confidence.ts';

/** Fitted on the dev set (see bench/linking.ts): features are those of `confidenceFeatures`. */
export const DEFAULT_CALIBRATION: CalibrationModel = Object.freeze({
  intercept: -2.923,
  weights: Object.freeze([1.337, 1.69, -0.818, -1.41, 0.511, 0.679]),
});
