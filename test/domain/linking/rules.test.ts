import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LINKING_RULES, LinkingRulesSchema } from '../../../src/domain/linking/rules.ts';
import { splitSuggestions } from '../../../src/domain/linking/suggestions.ts';

const match = (id: string, confidence: number) => ({
  id,
  score: confidence,
  confidence,
  sharedTerms: [],
  evidence: {
    titleOverlap: 0,
    itemTitleCoverage: 0,
    ticketCoverage: 0,
    ticket: { terms: 3, knownShare: 1, hasTitle: true },
  },
});

describe('LinkingRulesSchema', () => {
  it('defaults every setting to the shipped values', () => {
    expect(Value.Default(LinkingRulesSchema, {})).toEqual(DEFAULT_LINKING_RULES);
  });

  it.each([[{ autoLinkThreshold: 1.5 }], [{ suggestionCount: -1 }], [{ linkType: '' }], [{ extra: true }]])(
    'rejects %j',
    (section) => {
      expect(Value.Check(LinkingRulesSchema, Value.Default(LinkingRulesSchema, section))).toBe(false);
    },
  );
});

describe('splitSuggestions', () => {
  const rules = { ...DEFAULT_LINKING_RULES, autoLinkThreshold: 0.6, suggestionCount: 2 };

  it('auto-links a confident top match and suggests the next ones below the threshold', () => {
    const decision = splitSuggestions(
      [match('a', 0.9), match('b', 0.4), match('c', 0.3), match('d', 0.2)],
      rules,
    );
    expect(decision.autoLink?.id).toBe('a');
    expect(decision.suggestions.map((m) => m.id)).toEqual(['b', 'c']);
  });

  it('only suggests when the top match is below the threshold', () => {
    const decision = splitSuggestions([match('a', 0.5), match('b', 0.4), match('c', 0.3)], rules);
    expect(decision.autoLink).toBeUndefined();
    expect(decision.suggestions.map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('never suggests a second match that is itself above the threshold', () => {
    const decision = splitSuggestions([match('a', 0.9), match('b', 0.8), match('c', 0.1)], rules);
    expect(decision.suggestions.map((m) => m.id)).toEqual(['c']);
  });

  it('only suggests, confident matches first, once a person has removed a link of the ticket', () => {
    const decision = splitSuggestions([match('a', 0.9), match('b', 0.8), match('c', 0.1)], rules, {
      autoLink: false,
    });
    expect(decision.autoLink).toBeUndefined();
    expect(decision.suggestions.map((m) => m.id)).toEqual(['a', 'b']);
  });
});

describe('splitSuggestions at the threshold', () => {
  const rules = { ...DEFAULT_LINKING_RULES, autoLinkThreshold: 0.6, suggestionCount: 3 };

  it('auto-links a top match exactly at the threshold and suggests none at it', () => {
    const decision = splitSuggestions([match('a', 0.6), match('b', 0.6), match('c', 0.59)], rules);
    expect(decision.autoLink?.id).toBe('a');
    expect(decision.suggestions.map((m) => m.id)).toEqual(['c']);
  });

  it('has nothing to link or suggest without matches', () => {
    expect(splitSuggestions([], rules)).toEqual({ autoLink: undefined, suggestions: [] });
  });
});
