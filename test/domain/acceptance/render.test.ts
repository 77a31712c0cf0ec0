import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendMissingSections,
  checkItem,
  parseAcceptanceRules,
  renderStatusComment,
  resolveTemplate,
} from '../../../src/domain/acceptance/index.ts';
import { docToPlainText } from '../../../src/domain/doc.ts';

const rules = parseAcceptanceRules({});
const story = resolveTemplate(rules, { type: 'Story' });
const bug = resolveTemplate(rules, { type: 'Bug' });

function fill(description: string, template = story): string {
  const verdict = checkItem({ title: '', description }, template);
  return appendMissingSections(description, verdict, template);
}

describe('appendMissingSections', () => {
  it('appends the fill-in template for what is missing, after the existing text', () => {
    expect(fill('As a buyer, I want invoices, so that I can claim VAT.')).toBe(
      'As a buyer, I want invoices, so that I can claim VAT.\n\n' +
        '## Acceptance criteria\n' +
        '- Given <context>, when <action>, then <observable result>\n' +
        '- [ ] <checkable outcome>\n',
    );
  });

  it('adds a story sentence placeholder when the story is missing', () => {
    expect(fill('')).toBe(
      'As a <role>, I want <goal>, so that <benefit>.\n\n## Acceptance criteria\n' +
        '- Given <context>, when <action>, then <observable result>\n- [ ] <checkable outcome>\n',
    );
  });

  it('adds no story placeholder after a story with emphasised keywords (a stale verdict)', () => {
    const stale = checkItem({ title: '', description: '' }, story);
    const text = '**As a** buyer, **I want** invoices, **so that** I can claim VAT.';
    expect(appendMissingSections(text, stale, story)).toBe(
      `${text}\n\n## Acceptance criteria\n` +
        '- Given <context>, when <action>, then <observable result>\n- [ ] <checkable outcome>\n',
    );
  });

  it('adds only the bug sections that are missing', () => {
    const result = fill('1. Open the cart\n2. Click Pay\nNothing happens.', bug);
    expect(result).toBe(
      '1. Open the cart\n2. Click Pay\nNothing happens.\n\n' +
        '## Expected result\n<what should happen>\n\n## Environment\n<product version, OS / browser / device>\n',
    );
  });

  it('leaves a passing description untouched', () => {
    const text = 'As a buyer, I want invoices, so that I can claim VAT.\nAC: a PDF invoice is emailed';
    expect(fill(text)).toBe(text);
  });

  it('keeps the filled-in item failing until the placeholders are replaced', () => {
    const filled = fill('');
    expect(checkItem({ title: '', description: filled }, story).findings.map((f) => f.name)).toEqual([
      'missing-role',
      'missing-goal',
      'missing-benefit',
      'empty-criteria',
    ]);
  });

  const description = fc.oneof(
    fc.string(),
    fc
      .array(
        fc.constantFrom(
          'As a buyer, I want invoices, so that I can claim VAT.',
          'h2. Acceptance criteria',
          '## Steps to reproduce',
          '- Given a cart',
          '* the total is 10',
          'Expected: 10',
          '',
          'Notes: see Figma',
          '1. Open the cart',
        ),
        { maxLength: 8 },
      )
      .map((lines) => lines.join('\n')),
  );

  it('never loses or changes existing text, and is idempotent (stale or fresh verdict)', () => {
    fc.assert(
      fc.property(description, fc.constantFrom(story, bug), (text, template) => {
        const verdict = checkItem({ title: '', description: text }, template);
        const once = appendMissingSections(text, verdict, template);
        expect(once.startsWith(text)).toBe(true);
        expect(appendMissingSections(once, verdict, template)).toBe(once);
        const fresh = checkItem({ title: '', description: once }, template);
        expect(appendMissingSections(once, fresh, template)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });
});

describe('renderStatusComment', () => {
  it('says the item passes', () => {
    const verdict = checkItem(
      {
        title: '',
        description: 'As a buyer, I want invoices, so that I can claim VAT.\nAC: a PDF is emailed',
      },
      story,
    );
    expect(docToPlainText(renderStatusComment(verdict, story))).toBe(
      'Acceptance check passed (story template).',
    );
  });

  it('lists errors before warnings with line, excerpt and fix, and mentions /ac template and the label', () => {
    const verdict = checkItem(
      { title: '', description: 'As a buyer, I want fast and cheap invoices.\nNotes below.' },
      story,
    );
    expect(docToPlainText(renderStatusComment(verdict, story)).split('\n')).toEqual([
      'Acceptance check failed: 2 problems and 1 warning (story template).',
      '- missing-benefit line 1: The story does not say why the user wants it. As a buyer, I want fast and cheap invoices. Fix: End with "so that <benefit>." stating the value for the user.',
      '- missing-acceptance-criteria The "Acceptance criteria" section is missing. Fix: Add a heading "Acceptance criteria" with its content.',
      '- warning not-atomic line 1: The goal joins several requirements with "and". As a buyer, I want fast and cheap invoices. Fix: Split it into one story per goal, each with its own acceptance criteria.',
      'Reply /ac template to append the missing sections to the description.',
      'The label needs-acceptance-criteria stays on the item until the check passes.',
    ]);
  });

  it('says it passes with warnings when only warnings remain', () => {
    const verdict = checkItem(
      { title: '', description: 'As a buyer, I want invoices, so that I can claim VAT.\nAC: loads fast' },
      story,
    );
    const text = docToPlainText(renderStatusComment(verdict, story));
    expect(text.split('\n')[0]).toBe('Acceptance check passed with 1 warning:');
    expect(text).not.toContain('/ac template');
  });

  it('says when no template applies', () => {
    const none = resolveTemplate(rules, { type: 'Epic' });
    const verdict = checkItem({ title: '', description: '' }, none);
    expect(docToPlainText(renderStatusComment(verdict, none))).toBe(
      'Acceptance check: no template applies to this item type.',
    );
  });
});
