import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Story' });
const AC = '\n\nAcceptance criteria\n- Given a saved cart, when I open it, then I see 3 items';

function names(description: string, title = ''): string[] {
  return checkItem({ title, description: `${description}${AC}` }, template).findings.map((f) => f.name);
}

describe('user-story sentence', () => {
  it.each([
    ['As a shopper, I want to save my cart, so that I can buy later.'],
    ['As an admin I would like to export users so that audits are quick to prepare.'],
    ["As a camp worker, I'm able to report repairs, so the camp stays safe."],
    ['As lab administrator, I want to lock accounts in order to stop abuse.'],
  ])('passes a complete story: %s', (story) => {
    expect(names(story)).toEqual([]);
  });

  it.each([
    ['I want to save my cart, so that I can buy later.', 'missing-role'],
    ['As a shopper, I want to save my cart.', 'missing-benefit'],
    ['As a shopper, so that I can buy later.', 'missing-goal'],
    ['As a shopper, I want to save and share my cart, so that I can buy later.', 'not-atomic'],
    ['As an admin, I want to add or remove centers, so that data stays current.', 'not-atomic'],
    ['As a user, I want to see dates and times in my timezone, so that I need no conversion.', 'not-atomic'],
    ['As an editor, I want to add and edit items when offline, so that I can work anywhere.', 'not-atomic'],
    [
      'As an admin, I want to archive all users at once and export them, so that audits are easy.',
      'not-atomic',
    ],
    ['As a user, I want to see my cart (including discounts), so that I can buy later.', 'not-minimal'],
    ['As a user, I want to pick a scale, e.g. Fibonacci, so that we can estimate.', 'not-minimal'],
    ['As a user, I want to add items, so that so that we can be flexible.', 'not-minimal'],
    [
      'As a user, I want to export CSV, so that I can share it. Note that Excel is out of scope.',
      'not-minimal',
    ],
  ])('flags "%s" with %s', (story, finding) => {
    expect(names(story)).toContain(finding);
  });

  it.each([
    ['As a user, I want to copy/paste stories, so that I can start quickly.', 'not-atomic'],
    ['As a user, I want to export CSV, so that I can share it.', 'not-minimal'],
    ['As a user, I want to export CSV, so that I can share it and archive it.', 'not-atomic'],
    [
      'As a moderator, I want to log in using my account name and password, so that I can play.',
      'not-atomic',
    ],
    ['As a designer, I want to drag and drop widgets, so that layouts are quick to build.', 'not-atomic'],
    [
      'As a participant, I want to change my estimate until the last person selects a card and all are shown, so that I can change my mind.',
      'not-atomic',
    ],
  ])('does not flag "%s" with %s', (story, finding) => {
    expect(names(story)).not.toContain(finding);
  });

  it('reads the story from the title when the description has none', () => {
    expect(names('Some context.', 'As a buyer, I want an invoice, so that I can claim VAT')).toEqual([]);
  });

  it('reads a story wrapped over two lines', () => {
    expect(names('As a buyer, I want an invoice\nso that I can claim VAT.')).toEqual([]);
  });

  it.each([
    ['a dotted name', 'As an accountant, I want invoices from billing.example.com\nso that I can claim VAT.'],
    ['a word with a dash', 'As a publisher, I want an invoice per\ne-book sale, so that I can claim VAT.'],
    ['a year', 'As a controller, I want the invoices of\n2024 exported, so that I can close the year.'],
  ])('reads a story wrapped before %s', (_label, story) => {
    expect(names(story)).toEqual([]);
  });

  it('does not join the story with the line after a blank line, nor with a list', () => {
    expect(names('As a buyer, I want an invoice\n\nso that I can claim VAT.')).toEqual(['missing-benefit']);
    const verdict = checkItem(
      { title: '', description: `As a buyer, I want an invoice\n- as PDF\n- as CSV${AC}` },
      template,
    );
    expect(verdict.findings.map((f) => [f.name, f.excerpt])).toEqual([
      ['missing-benefit', 'As a buyer, I want an invoice'],
    ]);
  });

  it('asks for a story sentence when there is none, with a fix', () => {
    const verdict = checkItem({ title: 'Invoices', description: `Make invoices work.${AC}` }, template);
    expect(verdict.ok).toBe(false);
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        name: 'missing-user-story',
        severity: 'error',
        fix: expect.stringContaining('As a'),
      }),
    ]);
  });

  it('names the line of the story sentence', () => {
    const verdict = checkItem(
      { title: '', description: `h2. Story\nAs a buyer, I want an invoice.${AC}` },
      template,
    );
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        name: 'missing-benefit',
        line: 2,
        excerpt: 'As a buyer, I want an invoice.',
      }),
    ]);
  });

  it('treats template placeholders as missing parts', () => {
    expect(names('As a <role>, I want <goal>, so that <benefit>.')).toEqual([
      'missing-role',
      'missing-goal',
      'missing-benefit',
    ]);
  });

  it('quotes the aside that makes a story not minimal', () => {
    const verdict = checkItem(
      {
        title: '',
        description: `Intro.\nAs a user, I want to see my cart (including discounts), so that I can buy.${AC}`,
      },
      template,
    );
    expect(verdict.findings).toEqual([
      expect.objectContaining({ name: 'not-minimal', line: 2, excerpt: '(including discounts)' }),
    ]);
  });

  it('reports atomicity and minimality as warnings that do not fail the item', () => {
    const verdict = checkItem(
      {
        title: '',
        description: `As a user, I want to save and print (PDF) my cart, so that I can buy later.${AC}`,
      },
      template,
    );
    expect(verdict.ok).toBe(true);
    expect(verdict.findings.map((f) => [f.name, f.severity])).toEqual([
      ['not-atomic', 'warning'],
      ['not-minimal', 'warning'],
    ]);
  });
});
