import { describe, expect, it } from 'vitest';
import { browseAudienceOf, cardTitleShownOn, titleShownOn } from '../../../src/domain/linking/audience.ts';

const group = (name: string) => ({ type: 'group', parameter: name, value: `id-${name}` });
const role = (id: string, name: string) => ({
  type: 'projectRole',
  parameter: id,
  value: id,
  projectRole: { name },
});
const apps = role('10003', 'atlassian-addons-project-access');
const anyLoggedIn = { type: 'applicationRole' };

const shown = (ticket: object[], item: object[] | undefined, projects = { ticket: 'SUP', item: 'APP' }) =>
  titleShownOn(
    projects,
    browseAudienceOf(ticket as never),
    item === undefined ? undefined : browseAudienceOf(item as never),
  );

describe('whether a ticket names an item of another project by its title', () => {
  it('shows it when every signed-in user, or anyone, may browse the item project', () => {
    expect(shown([role('10100', 'Service Desk Team')], [anyLoggedIn, apps])).toBe(true);
    expect(shown([group('desk')], [{ type: 'anyone' }])).toBe(true);
  });

  it('withholds it when only the users of one product may browse the item project, and the ticket is open wider', () => {
    expect(
      shown([anyLoggedIn], [{ type: 'applicationRole', parameter: 'jira-software', value: 'jira-software' }]),
    ).toBe(false);
  });

  it('shows it when every group and user the ticket project grants also browses the item project', () => {
    expect(shown([group('desk'), apps], [group('desk'), group('devs'), apps])).toBe(true);
    expect(shown([group('desk'), group('devs')], [group('devs')])).toBe(false);
  });

  it('withholds it when the ticket project grants a project role: its members are the project’s own', () => {
    const developers = role('10001', 'Developers');
    expect(shown([developers], [developers])).toBe(false);
    expect(shown([group('desk'), { type: 'reporter' }], [group('desk')])).toBe(false);
  });

  it('withholds it when the ticket project grants Browse to nobody it can compare (no grant, or only the apps’ role)', () => {
    expect(shown([], [group('devs')])).toBe(false);
    expect(shown([apps], [group('devs'), apps])).toBe(false);
  });

  it('withholds it when the item project’s scheme could not be read, unless both are one project', () => {
    expect(shown([anyLoggedIn], undefined)).toBe(false);
    expect(shown([anyLoggedIn], undefined, { ticket: 'APP', item: 'APP' })).toBe(true);
  });
});

describe('whether a ticket names a card of another board by its title', () => {
  const acme = (level: string) => ({ level, workspace: 'acme' });
  const onTrello = { ticket: 'support', item: 'backlog' };
  const onJira = { ticket: undefined, item: 'backlog' };

  it('shows a card of the ticket’s own board, whatever the board', () => {
    expect(cardTitleShownOn({ ticket: 'backlog', item: 'backlog' }, undefined, undefined)).toBe(true);
  });

  it('shows a card of a public board on any ticket', () => {
    expect(cardTitleShownOn(onJira, undefined, { level: 'public' })).toBe(true);
  });

  it('shows a card of a Workspace board on a Trello ticket of a non-public board of the same Workspace only', () => {
    expect(cardTitleShownOn(onTrello, acme('private'), acme('org'))).toBe(true);
    expect(cardTitleShownOn(onTrello, acme('org'), acme('org'))).toBe(true);
    expect(cardTitleShownOn(onTrello, acme('public'), acme('org'))).toBe(false);
    expect(cardTitleShownOn(onTrello, { level: 'org', workspace: 'other' }, acme('org'))).toBe(false);
    expect(cardTitleShownOn(onTrello, undefined, acme('org'))).toBe(false);
    expect(cardTitleShownOn(onJira, undefined, acme('org'))).toBe(false);
  });

  it('withholds a card of a private board, of a board of a visibility it does not know, or of an unreadable board', () => {
    expect(cardTitleShownOn(onTrello, acme('private'), acme('private'))).toBe(false);
    expect(cardTitleShownOn(onTrello, acme('org'), acme('enterprise'))).toBe(false);
    expect(cardTitleShownOn(onJira, undefined, undefined)).toBe(false);
  });
});
