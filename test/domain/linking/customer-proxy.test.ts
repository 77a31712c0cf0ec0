import { describe, expect, it } from 'vitest';
import {
  CUSTOMER_PROXY_WORDS,
  customerTicket,
  customerTickets,
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

describe('customerWording: what a customer would not write', () => {
  const line = (text: string) => `Intro\n${text}\nend`;
  it.each([
    ['a {noformat} block', 'Before {noformat}raw dump{noformat} after', 'Before after'],
    ['a {quote} block', 'Before {quote}quoted text{quote} after', 'Before after'],
    ['a {panel} block with parameters', 'Before {panel:title=Log}panel text{panel} after', 'Before after'],
    ['a block left open to the end', 'Before {code:java}unclosed code till the end', 'Before'],
    ['a block in capitals', '{CODE}upper{CODE} kept', 'kept'],
    ['a stack frame behind a log level', line('[ERROR] at org.foo.Bar.run(Bar.java:1)'), 'Intro end'],
    ['"... n more"', line('    ... 12 more'), 'Intro end'],
    ['an exception with its message', line('org.foo.BarException: boom'), 'Intro end'],
    ['a line naming an exception class', line('the org.foo.SomeError happened'), 'Intro end'],
    ['a line starting with a date', line('2016/10/17 started'), 'Intro end'],
    ['a line starting with a time', line('[17:19:14] started'), 'Intro end'],
    ['a line starting with a thread name', line('[main thread] started'), 'Intro end'],
    ['a line with a log level', line('we saw a WARNING today'), 'Intro end'],
    ['a statement', line('int x = 1;'), 'Intro end'],
    ['an opening brace', line('if (x) {'), 'Intro end'],
    ['a closing brace', line('}'), 'Intro end'],
    ['a shell prompt', line('$ mvn install'), 'Intro end'],
    ['a comment', line('# comment'), 'Intro end'],
    ['a table row', line('| cell | cell |'), 'Intro end'],
    ['a tool prompt', line('mysql> show tables'), 'Intro end'],
    ['a line comment', line('// comment'), 'Intro end'],
    ['an XML tag', line('<dependency>'), 'Intro end'],
    ['a closing XML tag', line('</dependency>'), 'Intro end'],
    ['an annotation', line('@Override'), 'Intro end'],
    ['a query', line('SELECT a FROM b'), 'Intro end'],
    ['an insert', line('insert overwrite table t'), 'Intro end'],
    ['a create statement', line('CREATE EXTERNAL TABLE t'), 'Intro end'],
    ['an index creation', line('create index i'), 'Intro end'],
    ['a drop statement', line('drop view v'), 'Intro end'],
    ['an alter statement', line('alter table t add x'), 'Intro end'],
    ['ftp and file links', 'See ftp://x.org/a and file:///tmp/x here', 'See and here'],
    ['issue keys in capitals', 'Fixed in HIVE-123 and hive-456 too', 'Fixed in and hive-456 too'],
    [
      'link markup, keeping its text',
      'Click [here|http://x] and [the docs|http://y]',
      'Click here and the docs',
    ],
    ['monospace and colour markup', 'Use {{mvn install}} and {color:red}red{color} text', 'Use and red text'],
    ['a heading marker', 'h2. Heading here', 'Heading here'],
    ['emphasis marks', 'A *bold* and _italic_ word, *really*.', 'A bold and italic word, really.'],
    ['code-like tokens and bare punctuation', 'Tokens a.b.c foo() path/to/dir/ A::B x=1 - — ok', 'Tokens ok'],
  ])('drops %s', (_name, description, expected) => {
    expect(customerWording(description)).toBe(expected);
  });

  it.each([
    ['a lower-case "warning"', line('we saw a warning today'), 'Intro we saw a warning today end'],
    ['a sentence starting with "select"', line('select the best option'), 'Intro select the best option end'],
    ['a version and an abbreviation', 'Version 1.2 and e.g. works', 'Version 1.2 and e.g. works'],
  ])('keeps %s', (_name, description, expected) => {
    expect(customerWording(description)).toBe(expected);
  });
});

describe('customerTickets', () => {
  it('keeps tickets with five words of prose or more, as customers would word them', () => {
    const tickets = [
      { id: 'five', title: 'T1', description: 'The export drops every row.' },
      { id: 'four', title: 'T2', description: 'Export drops every row.' },
    ];
    expect(customerTickets(tickets)).toEqual([
      { id: 'five', title: '', description: 'The export drops every row.' },
    ]);
  });
});
