import { describe, expect, it } from 'vitest';
import {
  checkItem,
  parseAcceptanceRules,
  renderStatusComment,
  resolveTemplate,
} from '../../../src/domain/acceptance/index.ts';
import { docToPlainText } from '../../../src/domain/doc.ts';

const rules = parseAcceptanceRules({});
const story = resolveTemplate(rules, { type: 'Story' });
const bug = resolveTemplate(rules, { type: 'Bug' });

/** The status comment the item's reporter reads, line by line. */
function comment(title: string, description: string, template = story): string[] {
  const verdict = checkItem({ title, description }, template);
  return docToPlainText(renderStatusComment(verdict, template)).split('\n');
}

const LABEL_LINE = 'The label needs-acceptance-criteria stays on the item until the check passes.';
const TEMPLATE_LINE = 'Reply /ac template to append the missing sections to the description.';

describe('the status comment: what fails, where, and how to fix it', () => {
  it('criteria: incomplete scenarios, a vague word, a repeated criterion', () => {
    expect(
      comment(
        '',
        [
          'As a shopper, I want to save my cart, so that I can buy later.',
          '',
          '## Acceptance criteria',
          '- The page  loads fast',
          '- The cart is kept',
          '- the cart is KEPT.',
          'Given a saved cart',
          'When I log out',
          '',
          'When I log in',
          'And open the cart',
        ].join('\n'),
      ),
    ).toEqual([
      'Acceptance check failed: 2 problems and 2 warnings (story template).',
      '- incomplete-gwt line 7: This scenario has a Given but no Then. Given a saved cart When I log out Fix: Add a "Then <observable result>" line saying what must be true afterwards.',
      '- incomplete-gwt line 10: This scenario has a When but no Then. When I log in And open the cart Fix: Add a "Then <observable result>" line saying what must be true afterwards.',
      '- warning vague-criterion line 4: This criterion uses words that cannot be tested: "fast". The page loads fast Fix: Replace them with a measurable condition (a number, a limit, a named list, an observable result).',
      '- warning duplicate-criterion line 6: This criterion repeats an earlier one. the cart is KEPT. Fix: Remove the repetition or make the two criteria say different things.',
      LABEL_LINE,
    ]);
  });

  it('story: a missing role, an aside, an empty criteria section', () => {
    expect(
      comment(
        'Cart',
        'I want to save my cart, so that I can buy later (and share it).\n\n## Acceptance criteria\n',
      ),
    ).toEqual([
      'Acceptance check failed: 2 problems and 1 warning (story template).',
      '- missing-role line 1: The story does not say who wants it. I want to save my cart, so that I can buy later (and share it). Fix: Start with "As a <role>," naming a concrete user or persona.',
      '- empty-criteria line 3: The "Acceptance criteria" section is empty. Fix: Write at least one criterion under "Acceptance criteria", one per line (Given/When/Then or a checklist line).',
      '- warning not-minimal line 1: The story sentence carries more than role, goal and benefit. (and share it) Fix: Keep the sentence to role, goal and benefit; move notes, examples and asides into the description.',
      TEMPLATE_LINE,
      LABEL_LINE,
    ]);
  });

  it('story: a missing goal is one problem, without warnings', () => {
    expect(comment('Cart', 'As a shopper, so that I can buy later.\n\nAC: the cart is kept')).toEqual([
      'Acceptance check failed: 1 problem (story template).',
      '- missing-goal line 1: The story does not say what the user wants. As a shopper, so that I can buy later. Fix: Add "I want <goal>," describing one capability.',
      LABEL_LINE,
    ]);
  });

  it('story: no story sentence at all', () => {
    expect(comment('Cart', 'Make it work')).toEqual([
      'Acceptance check failed: 2 problems (story template).',
      '- missing-user-story There is no user-story sentence. Fix: Add "As a <role>, I want <goal>, so that <benefit>." at the top of the description.',
      '- missing-acceptance-criteria The "Acceptance criteria" section is missing. Fix: Add a heading "Acceptance criteria" with its content.',
      TEMPLATE_LINE,
      LABEL_LINE,
    ]);
  });

  it('bug: every part missing, each fix saying what counts besides a heading', () => {
    expect(comment('CSV export', '', bug)).toEqual([
      'Acceptance check failed: 3 problems and 1 warning (bug template).',
      '- missing-steps-to-reproduce The "Steps to reproduce" section is missing. Fix: Add a heading "Steps to reproduce" with its content. Numbered actions that lead to the problem count too.',
      '- missing-expected The "Expected result" section is missing. Fix: Add a heading "Expected result" with its content. A sentence with "expected" or "should" counts too.',
      '- missing-actual The "Actual result" section is missing. Fix: Add a heading "Actual result" with its content. A sentence describing what happens (error, crash, wrong result) counts too.',
      '- warning missing-environment The "Environment" section is missing. Fix: Add a heading "Environment" with its content.',
      TEMPLATE_LINE,
      LABEL_LINE,
    ]);
  });

  it('bug: an expected result that repeats the actual one', () => {
    expect(
      comment(
        'Crash on "the"',
        'Firefox 3.6\n\nSteps to Reproduce:\n1 Type "the" in the address bar\n\nActual Results:\nfirefox closes\n\nExpected Results:\nfirefox closed',
        bug,
      ),
    ).toEqual([
      'Acceptance check failed: 1 problem (bug template).',
      '- missing-expected line 9: The "Expected result" section repeats the actual result. Fix: Under "Expected result", describe what should have happened instead.',
      LABEL_LINE,
    ]);
  });

  it('passing with warnings: no label to remove, nothing to append', () => {
    expect(
      comment(
        '',
        'As a shopper, I want to save my cart, so that I can buy later.\nAC: the cart is kept\nAC: loads fast',
      ),
    ).toEqual([
      'Acceptance check passed with 1 warning:',
      '- warning vague-criterion line 3: This criterion uses words that cannot be tested: "fast". loads fast Fix: Replace them with a measurable condition (a number, a limit, a named list, an observable result).',
    ]);
  });
});

describe('excerpts in findings', () => {
  const excerpt = (description: string) => checkItem({ title: '', description }, story).findings[0]?.excerpt;

  it('show a sentence of up to 120 characters whole, a longer one cut to 117 and "..."', () => {
    const goal = 'I want to keep every saved cart for ninety days';
    const of120 = `As a shopper, ${goal}${'!'.repeat(120 - 14 - goal.length)}`;
    const longer = `As a returning shopper on the mobile app, ${goal} after I log out, even on another device`;

    expect(of120).toHaveLength(120);
    expect(excerpt(`${of120}\nAC: the cart is kept`)).toBe(of120);
    expect(excerpt(`${longer}\nAC: the cart is kept`)).toBe(`${longer.slice(0, 117)}...`);
  });
});
