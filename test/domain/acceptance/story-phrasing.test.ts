import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Story' });
const AC = '\nAC: the export lists 3 rows';
const names = (story: string) =>
  checkItem({ title: '', description: `${story}${AC}` }, template).findings.map((f) => f.name);

describe('the many ways people write a user story', () => {
  it.each([
    'As a clerk, I want to export invoices, so that I can file them.',
    'As a clerk, I wanted to export invoices, so that I can file them.',
    'As a clerk, I really want to export invoices, so that I can file them.',
    'As a clerk, I would like to export invoices, so that I can file them.',
    'As a clerk, I would love to export invoices, so that I can file them.',
    'As a clerk, I need to export invoices, so that I can file them.',
    'As a clerk, I wish to export invoices, so that I can file them.',
    'As a clerk, I can export invoices, so that I can file them.',
    'As a clerk, I could export invoices, so that I can file them.',
    'As a clerk, I should be able to export invoices, so that I can file them.',
    'As a clerk, I must be able to export invoices, so that I can file them.',
    'As a clerk, I am able to export invoices, so that I can file them.',
    'As clerks, we are able to export invoices, so that we can file them.',
    'As a clerk, I expect to export invoices, so that I can file them.',
    'As a clerk, I like to export invoices, so that I can file them.',
    'As a clerk, I prefer to export invoices, so that I can file them.',
    'As a clerk, I will be able to export invoices, so that I can file them.',
    "As a clerk, I'd like to export invoices, so that I can file them.",
    "As clerks, we'd like to export invoices, so that we can file them.",
    'As a clerk, I’d like to export invoices, so that I can file them.',
    "As a clerk, I'm able to export invoices, so that I can file them.",
    'As a clerk, I’m able to export invoices, so that I can file them.',
    "As clerks, we're able to export invoices, so that we can file them.",
    'As clerks, we want to export invoices, so that we can file them.',
    'As the clerk, I want to export invoices, so that I can file them.',
    'As an accountant, I want to export invoices, so that I can file them.',
    'As a clerk I want to export invoices so that I can file them.',
    'As a clerk, I want to export invoices, so I can file them.',
    'As a clerk, I want to export invoices in order to file them.',
    'As a clerk, I want to export invoices, in order that they are filed.',
    'As a clerk, I want to export invoices, such that they are filed.',
    'As a clerk, I want to export invoices because the auditor asks for them.',
    'As a clerk, I want to export invoices, since the auditor asks for them.',
  ])('%s', (story) => {
    expect(names(story)).toEqual([]);
  });

  it.each([
    ['no role', 'I want to export invoices, so that I can file them.', ['missing-role']],
    [
      'a placeholder role',
      'As a <role>, I want to export invoices, so that I can file them.',
      ['missing-role'],
    ],
    ['no goal after the want', 'As a clerk, I want, so that I can file them.', ['missing-goal']],
    ['no benefit after the marker', 'As a clerk, I want to export invoices, so that.', ['missing-benefit']],
  ])('%s', (_label, story, expected) => {
    expect(names(story)).toEqual(expected);
  });
});

describe('one goal or several', () => {
  it.each([
    'As a user, I want to log in with username and password, so that my data is safe.',
    'As a user, I want to log in with my user name and password, so that my data is safe.',
    'As a user, I want to log in with my e-mail address & password, so that my data is safe.',
    'As a user, I want to drag and drop cards, so that planning is quick.',
    'As a writer, I want to copy and paste text, so that I save time.',
    'As a writer, I want to cut and paste text, so that I save time.',
    'As a writer, I want to search and replace words, so that I save time.',
    'As a writer, I want to find and replace words, so that I save time.',
    'As a buyer, I want to read the terms and conditions, so that I know my rights.',
    'As a buyer, I want to see pros and cons, so that I can choose.',
    'As a student, I want to browse questions and answers, so that I learn.',
    'As a student, I want to browse the Q & A, so that I learn.',
    'As a lead, I want to see the R&D budget, so that I can plan.',
    'As a printer owner, I want black and white prints, so that I save ink.',
    'As a user, I want plug and play devices, so that setup is quick.',
    'As a learner, I want to learn by trial and error, so that I remember.',
    'As a player, I want to wait while the others vote and reveal, so that it is fair.',
    'As a player, I want to see the cards once all have voted and revealed, so that it is fair.',
  ])('not two goals: %s', (story) => {
    expect(names(story)).not.toContain('not-atomic');
  });

  it.each([
    ['and', 'As a clerk, I want to export and print invoices, so that I can file them.'],
    ['or', 'As a clerk, I want to export or print invoices, so that I can file them.'],
    ['and/or', 'As a clerk, I want to export and/or print invoices, so that I can file them.'],
    ['&', 'As a clerk, I want to export & print invoices, so that I can file them.'],
    ['+', 'As a clerk, I want to export + print invoices, so that I can file them.'],
  ])('two goals joined by "%s"', (conjunction, story) => {
    const finding = checkItem({ title: '', description: `${story}${AC}` }, template).findings[0];
    expect(finding).toMatchObject({
      name: 'not-atomic',
      message: `The goal joins several requirements with "${conjunction}".`,
    });
  });
});

describe('more than role, goal and benefit', () => {
  it.each([
    ['(PDF)', 'As a clerk, I want to export invoices (PDF), so that I can file them.'],
    ['[PDF]', 'As a clerk, I want to export invoices [PDF], so that I can file them.'],
    ['{PDF}', 'As a clerk, I want to export invoices {PDF}, so that I can file them.'],
    ['e.g.', 'As a clerk, I want to export invoices, e.g. as PDF, so that I can file them.'],
    ['i.e.', 'As a clerk, I want to export invoices, i.e. PDF files, so that I can file them.'],
    ['etc.', 'As a clerk, I want to export invoices, credit notes etc., so that I can file them.'],
    ['such as', 'As a clerk, I want to export documents such as invoices, so that I can file them.'],
    ['for example', 'As a clerk, I want to export invoices, for example as PDF, so that I can file them.'],
    ['for instance', 'As a clerk, I want to export invoices, for instance as PDF, so that I can file them.'],
    ['Note:', 'As a clerk, I want to export invoices, so that I can file them. Note: PDF only'],
    [
      'Excel is out of scope.',
      'As a clerk, I want to export invoices, so that I can file them. Excel is out of scope.',
    ],
    ['so', 'As a clerk, I want to export invoices, so that I can file them so auditors are happy.'],
  ])('quotes "%s"', (extra, story) => {
    const finding = checkItem({ title: '', description: `${story}${AC}` }, template).findings.find(
      (f) => f.name === 'not-minimal',
    );
    expect(finding?.excerpt).toBe(extra);
  });

  it('a closing sentence of one word is no extra', () => {
    expect(names('As a clerk, I want to export invoices, so that I can file them. Thanks!')).toEqual([]);
  });
});
