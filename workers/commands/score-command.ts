import { type Block, bold, bulletList, code, paragraph } from '../../src/domain/doc.ts';
import { parseScoreCommand, renderExplanation } from '../../src/domain/scoring/index.ts';
import {
  applyScore,
  clearOverrides,
  computeScore,
  isBacklog,
  type ScoreOutcome,
  setOverrides,
} from '../capabilities/scoring.ts';
import type { CommandExecutor } from './command-executor.ts';

function scoreLine(outcome: ScoreOutcome, prefix: string): Block {
  return paragraph(
    prefix,
    'Priority score ',
    bold(String(outcome.score)),
    ` (${outcome.model.toUpperCase()}); the scorecard comment shows every input.`,
  );
}

const USAGE = paragraph(
  'Use ',
  code('/score'),
  ', ',
  code('/score impact=4 effort=3'),
  ', ',
  code('/score clear'),
  ' or ',
  code('/score explain'),
  '.',
);

export const scoreCommand: CommandExecutor = {
  spec: {
    name: 'score',
    summary: 'The priority score (RICE or WSJF): recompute it, set its inputs, explain it',
    usage: [
      { example: '/score', description: 'Re-computes the score now and rewrites the fields and scorecard' },
      {
        example: '/score impact=4 effort=3',
        description: 'Sets inputs by hand (reach, impact, confidence, effort); they win over inferred values',
      },
      {
        example: '/score clear',
        description: 'Removes the inputs set by hand (or name some: /score clear impact)',
      },
      { example: '/score explain', description: 'Answers with the formula and where each number came from' },
    ],
  },
  // A recompute rewrites the score fields and the scorecard as much as an override does; only explaining reads.
  edits: (command) => {
    const kind = parseScoreCommand(command.args).kind;
    return kind === 'set' || kind === 'clear' || kind === 'recompute';
  },
  async run(command, context) {
    const parsed = parseScoreCommand(command.args);
    if (parsed.kind === 'invalid')
      return [paragraph(bold('Nothing changed:')), bulletList(parsed.problems), USAGE];
    const item = await context.tracker().getItem(context.event.item);
    if (!isBacklog(item, context))
      return [paragraph('Only backlog items are scored; this item is not in a backlog project or board.')];
    const { ref } = item;
    switch (parsed.kind) {
      case 'explain':
        return renderExplanation(await computeScore(item, context)).blocks;
      case 'set': {
        await setOverrides(context, ref, parsed.values, context.event.actor);
        const set = Object.entries(parsed.values).map(([name, value]) => `${name}=${value}`);
        return [scoreLine(await applyScore(item, context, { force: true }), `Set ${set.join(', ')}. `)];
      }
      case 'clear': {
        const cleared = await clearOverrides(context, ref, parsed.inputs);
        const prefix =
          cleared.length > 0 ? `Cleared ${cleared.join(', ')}. ` : 'No inputs were set by hand. ';
        return [scoreLine(await applyScore(item, context, { force: true }), prefix)];
      }
      case 'recompute':
        return [scoreLine(await applyScore(item, context, { force: true }), '')];
    }
  },
};
