import { describe, expect, it } from 'vitest';
import {
  type CommandSpec,
  editDistance,
  renderCommandHelp,
  renderHelp,
  renderUnknownCommand,
  resolveCommand,
} from '../../../src/domain/commands/command-registry.ts';
import { docToPlainText } from '../../../src/domain/doc.ts';

const spec = (name: string): CommandSpec => ({
  name,
  summary: name,
  usage: [{ example: `/${name}`, description: `does ${name}` }],
});
const specs = ['help', 'score', 'ac', 'link', 'unlink', 'similar', 'summary'].map(spec);

describe('resolveCommand', () => {
  it.each([
    ['socre', 'score'],
    ['scor', 'score'],
    ['hlep', 'help'],
    ['summry', 'summary'],
    ['simliar', 'similar'],
    ['unlnk', 'unlink'],
  ])('suggests /%s → /%s', (typed, expected) => {
    const resolution = resolveCommand(specs, typed);

    expect(resolution.kind === 'unknown' && resolution.suggestion?.name).toBe(expected);
  });

  it.each([
    ['scorecard', 'score', 'the typed name starts with a command'],
    ['summ', 'summary', 'a command starts with the typed name'],
    ['ulink', 'link', 'of two equally close commands, the first listed'],
    ['hxlx', 'help', 'two edits away from a short name'],
    ['simmilarly', 'similar', 'a third of a long name in edits'],
  ])('suggests /%s → /%s: %s', (typed, expected) => {
    const resolution = resolveCommand(specs, typed);

    expect(resolution.kind === 'unknown' && resolution.suggestion?.name).toBe(expected);
  });

  it('suggests nothing for something unrelated', () => {
    expect(resolveCommand(specs, 'deploy-production')).toEqual({ kind: 'unknown', suggestion: undefined });
  });

  it('finds a known command', () => {
    expect(resolveCommand(specs, 'ac')).toMatchObject({ kind: 'known', spec: { name: 'ac' } });
  });

  it.each([
    ['', 'abc', 3],
    ['abc', '', 3],
    ['ba', 'xb', 2],
    ['ab', 'bx', 2],
    ['abcd', 'abcd', 0],
  ])('editDistance(%j, %j) is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('socre', 'score')).toBe(1);
  });
});

describe('renderHelp', () => {
  it('lists every usage line with its description', () => {
    const text = docToPlainText(renderHelp(specs));

    expect(text).toContain('/score | does score');
    expect(text).toContain('/help | does help');
  });
});

describe('what a person reads', () => {
  it('help: a heading, how to write commands, a table of usage lines', () => {
    expect(docToPlainText(renderHelp([spec('help')]))).toBe(
      [
        'backlog-refinery commands',
        'Write a command at the start of a line of a comment; several commands per comment are fine.',
        'Forms that work on this site: /score impact=4. Commands in code blocks and quotes do not run. /help score explains one command.',
        'Command | What it does',
        '/help | does help',
      ].join('\n'),
    );
  });

  it("help on a site with extra prefixes and the service's mention lists every form", () => {
    const help = docToPlainText(
      renderHelp([spec('help')], { prefixes: ['/', '!'], mention: '@Refinery Bot' }),
    );

    expect(help).toContain(
      'Forms that work on this site: /score impact=4, !score impact=4, @Refinery Bot score impact=4. Commands',
    );
  });

  it('help on one command: what it is for, then every way to use it', () => {
    const score = {
      name: 'score',
      summary: 'The priority score',
      usage: [
        { example: '/score', description: 'Re-computes it' },
        { example: '/score explain', description: 'Shows the formula' },
      ],
    };

    expect(docToPlainText(renderCommandHelp(score))).toBe(
      [
        '/score: The priority score',
        'Command | What it does',
        '/score | Re-computes it',
        '/score explain | Shows the formula',
      ].join('\n'),
    );
  });

  it('an unknown command, with and without a suggestion', () => {
    const typo = resolveCommand(specs, 'socre');
    const unrelated = resolveCommand(specs, 'deploy-production');

    expect(typo.kind === 'unknown' && docToPlainText(renderUnknownCommand('socre', typo))).toBe(
      'Unknown command /socre. Did you mean /score? Write /help for the list.',
    );
    expect(unrelated.kind === 'unknown' && docToPlainText(renderUnknownCommand('deploy', unrelated))).toBe(
      'Unknown command /deploy. Write /help for the list of commands.',
    );
  });
});
