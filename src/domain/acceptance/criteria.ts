import type { Entry } from './sections.ts';
import { normalize, stripEmphasis, stripListMarker } from './text.ts';

/** One acceptance criterion: a Given/When/Then scenario (possibly over several lines) or a checklist line. */
export interface Criterion {
  text: string;
  line?: number;
  kind: 'gwt' | 'check';
  hasGiven: boolean;
  hasWhen: boolean;
  hasThen: boolean;
}

const KEYWORD = /^(given|when|then|and|but)\b/i;
const TITLE = /^(scenario|scenario outline|example|examples|rule|background)\b.*$/i;
/** Stand-ins for a criterion: a section holding only these (or our own template lines) is still empty. */
const STAND_IN = /^(?:tbd|tbc|todo|n\/?a|none)$/i;

export function readCriteria(items: Entry[]): Criterion[] {
  const criteria: Criterion[] = [];
  let open: Criterion | undefined;
  let lastLine: number | undefined;
  for (const item of items) {
    const text = stripEmphasis(stripListMarker(item.text)).trim();
    const gap = item.line !== undefined && lastLine !== undefined && item.line - lastLine > 1;
    lastLine = item.line;
    if (isPlaceholder(text)) continue;
    if (TITLE.test(text) && /:/.test(text)) {
      open = undefined;
      continue;
    }
    const keyword = KEYWORD.exec(text)?.[1]?.toLowerCase();
    if (!keyword || (gap && open && (keyword === 'and' || keyword === 'but'))) {
      open = undefined;
      criteria.push(checkItem(text, item.line));
      continue;
    }
    const startsNew =
      !open ||
      gap ||
      (keyword === 'given' && (open.hasWhen || open.hasThen)) ||
      (keyword === 'when' && open.hasThen);
    if (keyword === 'and' || keyword === 'but') {
      if (!open) {
        criteria.push(checkItem(text, item.line));
        continue;
      }
      // "And I pay, then I get a receipt" carries the scenario's Then.
      open.text += `\n${text}`;
      markInline(open, text);
      continue;
    }
    if (startsNew || !open) {
      open = { text, line: item.line, kind: 'gwt', hasGiven: false, hasWhen: false, hasThen: false };
      criteria.push(open);
    } else {
      open.text += `\n${text}`;
    }
    markInline(open, text);
  }
  return criteria;
}

function checkItem(text: string, line: number | undefined): Criterion {
  return { text, line, kind: 'check', hasGiven: false, hasWhen: false, hasThen: false };
}

/** Keywords may share one line: "Given a cart, when I pay, then I get a receipt". */
function markInline(criterion: Criterion, text: string): void {
  const lower = text.toLowerCase();
  if (/^given\b/.test(lower)) criterion.hasGiven = true;
  // Every line read here starts with a keyword: an inline "when" follows a Given or an And, and changes no verdict.
  if (/^when\b/.test(lower)) criterion.hasWhen = true;
  if (/(?:^|[\s,;])then\b/.test(lower)) criterion.hasThen = true;
}

export function isPlaceholder(text: string): boolean {
  const rest = stripListMarker(text)
    .replace(/<[^>]*>/g, ' ')
    .replace(/\b(?:given|when|then|and|but)\b/gi, ' ')
    .replace(/[^A-Za-z/]+/g, ' ')
    .trim();
  return rest === '' || STAND_IN.test(rest);
}

/** Given without Then; a When without Then only when it is part of a multi-line scenario. */
export function isIncompleteGwt(criterion: Criterion): boolean {
  if (criterion.kind !== 'gwt' || criterion.hasThen) return false;
  return criterion.hasGiven || (criterion.hasWhen && criterion.text.includes('\n'));
}

/** The configured vague words present in a criterion, in list order. */
export function vagueWordsIn(text: string, words: string[]): string[] {
  return words.filter((word) => vaguePattern(word).test(text));
}

function vaguePattern(word: string): RegExp {
  const trimmed = word.trim().replace(/\.$/, '');
  const escaped = trimmed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[\s-]+/g, '[\\s-]+');
  return new RegExp(`(?<![\\w-])${escaped}\\.?(?![\\w-])`, 'i');
}

/** Indexes of criteria that repeat an earlier one (same words, ignoring case, markup and punctuation). */
export function duplicateIndexes(criteria: Criterion[]): number[] {
  const seen = new Set<string>();
  const duplicates: number[] = [];
  criteria.forEach((criterion, index) => {
    const key = normalize(criterion.text);
    if (seen.has(key)) duplicates.push(index);
    seen.add(key);
  });
  return duplicates;
}
