import { type Block, code, link, paragraph } from '../../src/domain/doc.ts';
import type { ItemRef } from '../../src/domain/events.ts';
import { plural } from '../../src/domain/scoring/format.ts';
import { listedItems, renderSprintSummary, summaryTitle } from '../../src/domain/sprint-summary/index.ts';
import { postTrelloSummary } from '../capabilities/board-summary.ts';
import { activeSprintOf, type NoActiveSprint } from '../capabilities/sprint-of-item.ts';
import { postJiraSummary, summarizeJiraSprint } from '../capabilities/sprint-summary.ts';
import type { CommandContext, CommandExecutor } from './command-executor.ts';

async function posted(context: CommandContext, ref: ItemRef, action: string): Promise<Block[]> {
  const item = await context.tracker(ref.tracker).getItem(ref);
  const verb = action === 'created' ? 'Posted' : 'Updated';
  return [paragraph(`${verb} the summary: `, link(`${item.ref.key} ${item.title}`, item.url), '.')];
}

function noActiveSprint(why: NoActiveSprint, item: ItemRef): Block[] {
  if (why.reason === 'future') {
    return [
      paragraph(
        `${item.key} is in ${why.sprintName}, which has not started: `,
        code('/summary'),
        ' previews an active sprint.',
      ),
    ];
  }
  if (why.reason === 'kanban') {
    return [
      paragraph(
        `Board ${why.boardId} (`,
        code(`summaries.jira.boards.${why.boardId}`),
        ' in the rules file) is a kanban board: it has no sprints to summarize. Map the project to its scrum board.',
      ),
    ];
  }
  if (why.reason === 'several') {
    return [
      paragraph(
        `Board ${why.boardId} has ${why.sprints.length} active sprints (${why.sprints.map((s) => s.name).join(', ')}): comment `,
        code('/summary'),
        ' on an issue of the one you mean.',
      ),
    ];
  }
  return [
    paragraph(
      'No active sprint found for this issue: add it to a sprint, or map its project to a board in the ',
      'rules file (',
      code('summaries.jira.boards.<boardId>.projectKey'),
      ').',
    ),
  ];
}

async function jira(post: boolean, context: CommandContext): Promise<Block[]> {
  const sprint = await activeSprintOf(context.event.item, context.event.container.key, context);
  if ('reason' in sprint) return noActiveSprint(sprint, context.event.item);
  if (post) {
    const result = await postJiraSummary(sprint.id, context);
    return posted(context, result.ref, result.action);
  }
  const { stats } = await summarizeJiraSprint(sprint.id, context);
  // A sprint may hold issues the commenter cannot see (another project, a security level): the reply lists only
  // those they may browse, and says how many it leaves out without naming them.
  const listed = listedItems(stats);
  const visible = await context.permissions.permitted(listed, 'browse');
  const hidden = listed.filter((ref) => !visible.has(ref.id)).length;
  const [, ...blocks] = renderSprintSummary(stats, {
    title: summaryTitle(sprint.name),
    // The reply is read by everyone who may browse the commented issue, not only by its author.
    shows: (item) => visible.has(item.ref.id) && !item.restricted,
    timeZone: context.rules().summaries.timeZone,
  }).blocks;
  return [
    paragraph(
      `Preview of ${sprint.name} so far. The summary is posted when the sprint closes; `,
      code('/summary post'),
      ' posts it now.',
    ),
    ...(hidden > 0
      ? [
          paragraph(
            `${plural(hidden, 'item')} you cannot see ${hidden === 1 ? 'is' : 'are'} left out of the lists.`,
          ),
        ]
      : []),
    ...blocks,
  ];
}

export const summaryCommand: CommandExecutor = {
  spec: {
    name: 'summary',
    summary: 'Preview or post the sprint summary',
    usage: [
      {
        example: '/summary',
        description:
          'Jira: previews the active sprint so far. Trello: posts the summary of the board’s window',
      },
      {
        example: '/summary post',
        description: 'Posts the summary now (a later run edits it, never adds one)',
      },
    ],
  },
  // Posting writes the team's summary (Trello's `/summary` posts too): a preview only reads.
  edits: (command, tracker) => command.args.trim().toLowerCase() === 'post' || tracker === 'trello',
  async run(command, context) {
    const sub = command.args.trim().toLowerCase();
    if (sub !== '' && sub !== 'post') {
      return [
        paragraph(
          'Unknown argument ',
          code(sub),
          '. Use ',
          code('/summary'),
          ' or ',
          code('/summary post'),
          '.',
        ),
      ];
    }
    const { event } = context;
    if (event.tracker === 'jira') return jira(sub === 'post', context);
    const result = await postTrelloSummary(event.container.id, context.now(), context);
    return posted(context, result.ref, result.action);
  },
};
