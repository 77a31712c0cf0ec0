import { describe, expect, it } from 'vitest';
import { bold, code, doc, heading, italic, link, paragraph } from '../../src/domain/doc.ts';
import { markdownToDoc } from '../../src/trackers/markdown-doc.ts';

describe('markdownToDoc', () => {
  it.each([
    ['heading levels capped at 3', '## A\n#### B', doc(heading(2, 'A'), heading(3, 'B'))],
    ['lines stay paragraphs', 'Given x\nWhen y', doc(paragraph('Given x'), paragraph('When y'))],
    [
      'inline marks',
      '**b** and *i* and `c` and [l](https://x.test)',
      doc(
        paragraph(bold('b'), ' and ', italic('i'), ' and ', code('c'), ' and ', link('l', 'https://x.test')),
      ),
    ],
    ['snake_case stays literal', 'use some_field_name here', doc(paragraph('use some_field_name here'))],
    [
      'bullets',
      '- a\n* b\n\nafter',
      { blocks: [{ type: 'bulletList', items: [[{ text: 'a' }], [{ text: 'b' }]] }, paragraph('after')] },
    ],
    [
      'numbered',
      '1. a\n2) b',
      { blocks: [{ type: 'orderedList', items: [[{ text: 'a' }], [{ text: 'b' }]] }] },
    ],
    ['fenced code', '```\nx = 1\n```', { blocks: [{ type: 'code', text: 'x = 1' }] }],
    ['rule', '---', { blocks: [{ type: 'rule' }] }],
    [
      'table',
      '| A | B |\n|---|---|\n| 1 | 2 |',
      {
        blocks: [
          {
            type: 'table',
            header: [[{ text: 'A' }], [{ text: 'B' }]],
            rows: [[[{ text: '1' }], [{ text: '2' }]]],
          },
        ],
      },
    ],
    [
      'backslash escapes stay text (how the service writes tracker text)',
      '\\[l\\](https://x.test) \\*\\*b\\*\\* \\_i\\_ C:\\Users',
      doc(paragraph('[l](https://x.test) **b** _i_ C:\\Users')),
    ],
    ['an escaped line start is no heading', '\\# not a heading', doc(paragraph('# not a heading'))],
    ['code keeps its backslashes', '`a\\*b`', doc(paragraph(code('a\\*b')))],
    [
      'an escaped pipe stays in its cell',
      '| A \\| B | C |\n|---|---|',
      { blocks: [{ type: 'table', header: [[{ text: 'A | B' }], [{ text: 'C' }]], rows: [] }] },
    ],
  ])('%s', (_, input, expected) => {
    expect(markdownToDoc(input)).toEqual(expected);
  });
});
