import { describe, expect, it } from 'vitest';
import {
  CUSTOMER_PROXY_WORDS,
  customerTicket,
  customerWording,
} from '../../../src/domain/linking/customer-proxy.ts';

describe('customerWording', () => {
  it('keeps the prose and drops pasted blocks, stack frames, log and code lines', () => {
    const description = [
      'Since the upgrade the *web console* shows an empty queue list.',
      '{code}',
      'broker.start();',
      '{code}',
      '2016-10-17 17:19:14,041 | WARN | Transport failed',
      'java.lang.NullPointerException: null',
      '\tat org.apache.activemq.web.QueueView.list(QueueView.java:42)',
      'Caused by: java.io.IOException',
      'See https://example.org/AMQ-1234 and AMQ-1234 for details.',
      'hive> select * from t;',
      'Restarting the [broker|http://x/y] does not help.',
    ].join('\n');
    expect(customerWording(description)).toBe(
      'Since the upgrade the web console shows an empty queue list. See and for details. Restarting the broker does not help.',
    );
  });

  it('drops code-like tokens inside sentences', () => {
    expect(
      customerWording('Calling org.apache.Foo.bar() fails with key=value in /usr/local/lib/x, then stops.'),
    ).toBe('Calling fails with in then stops.');
  });

  it(`cuts to the first ${CUSTOMER_PROXY_WORDS} words`, () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`);
    expect(customerWording(words.join(' ')).split(' ')).toEqual(words.slice(0, CUSTOMER_PROXY_WORDS));
  });
});

describe('customerTicket', () => {
  it('has no title and the customer wording as its description', () => {
    const ticket = {
      id: 'Q-1',
      title: 'NPE in QueueView',
      description: 'The queue page is empty after upgrading the broker.',
    };
    expect(customerTicket(ticket)).toEqual({ id: 'Q-1', title: '', description: ticket.description });
  });

  it('is undefined when too little prose is left to file a ticket', () => {
    expect(
      customerTicket({ title: 'Memory leak', description: 'See: http://example.org/thread/534' }),
    ).toBeUndefined();
  });
});
