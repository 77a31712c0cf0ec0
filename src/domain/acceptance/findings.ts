import type { Section } from './rules.ts';

export type Severity = 'error' | 'warning';

/** One problem of an item, phrased for the person who fixes it. */
export interface Finding {
  /** Stable name, e.g. `missing-role`, `vague-criterion`, `missing-steps-to-reproduce`. */
  name: string;
  severity: Severity;
  /** 1-based line of the description the finding concerns; absent for the title, checklists and absences. */
  line?: number;
  /** The text concerned (a criterion, the story sentence), shortened. */
  excerpt?: string;
  message: string;
  fix: string;
}

export interface Verdict {
  /** No error-level finding (warnings do not fail an item). */
  ok: boolean;
  /** Template applied; `none` = the item's type has no requirements. */
  template: string;
  findings: Finding[];
  /** Keys of template sections that are absent or empty: what `appendMissingSections` adds. */
  missingSections: string[];
}

interface At {
  line?: number;
  excerpt?: string;
}

export function finding(name: string, severity: Severity, at: At, message: string, fix: string): Finding {
  const excerpt = at.excerpt === undefined ? undefined : shorten(at.excerpt);
  return {
    name,
    severity,
    ...(at.line === undefined ? {} : { line: at.line }),
    ...(excerpt === undefined ? {} : { excerpt }),
    message,
    fix,
  };
}

const CONTENT_HINT: Record<Section['content'], string> = {
  none: '',
  steps: ' Numbered actions that lead to the problem count too.',
  expected: ' A sentence with "expected" or "should" counts too.',
  actual: ' A sentence describing what happens (error, crash, wrong result) counts too.',
  environment: '',
};

/** `title`: the item's title when it already says what should happen, so the fix can point at it. */
export function missingSection(section: Section, title?: string): Finding {
  const fromTitle =
    title === undefined
      ? ''
      : ` The title says what should happen; say it in the description, next to what happens.`;
  return finding(
    `missing-${section.key}`,
    section.severity,
    title === undefined ? {} : { excerpt: title },
    `The "${section.heading}" section is missing.`,
    `Add a heading "${section.heading}" with its content.${CONTENT_HINT[section.content]}${fromTitle}`,
  );
}

export function emptySection(section: Section, line: number | undefined): Finding {
  const name = section.criteria ? 'empty-criteria' : `empty-${section.key}`;
  const what = section.criteria ? 'at least one criterion' : 'its content';
  return finding(
    name,
    section.severity,
    { line },
    `The "${section.heading}" section is empty.`,
    `Write ${what} under "${section.heading}", one per line (Given/When/Then or a checklist line).`,
  );
}

/** "Expected: firefox closed" under "Actual: firefox closes": the reporter copied the observation. */
export function expectedRestatesActual(section: Section, line: number | undefined): Finding {
  return finding(
    `missing-${section.key}`,
    section.severity,
    { line },
    `The "${section.heading}" section repeats the actual result.`,
    `Under "${section.heading}", describe what should have happened instead.`,
  );
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}
