import { describe, expect, it } from 'vitest';
import { parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';
import { parseRules } from '../../../src/rules/load-rules.ts';

/** The acceptance part of a whole rules file, as the service loads it. */
const load = (acceptance: unknown) => {
  const result = parseRules({ acceptance });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.rules.acceptance;
};

describe('per-project overrides', () => {
  it.each([
    ['the rules file', load],
    ['parseAcceptanceRules', parseAcceptanceRules],
  ])('an override without a label keeps the configured label (%s)', (_label, parse) => {
    const rules = parse({ label: 'needs-ac', overrides: [{ containerKey: 'OPS', gate: [] }] });

    expect(resolveTemplate(rules, { type: 'Story', containerKey: 'OPS' }).label).toBe('needs-ac');
    expect(resolveTemplate(rules, { type: 'Story', containerKey: 'WEB' }).label).toBe('needs-ac');
  });
});
