import { describe, expect, it } from 'vitest';
import {
  type CommandSpec,
  editDistance,
  renderHelp,
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

  it('suggests nothing for something unrelated', () => {
    expect(resolveCommand(specs, 'deploy-production')).toEqual({ kind: 'unknown', suggestion: undefined });
  });

  it('finds a known command', () => {
    expect(resolveCommand(specs, 'ac')).toMatchObject({ kind: 'known', spec: { name: 'ac' } });
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
