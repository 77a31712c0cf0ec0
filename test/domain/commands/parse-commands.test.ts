import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../../src/domain/commands/parse-commands.ts';

const names = (text: string) => parseCommands(text).map((c) => `/${c.name}${c.args ? ` ${c.args}` : ''}`);

describe('parseCommands', () => {
  it.each([
    ['a lone command', '/help', ['/help']],
    ['arguments, spacing normalised', '/score   impact=4  effort=3 ', ['/score impact=4 effort=3']],
    [
      'several commands in one comment',
      'Thanks!\n/score\nand also\n/ac template',
      ['/score', '/ac template'],
    ],
    ['command names are case-insensitive', '/Score explain', ['/score explain']],
    ['up to three leading spaces', '   /help', ['/help']],
    ['a slash inside a sentence is not a command', 'see /score above', []],
    ['a path is not a command', '/usr/bin/env is broken', []],
    ['four spaces is an indented code block', '    /help', []],
    ['markdown code fence', '```\n/score\n```\n/help', ['/help']],
    ['tilde fence', '~~~\n/score\n~~~', []],
    ['unclosed fence swallows the rest', '```\n/score', []],
    ['jira {code} block', '{code:java}\n/score\n{code}\n/ac', ['/ac']],
    ['jira {noformat} on one line', '{noformat}/score{noformat}\n/help', ['/help']],
    ['jira {quote} block', '{quote}\n/link ABC-1\n{quote}\n/similar', ['/similar']],
    ['markdown quote', '> /score impact=5\n/help', ['/help']],
    ['jira bq. quote', 'bq. /score\n/help', ['/help']],
    ['windows line endings', '/help\r\n/score\r\n', ['/help', '/score']],
    ['old Mac line endings', '/help\r/score', ['/help', '/score']],
    ['a fence marker inside a line opens nothing', 'use ``` for code\n/help', ['/help']],
    ['a > inside a command line is no quote', '/link ABC-1 > note', ['/link ABC-1 > note']],
    ['a command line that opens a jira block', '/score {code}\n/help\n{code}', []],
    ['a command line that closes a jira block', '{code}\nx\n/help {code}\n/ac', ['/ac']],
    ['letters a to z in either case', '/SUMMARIZE\n/prioritize', ['/summarize', '/prioritize']],
    ['digits and dashes inside a name', '/sprint-2019\n/v9', ['/sprint-2019', '/v9']],
    ['a tab after the name', '/score\timpact=4', ['/score impact=4']],
    ['a lone slash is no command', '/\n/ \n/ score', []],
    ['a C-style comment is no command', '// TODO: /score later', []],
    ['a name must start with a letter', '/2fa enable', []],
    ['an underscore ends no name', '/score_card\n/_private', []],
    ['punctuation glued to the name', '/score=4\n/help?\n/link{ABC-1}', []],
    ['letters beyond a-z are no name', '/über\n/score\u00e9', []],
  ])('%s', (_label, text, expected) => {
    expect(names(text)).toEqual(expected);
  });

  it('numbers lines and keeps repeated commands apart by fingerprint', () => {
    const commands = parseCommands('hi\n/score\n/score');

    expect(commands.map((c) => [c.line, c.fingerprint])).toEqual([
      [2, 'score #1'],
      [3, 'score #2'],
    ]);
  });

  it('an edit keeps the fingerprints of unchanged commands, so only new ones run', () => {
    const before = parseCommands('/score\n/ac').map((c) => c.fingerprint);
    const after = parseCommands('typo fixed\n/score\n/ac\n/link ABC-9').map((c) => c.fingerprint);

    expect(after.filter((f) => !before.includes(f))).toEqual(['link ABC-9#1']);
  });

  it('takes a name of up to 32 characters; a longer word is text, not an unknown command', () => {
    const name32 = 'a'.repeat(32);

    expect(names(`/${name32} x\n/${name32}b\n/${'a'.repeat(40)}`)).toEqual([`/${name32} x`]);
  });

  it('stops at the per-comment limit', () => {
    expect(parseCommands('/a\n/b\n/c\n/d', 2)).toHaveLength(2);
  });
});

describe('commands that survive rich editors (issue 15, item 3)', () => {
  const JIRA = { prefixes: ['/'], mentions: ['@Refinery Bot', '@712020:bot-0001'] };
  const parse = (text: string, syntax = JIRA) =>
    parseCommands(text, 10, { ...syntax, names: ['score', 'help', 'link'] }).map(
      (c) => `${c.name}${c.args ? ` ${c.args}` : ''}`,
    );

  it.each([
    ['a mention by display name (ADF mention text)', '@Refinery Bot score impact=4', ['score impact=4']],
    ['a mention by account id (wiki [~accountid:…])', '@712020:bot-0001 score impact=4', ['score impact=4']],
    [
      'with a colon or comma after the mention',
      '@Refinery Bot: help\n@Refinery Bot, help',
      ['help', 'help #2'],
    ],
    ['with a prefix after the mention', '@Refinery Bot /score', ['score']],
    ['prose addressed to the service is no command', '@Refinery Bot thanks for the score!', []],
    ['a mention of someone else is no command', '@Refinery Bots score', []],
    ['a mention inside a quote does not run', '> @Refinery Bot score impact=5\nbq. @Refinery Bot help', []],
    ['a mention inside code does not run', '```\n@Refinery Bot score\n```', []],
  ])('%s', (_label, text, expected) => {
    const commands = parseCommands(text, 10, { ...JIRA, names: ['score', 'help', 'link'] });
    expect(
      commands.map((c) =>
        c.fingerprint.endsWith('#2') ? `${c.name} #2` : `${c.name}${c.args ? ` ${c.args}` : ''}`,
      ),
    ).toEqual(expected);
  });

  it('a configured prefix works like "/"; without it, "!" is text', () => {
    expect(parse('!score impact=2', { prefixes: ['/', '!'], mentions: [] })).toEqual(['score impact=2']);
    expect(parse('!score impact=2')).toEqual([]);
  });

  it('a typo after a prefix is still a command, so its author gets a suggestion', () => {
    expect(parse('/socre impact=4\n@Refinery Bot socre')).toEqual(['socre impact=4']);
  });

  it('a mention alone, or of a longer username, is no command, even where any name counts', () => {
    const loose = { prefixes: ['/'], mentions: ['@refinery'] };

    expect(parseCommands('@refinery', 10, loose)).toEqual([]);
    expect(parseCommands('@refinerybot help\n@refinery-ops score', 10, loose)).toEqual([]);
    expect(parseCommands('@refinery help', 10, loose).map((c) => c.name)).toEqual(['help']);
  });

  it('a Trello @username mention is case-insensitive', () => {
    expect(parse('@RefineryBot score', { prefixes: ['/'], mentions: ['@refinerybot'] })).toEqual(['score']);
  });
});
