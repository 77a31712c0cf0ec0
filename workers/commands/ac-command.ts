import { bold, code, paragraph } from '../../src/domain/doc.ts';
import { appendTemplate, enforceAcceptance, setExemption } from '../capabilities/acceptance.ts';
import type { CommandExecutor } from './command-executor.ts';

const NOT_BACKLOG = paragraph(
  bold('Not checked'),
  ': acceptance-criteria templates are for backlog items, and this is none (a support ticket, a sprint summary,',
  ' or an item outside the backlog projects).',
);

export const acCommand: CommandExecutor = {
  spec: {
    name: 'ac',
    summary: 'Check the item against its acceptance-criteria template',
    usage: [
      { example: '/ac', description: 'Checks the item against its acceptance-criteria template now' },
      {
        example: '/ac template',
        description: 'Appends the missing sections to the description (never overwrites text)',
      },
      {
        example: '/ac skip <reason>',
        description: 'Exempts the item from the check; the reason is recorded',
      },
    ],
  },
  // The check itself writes too: it sets or clears the item's acceptance label and comment.
  edits: (command) => ['', 'template', 'skip'].includes(command.args.split(' ')[0] ?? ''),
  async run(command, context) {
    const ref = context.event.item;
    const [sub = '', ...rest] = command.args.split(' ');
    if (sub === 'template') {
      const added = await appendTemplate(ref, context);
      if (added === undefined) return [NOT_BACKLOG];
      if (added === 'cut')
        return [
          paragraph(
            "Nothing appended: the description was cut at the tracker's limit before (it ends with",
            ' “… more lines not shown”), so the template would be cut too. Shorten the description, remove that line,',
            ' and write ',
            code('/ac template'),
            ' again.',
          ),
        ];
      if (!Array.isArray(added))
        return [
          paragraph(
            `Nothing appended: the template did not fit: ${added.full}, and the description is near that, so the`,
            ' tracker would have cut the sections off. Shorten the description and write ',
            code('/ac template'),
            ' again.',
          ),
        ];
      if (added.length === 0)
        return [paragraph('Nothing to add: every section of the template is already in the description.')];
      await enforceAcceptance(ref, context);
      return [
        paragraph(
          'Appended ',
          bold(added.join(', ')),
          ' to the description. Fill them in and the check runs again.',
        ),
      ];
    }
    if (sub === 'skip') {
      const reason = rest.join(' ').trim();
      if (!reason)
        return [
          paragraph(
            'Say why: ',
            code('/ac skip <reason>'),
            ', e.g. ',
            code('/ac skip spike, no user-facing change'),
            '.',
          ),
        ];
      await setExemption(context, ref, reason, context.event.actor, context.event.comment.visibility);
      if ((await enforceAcceptance(ref, context)).skipped) return [NOT_BACKLOG];
      return [paragraph(`Acceptance check skipped for this item: ${reason}.`)];
    }
    if (sub !== '') {
      return [
        paragraph(
          'Unknown argument ',
          code(sub),
          '. Use ',
          code('/ac'),
          ', ',
          code('/ac template'),
          ' or ',
          code('/ac skip <reason>'),
          '.',
        ),
      ];
    }
    const result = await enforceAcceptance(ref, context);
    if (result.skipped) return [NOT_BACKLOG];
    if (result.exempt && !result.ok)
      return [
        paragraph(
          bold('Skipped'),
          `: this item is exempt from its template (it would fail: ${result.findings.join(', ')}).`,
          ' See the acceptance-criteria comment.',
        ),
      ];
    return [
      result.ok
        ? paragraph(bold('Passes'), ' its acceptance-criteria template.')
        : paragraph(
            bold('Fails'),
            ` its template: ${result.findings.join(', ')}. See the acceptance-criteria comment.`,
          ),
    ];
  },
};
