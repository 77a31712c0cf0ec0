import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Story' });
const AC = '\nAC: the export lists 3 rows';
const verdictOf = (description: string, title = '') =>
  checkItem({ title, description: `${description}${AC}` }, template);
const names = (description: string, title = '') => verdictOf(description, title).findings.map((f) => f.name);
const extra = (story: string) => verdictOf(story).findings.find((f) => f.name === 'not-minimal')?.excerpt;

describe('sentences after the story sentence', () => {
  it.each([
    [
      'Excel is out of scope.',
      'As a clerk, I want to export invoices, so that I can file them. Excel is out of scope. Thanks!',
    ],
    [
      'Excel is out of scope.',
      'As a clerk, I want to export invoices, so that I can file them. Thanks! Excel is out of scope.',
    ],
    ['PDF only.', 'As a clerk, I want to export invoices, so that I can file them. PDF only.'],
    [
      'Excel is out of scope',
      'As a clerk, I want to export invoices, so that I can file them. Excel is out of scope',
    ],
    [
      'Excel is out of scope.',
      'As a clerk, I want to export invoices, so that I can file them. Excel is out of scope. 🙂',
    ],
  ])('quotes "%s"', (sentence, story) => {
    expect(extra(story)).toBe(sentence);
  });

  it('a story that ends in closing words of one word each has no extra', () => {
    expect(names('As a clerk, I want to export invoices, so that I can file them. Thanks! Cheers!')).toEqual(
      [],
    );
  });
});

describe('a story as people type it: list markers, stray blanks, missing commas', () => {
  it.each([
    ['a list item', '- As a clerk, my invoices are exported every night, so that I can file them.'],
    ['two blanks after "As"', 'As  a clerk, my invoices are exported every night, so that I can file them.'],
    ['two blanks after "a"', 'As a  clerk, my invoices are exported every night, so that I can file them.'],
  ])('a story without a want (%s) is still read as a story', (_label, story) => {
    expect(names(story)).toEqual(['missing-goal']);
  });

  it.each([
    ['a list item', '- As clerks, we want to export invoices, so that we can file them.'],
    ['two blanks after "As"', 'As  clerks, we want to export invoices, so that we can file them.'],
    ['two blanks after the comma', 'As clerks,  we want to export invoices, so that we can file them.'],
    ['no comma after the role', 'As clerks we want to export invoices, so that we can file them.'],
    ['no blank after the comma', 'As a clerk,I want to export invoices because auditors ask for them.'],
    [
      'no blank after the comma before "so that"',
      'As a clerk, I want to export invoices,so that I can file them.',
    ],
    ['two blanks inside "in order to"', 'As a clerk, I want to export invoices in order  to file them.'],
    [
      '"really" before another verb',
      'As a clerk, I really need to export invoices, so that I can file them.',
    ],
  ])('a complete story: %s', (_label, story) => {
    expect(names(story)).toEqual([]);
  });

  it.each([
    ['a list item', '- I want to export invoices, so that I can file them.'],
    ['two blanks after "I"', 'I  want to export invoices, so that I can file them.'],
    ['"as" later in the sentence', 'I want to export invoices as PDF, so that I can file them.'],
  ])('a story without a role (%s)', (_label, story) => {
    expect(names(story)).toEqual(['missing-role']);
  });

  it('a sentence about the system names no role and no want', () => {
    expect(
      names('As an administrator the system locks accounts after 3 failed logins so that abuse stops.'),
    ).toEqual(['missing-role', 'missing-goal']);
  });

  it.each([
    ['"log in as a guest"', 'Log in as a guest, then open the cart.'],
    ['"as soon as I"', 'The export fails as soon as I click Save.'],
    ['"I want" in the middle', 'The export fails when I want to save it.'],
  ])('a line that only mentions %s is no story', (_label, line) => {
    expect(names(line)).toEqual(['missing-user-story']);
  });
});

describe('template placeholders left in the story', () => {
  it.each([
    ['with "to"', 'As a <role>, I want to <goal>, so that <benefit>.'],
    ['with colons', 'As a <role>, I want: <goal>, so that: <benefit>.'],
    ['with blanks before the commas', 'As a <role> , I want <goal> , so that <benefit> .'],
    ['after "the"', 'As the <persona>, I want <goal>, so that <benefit>.'],
  ])('every part is missing (%s)', (_label, story) => {
    expect(names(story)).toEqual(['missing-role', 'missing-goal', 'missing-benefit']);
  });

  it('a part with words besides its placeholders counts as written', () => {
    expect(names('As a clerk, I want to <verb> invoices as <format>, so that I can file them.')).toEqual([]);
  });
});

describe('pairs that name one thing, in any case', () => {
  it.each([
    'As a user, I want to log in with my Email and Password, so that my data is safe.',
    'As a user, I want to log in with my user and password, so that my data is safe.',
    'As a user, I want to log in with my login and password, so that my data is safe.',
    'As a user, I want to see a Question and Answer page, so that I learn.',
    'As a student, I want to browse the Q&A, so that I learn.',
    'As a lead, I want to see the R & D budget, so that I can plan.',
    'As a user, I want to Drag and Drop cards, so that planning is quick.',
    'As a student, I want to copy and paste the questions and answers, so that I learn.',
  ])('%s', (story) => {
    expect(names(story)).not.toContain('not-atomic');
  });
});

describe('asides written with stray blanks or without their dot', () => {
  it.each([
    ['e. g.', 'As a clerk, I want to export invoices, e. g. as PDF, so that I can file them.'],
    ['i. e.', 'As a clerk, I want to export invoices, i. e. PDF files, so that I can file them.'],
    ['etc', 'As a clerk, I want to export invoices, credit notes etc, so that I can file them.'],
    ['such as', 'As a clerk, I want to export documents such  as invoices, so that I can file them.'],
    ['for example', 'As a clerk, I want to export invoices, for\texample as PDF, so that I can file them.'],
  ])('quotes "%s"', (aside, story) => {
    expect(extra(story)?.replace(/\s+/g, ' ')).toBe(aside);
  });
});

describe('a story with its keywords emphasised', () => {
  it.each([
    ['Markdown bold', '**As a** clerk, **I want** to export invoices, **so that** I can file them.'],
    ['wiki bold', '*As a* clerk, *I want* to export invoices, *so that* I can file them.'],
    ['italics', '_As a_ clerk, _I want_ to export invoices, _so that_ I can file them.'],
  ])('is read as a story (%s)', (_label, story) => {
    expect(names(story)).toEqual([]);
  });

  it('is quoted without its markup', () => {
    expect(verdictOf('**As a** clerk, **I want** to export invoices.').findings).toEqual([
      expect.objectContaining({
        name: 'missing-benefit',
        line: 1,
        excerpt: 'As a clerk, I want to export invoices.',
      }),
    ]);
  });
});
