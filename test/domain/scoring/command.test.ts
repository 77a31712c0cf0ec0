import { describe, expect, it } from 'vitest';
import { parseScoreCommand } from '../../../src/domain/scoring/command.ts';

describe('parseScoreCommand', () => {
  it.each([
    ['', { kind: 'recompute' }],
    ['   ', { kind: 'recompute' }],
    ['explain', { kind: 'explain' }],
    ['EXPLAIN', { kind: 'explain' }],
    ['clear', { kind: 'clear', inputs: [] }],
    ['clear impact effort impact', { kind: 'clear', inputs: ['impact', 'effort'] }],
    ['impact=4 effort=3', { kind: 'set', values: { impact: 4, effort: 3 } }],
    ['Impact = 4, effort=0.5', { kind: 'set', values: { impact: 4, effort: 0.5 } }],
    ['reach=12', { kind: 'set', values: { reach: 12 } }],
    ['confidence=0.5', { kind: 'set', values: { confidence: 0.5 } }],
    ['confidence=80%', { kind: 'set', values: { confidence: 0.8 } }],
    ['confidence=0%', { kind: 'set', values: { confidence: 0 } }],
    [
      'time-criticality=8 business_value=13',
      { kind: 'set', values: { timeCriticality: 8, businessValue: 13 } },
    ],
    ['impact=5 confidence=1', { kind: 'set', values: { impact: 5, confidence: 1 } }],
    ['confidence=100%', { kind: 'set', values: { confidence: 1 } }],
    ['confidence=12.5%', { kind: 'set', values: { confidence: 0.125 } }],
    ['confidence=.75', { kind: 'set', values: { confidence: 0.75 } }],
    ['effort=+2 reach=0', { kind: 'set', values: { effort: 2, reach: 0 } }],
    ['impact  =  4', { kind: 'set', values: { impact: 4 } }],
    [
      'businessValue=2.5 timeCriticality=0 riskReduction=1.5',
      { kind: 'set', values: { businessValue: 2.5, timeCriticality: 0, riskReduction: 1.5 } },
    ],
  ])('%j', (args, expected) => {
    expect(parseScoreCommand(args)).toEqual(expected);
  });

  it.each([
    ['impact=6', 'impact="6" is not allowed: impact must be a whole number from 1 to 5'],
    ['impact=3.5', 'impact="3.5" is not allowed: impact must be a whole number from 1 to 5'],
    ['impact=high', 'impact="high" is not allowed: impact must be a whole number from 1 to 5'],
    ['effort=0', 'effort="0" is not allowed: effort must be a number greater than 0'],
    ['reach=-1', 'reach="-1" is not allowed: reach must be a whole number of 0 or more'],
    [
      'confidence=80',
      'confidence="80" is not allowed: confidence must be a fraction from 0 to 1 or a percentage (0.5 or 50%)',
    ],
    [
      'confidence=120%',
      'confidence="120%" is not allowed: confidence must be a fraction from 0 to 1 or a percentage (0.5 or 50%)',
    ],
    [
      'urgency=3',
      'unknown input "urgency": use reach, impact, confidence, effort, businessValue, timeCriticality, riskReduction',
    ],
    ['impact', '"impact" is not name=value, e.g. impact=4 effort=3; or use explain, clear'],
    ['effort==3', '"effort==3" is not name=value, e.g. impact=4 effort=3; or use explain, clear'],
    ['reach=2.5', 'reach="2.5" is not allowed: reach must be a whole number of 0 or more'],
    ['businessValue=4x', 'businessValue="4x" is not allowed: businessValue must be a number of 0 or more'],
    ['businessValue=v4', 'businessValue="v4" is not allowed: businessValue must be a number of 0 or more'],
    [
      'time_criticality=-1',
      'timeCriticality="-1" is not allowed: timeCriticality must be a number of 0 or more',
    ],
    [
      'riskReduction=-0.5',
      'riskReduction="-0.5" is not allowed: riskReduction must be a number of 0 or more',
    ],
    ['impact=4 impact=5', 'impact is given twice'],
    ['explain please', 'explain takes no arguments'],
    [
      'clear nonsense',
      'unknown input "nonsense": use reach, impact, confidence, effort, businessValue, timeCriticality, riskReduction',
    ],
  ])('%j is invalid', (args, problem) => {
    expect(parseScoreCommand(args)).toEqual({ kind: 'invalid', problems: [problem] });
  });

  it('names every bad argument at once', () => {
    const result = parseScoreCommand('impact=9 effort=-2 reach=3');
    expect(result).toMatchObject({
      kind: 'invalid',
      problems: [expect.stringMatching(/^impact/), expect.stringMatching(/^effort/)],
    });
  });
});
