import { tokenizeText } from './tokenize.ts';
import type { LinkingTuning } from './tuning.ts';

export const TermKind = { word: 0, whole: 1, bigram: 2 } as const;
export type TermKind = (typeof TermKind)[keyof typeof TermKind];

export interface TermCounts {
  title: number;
  description: number;
  kind: TermKind;
}

/** A document or query reduced to index terms with per-field counts. */
export interface AnalyzedText {
  terms: Map<string, TermCounts>;
  titleLength: number;
  descriptionLength: number;
}

function count(terms: Map<string, TermCounts>, term: string, kind: TermKind, inTitle: boolean): void {
  let c = terms.get(term);
  if (c === undefined) {
    c = { title: 0, description: 0, kind };
    terms.set(term, c);
  }
  if (inTitle) c.title += 1;
  else c.description += 1;
}

function addField(
  terms: Map<string, TermCounts>,
  text: string,
  inTitle: boolean,
  maxTokens: number,
  bigrams: boolean,
): number {
  const { words, wholes } = tokenizeText(text);
  const w = words.length > maxTokens ? words.slice(0, maxTokens) : words;
  const h = wholes.length > maxTokens ? wholes.slice(0, maxTokens) : wholes;
  for (const word of w) count(terms, word, TermKind.word, inTitle);
  for (const whole of h) count(terms, whole, TermKind.whole, inTitle);
  if (bigrams) {
    for (let i = 1; i < w.length; i++) {
      if (w[i - 1] !== w[i]) count(terms, `${w[i - 1]} ${w[i]}`, TermKind.bigram, inTitle);
    }
  }
  return w.length + h.length;
}

export function analyzeText(title: string, description: string, tuning: LinkingTuning): AnalyzedText {
  const terms = new Map<string, TermCounts>();
  const bigrams = tuning.bigramWeight > 0;
  const titleLength = addField(terms, title, true, tuning.maxDescriptionTokens, bigrams);
  const descriptionLength = addField(terms, description, false, tuning.maxDescriptionTokens, bigrams);
  return { terms, titleLength, descriptionLength };
}
