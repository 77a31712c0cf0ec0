import type { CalibrationModel } from './confidence.ts';

/** Fitted on the dev set (see bench/linking.ts): features are those of `confidenceFeatures`. */
export const DEFAULT_CALIBRATION: CalibrationModel = Object.freeze({
  intercept: -2.941,
  weights: Object.freeze([1.35, 1.725, -0.851, -1.411, 0.526, 0.684]),
});
