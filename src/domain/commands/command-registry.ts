import { bold, code, type Doc, doc, heading, paragraph, table } from '../doc.ts';

/** What a command is, for help and for dispatch; each capability contributes its own. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Usage lines, e.g. `/score impact=4 effort=3`, each with what it does. */
  usage: { example: string; description: string }[];
}

export type Resolution = { kind: 'known'; spec: CommandSpec } | { kind: 'unknown'; suggestion?: CommandSpec };

/** Optimal-string-alignment distance: a swapped pair of letters ("/socre") counts as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

export function resolveCommand(specs: readonly CommandSpec[], name: string): Resolution {
  const spec = specs.find((candidate) => candidate.name === name);
  if (spec) return { kind: 'known', spec };
  let suggestion: CommandSpec | undefined;
  let best = Number.POSITIVE_INFINITY;
  for (const candidate of specs) {
    const distance =
      candidate.name.startsWith(name) || name.startsWith(candidate.name)
        ? 1
        : editDistance(name, candidate.name);
    if (distance < best) {
      best = distance;
      suggestion = candidate;
    }
  }
  return {
    kind: 'unknown',
    suggestion: best <= Math.max(2, Math.floor(name.length / 3)) ? suggestion : undefined,
  };
}

/** The ways a command may be written on a site: its prefixes, and the service account's mention. */
export interface CommandForms {
  prefixes: readonly string[];
  /** The mention as people type it (Jira `@<display name>`, Trello `@username`), once known. */
  mention?: string;
}

const usageRows = (spec: CommandSpec) => spec.usage.map((usage) => [code(usage.example), usage.description]);

export function renderHelp(specs: readonly CommandSpec[], forms: CommandForms = { prefixes: ['/'] }): Doc {
  const rows = specs.flatMap(usageRows);
  const examples = [
    ...forms.prefixes.map((prefix) => `${prefix}score impact=4`),
    ...(forms.mention ? [`${forms.mention} score impact=4`] : []),
  ];
  return doc(
    heading(3, 'backlog-refinery commands'),
    paragraph('Write a command at the start of a line of a comment; several commands per comment are fine.'),
    paragraph(
      'Forms that work on this site: ',
      ...examples.flatMap((example, index) => [...(index > 0 ? [', '] : []), code(example)]),
      '. Commands in code blocks and quotes do not run. ',
      code('/help score'),
      ' explains one command.',
    ),
    table(['Command', 'What it does'], rows),
  );
}

/** `/help <command>`: what the command is for, and each way to use it. */
export function renderCommandHelp(spec: CommandSpec): Doc {
  return doc(
    heading(3, `/${spec.name}: ${spec.summary}`),
    table(['Command', 'What it does'], usageRows(spec)),
  );
}

export function renderUnknownCommand(
  name: string,
  resolution: Extract<Resolution, { kind: 'unknown' }>,
): Doc {
  return resolution.suggestion
    ? doc(
        paragraph(
          'Unknown command ',
          code(`/${name}`),
          '. Did you mean ',
          bold(`/${resolution.suggestion.name}`),
          '? Write ',
          code('/help'),
          ' for the list.',
        ),
      )
    : doc(
        paragraph(
          'Unknown command ',
          code(`/${name}`),
          '. Write ',
          code('/help'),
          ' for the list of commands.',
        ),
      );
}
