import { describe, expect, it } from 'vitest';
import { resolveConfidence } from '../../../src/domain/scoring/confidence.ts';
import { resolveScoringRules } from '../../../src/domain/scoring/rules.ts';
import { scoreItem } from '../../../src/domain/scoring/score-item.ts';
import type { Overrides, RiceInputs } from '../../../src/domain/scoring/types.ts';
import type { TrackerItem } from '../../../src/trackers/tracker.ts';
import { makeItem } from './make-item.ts';

const rules = resolveScoringRules({});
const by = { by: 'Ana Lima', at: '2025-03-04T10:00:00.000Z' };
function inputsOf(item: TrackerItem, overrides: Overrides = {}, r = rules): RiceInputs {
  const result = scoreItem({ item, overrides }, r);
  if (result.model !== 'rice') throw new Error('expected RICE');
  return result.inputs;
}

describe('confidence', () => {
  it('names the first of two equally uncertain inputs', () => {
    expect(inputsOf(makeItem()).confidence).toEqual({
      value: 0.5,
      source: 'default',
      detail: 'least certain input: reach from default → 50%',
    });
  });

  it('names an input the rules file trusts less than the defaults do', () => {
    const doubtful = resolveScoringRules({
      confidenceLevels: { medium: 0.7 },
      sourceConfidence: {
        field: 'high',
        estimate: 'medium',
        evidence: 'high',
        priority: 'high',
        label: 'high',
        type: 'medium',
        keyword: 'low',
        inferred: 'low',
        default: 'high',
      },
    });
    const item = makeItem({ priority: 'High', estimate: { storyPoints: 3 } });
    expect(inputsOf(item, {}, doubtful).confidence).toEqual({
      value: 0.7,
      source: 'estimate',
      detail: 'least certain input: effort from estimate → 70%',
    });
  });

  it('names a real source, not a default, when an input set by hand ties with the least certain one', () => {
    // Reach set by hand, impact from priority and effort from an estimate: all fully trusted.
    const item = makeItem({ priority: 'High', estimate: { storyPoints: 3 } });
    expect(inputsOf(item, { reach: { value: 4, ...by } }).confidence).toEqual({
      value: 1,
      source: 'priority',
      detail: 'least certain input: impact from priority → 100%',
    });
  });

  it('is fully trusted, from no inferred source, when a person set every input', () => {
    const overrides = {
      reach: { value: 2, ...by },
      impact: { value: 3, ...by },
      effort: { value: 1, ...by },
    };
    expect(inputsOf(makeItem(), overrides).confidence).toEqual({
      value: 1,
      source: 'default',
      detail: 'least certain input: reach from override → 100%',
    });
  });

  it('has nothing to doubt without inputs', () => {
    expect(resolveConfidence({}, rules, undefined)).toEqual({
      value: 1,
      source: 'default',
      detail: 'nothing to doubt → 100%',
    });
  });
});

describe('impact keywords and mapped names', () => {
  it.each([
    [
      'a keyword with regex characters',
      { 'c++': 4 },
      'Parser fails on C++ templates',
      4,
      'keyword "c++" → 4',
    ],
    [
      'regex characters in a keyword are literal',
      { 'c++': 4 },
      'Parser fails in C code',
      3,
      'nothing mapped → 3',
    ],
    ['a dot in a keyword is a dot', { 'node.js': 4 }, 'Upgrade nodexjs', 3, 'nothing mapped → 3'],
    [
      'a phrase across any blanks',
      { 'data   loss': 5 },
      'Data\n  loss on export',
      5,
      'keyword "data   loss" → 5',
    ],
    [
      'a phrase written with two blanks',
      { 'data  loss': 5 },
      'Data loss on export',
      5,
      'keyword "data  loss" → 5',
    ],
    ['a keyword padded with blanks', { ' outage ': 5 }, 'Outage in EU', 5, 'keyword " outage " → 5'],
    ['a keyword in an accented word', { caf: 4 }, 'Café menu broken', 3, 'nothing mapped → 3'],
    ['a keyword before a digit', { ui: 2 }, 'ui2 layout', 3, 'nothing mapped → 3'],
    ['a keyword after a digit', { ui: 2 }, 'v2ui layout', 3, 'nothing mapped → 3'],
    ['a keyword between punctuation', { ui: 2 }, 'Broken (UI) layout', 2, 'keyword "ui" → 2'],
    ['a blank keyword never matches', { '  ': 5 }, 'Anything at all', 3, 'nothing mapped → 3'],
  ])('%s', (_name, keywordImpact, title, value, detail) => {
    const r = resolveScoringRules({ keywordImpact, typeImpact: {}, priorityImpact: {} });
    expect(inputsOf(makeItem({ title }), {}, r).impact).toMatchObject({ value, detail });
  });

  it('finds a keyword in the description too', () => {
    const item = makeItem({ title: 'Export', description: 'Users report data loss.' });
    expect(inputsOf(item).impact).toMatchObject({ value: 5, source: 'keyword' });
  });

  it('matches names in the rules file and on the item whatever their case and surrounding blanks', () => {
    const r = resolveScoringRules({ priorityImpact: { ' P1 ': 5 }, labelImpact: { 'Hot-Fix': 4 } });
    expect(inputsOf(makeItem({ priority: 'p1 ' }), {}, r).impact).toMatchObject({
      value: 5,
      source: 'priority',
    });
    expect(inputsOf(makeItem({ labels: [' HOT-FIX'] }), {}, r).impact).toMatchObject({
      value: 4,
      source: 'label',
    });
    expect(inputsOf(makeItem({ priority: 'p2' }), {}, r).impact).toMatchObject({ source: 'default' });
  });
});
