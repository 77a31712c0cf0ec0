import { describe, expect, it } from 'vitest';
import { wikiToPlainText } from '../../../src/trackers/jira/wiki-text.ts';

describe('wikiToPlainText', () => {
  it.each([
    ['plain text', 'Leaving a comment here! :)', 'Leaving a comment here! :)'],
    ['command keeps its line start', 'thanks\n/score impact=3 effort=2', 'thanks\n/score impact=3 effort=2'],
    ['headings', 'h1. Title\nh3. Sub', 'Title\nSub'],
    ['bold and italic', 'this is *bold* and _it_', 'this is bold and it'],
    ['monospace stays marked as code', 'run {{npm test}}', 'run `npm test`'],
    ['link with label', 'see [the doc|https://x.test/d]', 'see the doc (https://x.test/d)'],
    ['bare link', '[https://x.test/d]', 'https://x.test/d'],
    ['mention', '[~accountid:619a4432ebce470067f20384] please look', '@619a4432ebce470067f20384 please look'],
    ['bullets', '* one\n** nested\n- dash', '- one\n  - nested\n- dash'],
    ['numbered', '# one\n# two', '1. one\n2. two'],
    ['table', '||A||B||\n|1|2|', 'A | B\n1 | 2'],
    [
      'code block fenced',
      'before\n{code:java}\n/score 1\n{code}\nafter',
      'before\n```\n/score 1\n```\nafter',
    ],
    ['noformat fenced', '{noformat}\n/link BR-1\n{noformat}', '```\n/link BR-1\n```'],
    ['one-line code block', '{code}/x{code}', '```\n/x\n```'],
    ['inline code macro stays marked as code', 'use {code}x{code} here', 'use `x` here'],
    ['a quoted command never starts a line', '{{/score}} is the command', '`/score` is the command'],
    ['rule', '----', '---'],
    ['colour', '{color:red}hot{color}', 'hot'],
    ['line break', 'a\\\\b', 'a\nb'],
    ['quote block lines are quoted', '{quote}\n/link ABC-1\n{quote}\nafter', '> /link ABC-1\nafter'],
    ['one-line quote', 'x {quote}/score{quote} y', 'x \n> /score\n y'],
    ['bq. line', 'bq. /score impact=5', '> /score impact=5'],
    ['smart link', '[https://x.test/b/A-1|https://x.test/b/A-1|smart-link]', 'https://x.test/b/A-1'],
    ['smart card', '[https://x.test/b/A-1|https://x.test/b/A-1|smart-card]', 'https://x.test/b/A-1'],
    ['embed', '[https://x.test/v|https://x.test/v|embed]', 'https://x.test/v'],
  ])('%s', (_, input, expected) => {
    expect(wikiToPlainText(input)).toBe(expected);
  });
});
