import { duplicateIndexes, isIncompleteGwt, readCriteria, vagueWordsIn } from './criteria.ts';
import { type Finding, finding } from './findings.ts';
import type { Entry } from './sections.ts';

/** Findings about the criteria of one section (its items are known to hold at least one criterion). */
export function checkCriteria(items: Entry[], vagueWords: string[]): { count: number; findings: Finding[] } {
  const criteria = readCriteria(items);
  const findings: Finding[] = [];
  const duplicates = new Set(duplicateIndexes(criteria));
  criteria.forEach((criterion, index) => {
    const at = { line: criterion.line, excerpt: criterion.text };
    if (isIncompleteGwt(criterion)) {
      findings.push(
        finding(
          'incomplete-gwt',
          'error',
          at,
          `This scenario has ${criterion.hasGiven ? 'a Given' : 'a When'} but no Then.`,
          'Add a "Then <observable result>" line saying what must be true afterwards.',
        ),
      );
    }
    const vague = vagueWordsIn(criterion.text, vagueWords);
    if (vague.length > 0) {
      findings.push(
        finding(
          'vague-criterion',
          'warning',
          at,
          `This criterion uses words that cannot be tested: ${vague.map((w) => `"${w}"`).join(', ')}.`,
          'Replace them with a measurable condition (a number, a limit, a named list, an observable result).',
        ),
      );
    }
    if (duplicates.has(index)) {
      findings.push(
        finding(
          'duplicate-criterion',
          'warning',
          at,
          'This criterion repeats an earlier one.',
          'Remove the repetition or make the two criteria say different things.',
        ),
      );
    }
  });
  return { count: criteria.length, findings };
}
