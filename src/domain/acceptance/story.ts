/**
 * The user-story sentence "As a <role>, I want <goal>, so that <benefit>" and its quality checks, after the
 * AQUSA criteria (Lucassen et al., "Improving agile requirements: the Quality User Story framework", 2016).
 */
export interface StoryParts {
  role?: string;
  goal?: string;
  benefit?: string;
}

/*
 * ROLE, WANT and BENEFIT read the sentence as parseStory flattens it: single spaces, no other white space.
 * `(?:i|we)\b` also ends the role before "I'd", "we're": an apostrophe is a word boundary.
 */
const ROLE = /^\W*as (?:an? |the )?(.+?)(?:, ?(?=\S)| (?=(?:i|we)\b))/i;
/**
 * "I can" also appears in benefits ("so that I can ..."), so the want is searched before any benefit marker.
 * "want" and "would like" on their own also read "I (really) want", "we would like".
 */
const WANT =
  /\b(?:(?:i|we) (?:really )?(?:wanted|would love|need|wish|can|could|should be able|must be able|am able|are able|expect|like|prefer|will be able)|i'd like|we'd like|i’d like|i'm able|i’m able|we're able|would like|want)\b(?: to\b)?/i;
const BENEFIT = /(?:, ?| )\b(so that|so|in order to|in order that|such that|because|since)\b/i;

/** Whether a text reads like a user story at all ("As a ...", "I want ..."). */
export function looksLikeStory(text: string): boolean {
  return (
    /^\W*as\s+(?:an?|the)\s+\S/i.test(text) ||
    /^\W*as\s+[^,.]{1,60}?,?\s+(?:i|we)\b/i.test(text) ||
    /^\W*(?:i|we)\s+(?:want|would like|need)\b/i.test(text)
  );
}

export function parseStory(text: string): StoryParts {
  const flat = text.replace(/\s+/g, ' ').trim();
  const role = nonEmpty(ROLE.exec(flat)?.[1]);
  const first = BENEFIT.exec(flat);
  const want = WANT.exec(first ? flat.slice(0, first.index) : flat);
  const from = want ? want.index + want[0].length : 0;
  const marker = want ? BENEFIT.exec(flat.slice(from)) : first;
  const benefit = marker ? nonEmpty(clean(flat.slice(from + marker.index + marker[0].length))) : undefined;
  const goal = want ? nonEmpty(clean(flat.slice(from, marker ? from + marker.index : undefined))) : undefined;
  return { role, goal, benefit };
}

/**
 * Pairs that name one thing ("username and password", "drag and drop"): joining them is not two goals.
 * Written with single spaces, which match any run of whitespace. A fixed list of English binomials, not a
 * setting: a configurable list would invite silencing the check.
 */
const BINOMIALS = [
  '(?:user\\s?name|user|account name|log\\s?in|e-?mail(?: address)?) and password',
  'drag and drop',
  '(?:copy|cut) and paste',
  '(?:search|find) and replace',
  'terms and conditions',
  'pros and cons',
  'questions? and answers?',
  'trial and error',
  'black and white',
  'plug and play',
  'Q\\s*&\\s*A',
  'R\\s*&\\s*D',
];
const BINOMIAL = new RegExp(
  `\\b(?:${BINOMIALS.map((pair) => pair.replaceAll(' and ', '\\s+(?:and|&)\\s+').replaceAll(' ', '\\s+')).join('|')})\\b`,
  'gi',
);
/**
 * A clause saying when or under which condition ("until the last person selects a card and all are shown")
 * qualifies the goal; a conjunction inside it does not add a second goal.
 */
const CONDITION_CLAUSE =
  /\b(?:until|till|when|whenever|while|if|unless|after|before|(?<!at\s)once|as soon as)\b.*$/i;

/** Several goals in one story: a coordinating conjunction in the goal (AQUSA "atomic"). */
export function conjunctionInGoal(goal: string): string | undefined {
  const main = goal.replace(CONDITION_CLAUSE, '').replace(BINOMIAL, 'X');
  return /(?:^|\s)(and\/or|and|or|&|\+)(?=\s)/i.exec(main)?.[1]?.toLowerCase();
}

/** Text beyond role, goal and benefit (AQUSA "minimal"): asides, examples, extra clauses or sentences. */
export function extraText(text: string, parts: StoryParts): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  // Classes exclude the opening bracket too, so "{{{{…" without a close costs one pass, not one per bracket.
  const aside = /\([^()]*\)|\[[^[\]]*\]|\{[^{}]*\}/.exec(flat);
  if (aside) return aside[0];
  const example = /\b(?:e\.\s?g\.|i\.\s?e\.|etc\.?|such as|for example|for instance|note:)/i.exec(flat);
  if (example) return example[0];
  // Any later sentence of two words or more, not only the last: "Excel is out of scope. Thanks!" carries one.
  const sentence = flat.match(/(?<=[.!?] )[A-Z][^.!?]*[.!?]?/g)?.find((s) => s.split(' ').length >= 2);
  if (sentence) return sentence;
  const again = parts.benefit && /\b(so that|in order to|so)\b(?=\s)/i.exec(parts.benefit);
  if (again) return again[0];
  return undefined;
}

/** Trims separators by hand: an end-anchored `[\s,;:.]+$` rescans a long run of dots from each of them. */
function clean(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && /[\s,;:]/.test(text[start]!)) start += 1;
  while (end > start && /[\s,;:.]/.test(text[end - 1]!)) end -= 1;
  return text.slice(start, end);
}

/** Empty, or only a template placeholder like "<role>". */
function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' || /^<[^>]*>$/.test(trimmed) ? undefined : trimmed;
}
