import { describe, expect, it } from 'vitest';
import { ticketEvidence } from '../../../src/domain/scoring/evidence.ts';
import { resolveScoringRules } from '../../../src/domain/scoring/rules.ts';
import { makeItem } from './make-item.ts';

const rules = resolveScoringRules();
const ticket = (patch: Parameters<typeof makeItem>[0]) =>
  ticketEvidence(makeItem({ key: 'HELP-7', title: 'Checkout broken', ...patch }), rules);

describe('ticketEvidence: who the customer behind a support ticket is', () => {
  it('the first customer field set, trimmed, before the reporter', () => {
    expect(
      ticket({
        fields: { Organization: '  ', Customer: ' Acme GmbH ' },
        reporter: { id: 'u1', displayName: 'Ada' },
      }),
    ).toEqual({
      ticketRef: 'HELP-7',
      url: 'https://example.atlassian.net/browse/HELP-7',
      title: 'Checkout broken',
      customerId: 'Acme GmbH',
    });
  });

  it('field names in any case, in the order the rules list them', () => {
    expect(ticket({ fields: { customer: 'Beta', organizations: 'Alpha' } }).customerId).toBe('Alpha');
  });

  it('a value that is not text does not name a customer', () => {
    expect(
      ticket({ fields: { Organizations: 42 }, reporter: { id: 'u1', displayName: 'Ada' } }).customerId,
    ).toBe('Ada');
  });

  it('the reporter by name, else by id', () => {
    expect(ticket({ reporter: { id: 'u1', displayName: 'Ada' } }).customerId).toBe('Ada');
    expect(ticket({ reporter: { id: 'u1', displayName: '' } }).customerId).toBe('u1');
  });

  it('no customer field and no reporter: no customer id (the ticket counts as its own)', () => {
    expect(ticket({})).toEqual({
      ticketRef: 'HELP-7',
      url: 'https://example.atlassian.net/browse/HELP-7',
      title: 'Checkout broken',
    });
    expect('customerId' in ticket({})).toBe(false);
  });
});
