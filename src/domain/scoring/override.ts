import type { Override, ScoreInput } from './types.ts';

export function fromOverride(override: Override, display: string = String(override.value)): ScoreInput {
  return {
    value: override.value,
    source: 'override',
    detail: `set to ${display} by ${override.by} on ${override.at.slice(0, 10)}`,
    by: override.by,
  };
}
