import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';
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

describe('type names across the file and its overrides', () => {
  const dod = { task: { sections: [{ key: 'definition-of-done', heading: 'Definition of done' }] } };
  const findings = (rules: ReturnType<typeof load>, type: string, containerKey: string) =>
    checkItem(
      { title: 'Rotate keys', description: 'Rotate the signing keys.', type },
      resolveTemplate(rules, { type, containerKey }),
    ).findings.map((f) => f.name);

  it('a project override maps a type however the file above spelled it', () => {
    const rules = load({
      types: { Task: 'none' },
      templates: dod,
      overrides: [{ containerKey: 'OPS', types: { task: 'task' } }],
    });

    expect(findings(rules, 'Task', 'OPS')).toEqual(['missing-definition-of-done']);
    expect(findings(rules, 'Task', 'WEB')).toEqual([]);
  });

  it('a project override turns a type off however the file above spelled it', () => {
    const rules = load({
      types: { Story: 'story' },
      overrides: [{ containerKey: 'OPS', types: { story: 'none' } }],
    });

    expect(findings(rules, 'Story', 'OPS')).toEqual([]);
    expect(findings(rules, 'Story', 'WEB')).toContain('missing-user-story');
  });
});

describe('custom templates', () => {
  it("fills section defaults inside an override's templates, keeping what the file sets", () => {
    const rules = load({
      overrides: [
        {
          containerKey: 'OPS',
          templates: {
            runbook: {
              sections: [
                { key: 'rollback', heading: 'Rollback' },
                { key: 'owner', heading: 'Owner', severity: 'warning' },
              ],
            },
          },
        },
      ],
    });

    expect(rules.overrides[0]?.templates?.runbook).toEqual({
      storySentence: false,
      sections: [
        {
          key: 'rollback',
          heading: 'Rollback',
          aliases: [],
          severity: 'error',
          criteria: false,
          content: 'none',
          placeholder: [],
        },
        {
          key: 'owner',
          heading: 'Owner',
          aliases: [],
          severity: 'warning',
          criteria: false,
          content: 'none',
          placeholder: [],
        },
      ],
    });
  });

  it('a template that only asks for the story sentence needs no sections', () => {
    const rules = load({ templates: { spike: { storySentence: true } }, types: { Spike: 'spike' } });
    const spike = resolveTemplate(rules, { type: 'Spike' });

    expect(spike).toMatchObject({ name: 'spike', storySentence: true, sections: [] });
    expect(
      checkItem({ title: 'Try a cache', description: 'Measure it.' }, spike).findings.map((f) => f.name),
    ).toEqual(['missing-user-story']);
    expect(
      checkItem(
        {
          title: 'Try a cache',
          description: 'As a shopper, I want the cart to load from a cache, so that checkout starts at once.',
        },
        spike,
      ).ok,
    ).toBe(true);
  });
});

describe('a rules file that cannot be read', () => {
  it.each([
    ['a list instead of settings', ['needs-ac'], 'acceptance rules: / must be object'],
    ['a word instead of settings', 'needs-ac', 'acceptance rules: / must be object'],
    ['templates set to null', { templates: null }, 'acceptance rules: /templates must be object'],
    ['an empty override', { overrides: [null] }, 'acceptance rules: /overrides/0 must be object'],
    ['overrides given as a word', { overrides: 'OPS' }, 'acceptance rules: /overrides must be array'],
    [
      'a section without a heading',
      { templates: { task: { sections: [{ key: 'done', heading: '' }] } } },
      'acceptance rules: /templates/task/sections/0/heading must not have fewer than 1 characters',
    ],
    [
      'an override for no project',
      { overrides: [{ containerKey: '', gate: [] }] },
      'acceptance rules: /overrides/0/containerKey must not have fewer than 1 characters',
    ],
  ])('is refused with the path of the problem: %s', (_label, input, message) => {
    expect(() => parseAcceptanceRules(input)).toThrow(message);
  });
});
