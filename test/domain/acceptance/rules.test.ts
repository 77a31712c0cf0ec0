import { describe, expect, it } from 'vitest';
import {
  AcceptanceRulesSchema,
  checkItem,
  gateBlocks,
  parseAcceptanceRules,
  resolveTemplate,
} from '../../../src/domain/acceptance/index.ts';
import { parseRules } from '../../../src/rules/load-rules.ts';

describe('acceptance rules', () => {
  it('ships defaults for every property', () => {
    const rules = parseAcceptanceRules({});
    expect(rules.label).toBe('needs-acceptance-criteria');
    expect(rules.gate).toEqual([]);
    expect(rules.vagueWords).toEqual(expect.arrayContaining(['fast', 'user-friendly', 'etc.', 'as needed']));
    expect(Object.keys(rules.templates)).toEqual(['story', 'bug', 'task']);
    expect(rules.overrides).toEqual([]);
    expect(Object.keys(AcceptanceRulesSchema.properties)).toEqual([
      'label',
      'gate',
      'vagueWords',
      'templates',
      'types',
      'untypedTemplate',
      'overrides',
    ]);
  });

  it('fills section defaults inside a custom template', () => {
    const rules = parseAcceptanceRules({
      templates: {
        task: { sections: [{ key: 'definition-of-done', heading: 'Definition of done', criteria: true }] },
      },
    });
    expect(rules.templates.task).toEqual({
      storySentence: false,
      sections: [
        {
          key: 'definition-of-done',
          heading: 'Definition of done',
          aliases: [],
          severity: 'error',
          criteria: true,
          content: 'none',
          placeholder: [],
        },
      ],
    });
  });

  it.each([
    [{ label: '' }, /\/label/],
    [{ gate: 'Ready' }, /\/gate/],
    [{ templates: { story: { sections: [{ key: 'Bad Key', heading: 'x' }] } } }, /key/],
  ])('rejects an invalid rules file naming the path: %j', (input, message) => {
    expect(() => parseAcceptanceRules(input)).toThrow(message);
  });

  it.each([
    ['Story', 'story'],
    ['user story', 'story'],
    ['Bug', 'bug'],
    ['Defect', 'bug'],
    ['Sub-task', 'task'],
    ['Epic', 'none'],
    [undefined, 'story'],
  ])('maps item type %s to the %s template', (type, name) => {
    expect(resolveTemplate(parseAcceptanceRules({}), { type }).name).toBe(name);
  });

  // Parsed in each test: a rules file that stops parsing fails these tests, not the loading of the file.
  const opsRules = () =>
    parseAcceptanceRules({
      gate: ['Ready for dev'],
      overrides: [
        {
          containerKey: 'OPS',
          label: 'ops-needs-ac',
          gate: [],
          vagueWords: ['asap'],
          types: { task: 'ops-task' },
          templates: {
            'ops-task': {
              sections: [{ key: 'definition-of-done', heading: 'Definition of done', criteria: true }],
            },
          },
        },
      ],
    });

  it('applies a per-project override by container key', () => {
    const ops = resolveTemplate(opsRules(), { type: 'Task', containerKey: 'OPS' });
    expect(ops).toMatchObject({ name: 'ops-task', label: 'ops-needs-ac', gate: [], vagueWords: ['asap'] });
    const other = resolveTemplate(opsRules(), { type: 'Task', containerKey: 'WEB' });
    expect(other).toMatchObject({
      name: 'task',
      label: 'needs-acceptance-criteria',
      gate: ['Ready for dev'],
    });
  });

  it('checks a Definition-of-done list configured for tasks', () => {
    const ops = resolveTemplate(opsRules(), { type: 'Task', containerKey: 'OPS' });
    const bare = checkItem({ title: 'Rotate keys', description: 'Rotate the API keys.' }, ops);
    expect(bare.findings.map((f) => f.name)).toEqual(['missing-definition-of-done']);
    const done = checkItem(
      {
        title: 'Rotate keys',
        description: 'h3. Definition of Done\n* old keys revoked asap\n* runbook updated',
      },
      ops,
    );
    expect(done.findings.map((f) => [f.name, f.line])).toEqual([['vague-criterion', 2]]);
  });

  it('passes any item whose type has no template', () => {
    const epic = resolveTemplate(opsRules(), { type: 'Epic' });
    expect(checkItem({ title: 'x', description: '' }, epic)).toEqual({
      ok: true,
      template: 'none',
      findings: [],
      missingSections: [],
    });
  });

  it('resolves a type without a template to no requirements at all', () => {
    expect(resolveTemplate(opsRules(), { type: 'Epic' })).toEqual({
      name: 'none',
      label: 'needs-acceptance-criteria',
      gate: ['Ready for dev'],
      vagueWords: opsRules().vagueWords,
      storySentence: false,
      sections: [],
    });
  });

  it('reads item types and configured type names ignoring case and surrounding blanks', () => {
    const spaced = parseAcceptanceRules({ types: { ' Spike ': 'task' } });

    expect(resolveTemplate(spaced, { type: ' Bug ' }).name).toBe('bug');
    expect(resolveTemplate(spaced, { type: 'spike' }).name).toBe('task');
  });

  it('keeps "none" reserved: a template of that name never applies', () => {
    const custom = parseAcceptanceRules({
      types: { epic: 'none' },
      templates: { none: { sections: [{ key: 'goal', heading: 'Goal' }] } },
    });

    expect(resolveTemplate(custom, { type: 'Epic' })).toMatchObject({ name: 'none', sections: [] });
  });

  it('blocks every gated status or list, whatever blanks surround the names', () => {
    const gated = resolveTemplate(parseAcceptanceRules({ gate: ['Ready for dev ', 'In progress'] }), {
      type: 'Story',
    });
    expect(gateBlocks(gated, false, 'In progress')).toBe(true);
    expect(gateBlocks(gated, false, ' ready for dev')).toBe(true);
    expect(gateBlocks(gated, false, 'Done')).toBe(false);
  });

  it('blocks a gated status only for failing items, ignoring case', () => {
    const story = resolveTemplate(opsRules(), { type: 'Story' });
    expect(gateBlocks(story, false, 'ready for DEV')).toBe(true);
    expect(gateBlocks(story, true, 'Ready for dev')).toBe(false);
    expect(gateBlocks(story, false, 'In progress')).toBe(false);
  });
});

describe('acceptance templates in the rules file', () => {
  const load = (acceptance: unknown) => {
    const result = parseRules({ acceptance });
    if (!result.ok) throw new Error(result.problems.join('; '));
    return result.rules.acceptance;
  };

  it('adds a "Definition of done" to tasks from a key and a heading; stories and bugs keep theirs', () => {
    const rules = load({
      templates: {
        task: { sections: [{ key: 'definition-of-done', heading: 'Definition of done', criteria: true }] },
      },
    });

    const task = checkItem(
      { title: 'Rotate keys', description: 'Rotate the API keys.' },
      resolveTemplate(rules, { type: 'Task' }),
    );
    expect(task.findings.map((f) => f.name)).toEqual(['missing-definition-of-done']);
    expect(resolveTemplate(rules, { type: 'Story' }).name).toBe('story');
    expect(resolveTemplate(rules, { type: 'Bug' }).sections.map((s) => s.key)).toContain('expected');
  });

  it('maps a new type to a template without losing the shipped type map, and a type to none to turn it off', () => {
    const rules = load({ types: { Spike: 'task', Bug: 'none' } });

    expect(resolveTemplate(rules, { type: 'spike' }).name).toBe('task');
    expect(resolveTemplate(rules, { type: 'Story' }).name).toBe('story');
    expect(resolveTemplate(rules, { type: 'Bug' }).name).toBe('none');
  });
});
