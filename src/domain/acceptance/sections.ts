import type { Section } from './rules.ts';
import { headingCandidate, normalize, sectionNameMatcher } from './text.ts';

/** A line of the item: `line` is its 1-based line number in the description; absent for checklist items. */
export interface Entry {
  text: string;
  line?: number;
}

export interface ParsedSection {
  key: string;
  /** Where the section was found: the first heading line, or the checklist's name. */
  line?: number;
  source: 'heading' | 'checklist';
  items: Entry[];
}

export interface ParsedDescription {
  /** Recognised sections of the template, merged by key, in order of appearance. */
  sections: Map<string, ParsedSection>;
  /** Lines outside any recognised section (preamble, unknown headings' content). */
  other: Entry[];
}

export interface ChecklistInput {
  name: string;
  items: { text: string; checked: boolean }[];
}

/** Headings that structure a criteria section rather than end it ("### Scenario: guest checkout"). */
const SUBHEADING =
  /^\s*(scenario|scenario outline|example|examples|rule|background|given|when|then|and|but)\b/i;
/** A Gherkin scenario title ("Scenario 1: guest checkout") outside any section opens the criteria section. */
const SCENARIO_TITLE = /^scenario(?: outline)?(?: \d+)?$/;

/**
 * Splits a description into the template's sections. Headings are recognised in Markdown (ADF headings arrive
 * as Markdown ones), Jira wiki markup, bold lines, "Name:" lines and bare lines; a heading with unknown name only
 * ends the current section when it is explicit markup and not deeper than the section's own heading.
 */
export function parseDescription(
  description: string,
  sections: Section[],
  checklists: ChecklistInput[] = [],
): ParsedDescription {
  const found = new Map<string, ParsedSection>();
  const other: Entry[] = [];
  let current: ParsedSection | undefined;
  /** Level of the heading that opened `current`: a deeper heading only groups its lines ("### Happy path"). */
  let currentLevel: number | undefined;
  const criteria = sections.find((s) => s.criteria);
  const named = sections.map((s) => ({ section: s, names: sectionNameMatcher([s.heading, ...s.aliases]) }));
  const sectionNamed = (label: string) => named.find(({ names }) => names(label))?.section;
  const open = (key: string, line: number): ParsedSection => {
    const section = found.get(key) ?? { key, line, source: 'heading', items: [] };
    found.set(key, section);
    return section;
  };
  description.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const candidate = headingCandidate(raw);
    const section = candidate && sectionNamed(candidate.label);
    if (candidate && section) {
      current = open(section.key, line);
      currentLevel = candidate.level;
      if (candidate.rest !== '') current.items.push({ text: candidate.rest, line });
      return;
    }
    const deeper =
      candidate?.level !== undefined && currentLevel !== undefined && candidate.level > currentLevel;
    if (candidate?.explicit && !deeper && !SUBHEADING.test(candidate.label)) current = undefined;
    if (!current && criteria && candidate && SCENARIO_TITLE.test(normalize(candidate.label))) {
      // The title line itself goes in as an item: criteria reading skips titles, and a title alone is empty.
      current = open(criteria.key, line);
      currentLevel = candidate.level;
    }
    const text = raw.trim();
    if (text === '') return;
    (current ? current.items : other).push({ text, line });
  });
  for (const checklist of checklists) {
    const section = sectionNamed(checklist.name);
    if (!section) continue;
    const target = found.get(section.key) ?? { key: section.key, source: 'checklist', items: [] };
    target.items.push(
      ...checklist.items.map((item) => ({ text: item.text.trim() })).filter((e) => e.text !== ''),
    );
    found.set(section.key, target);
  }
  return { sections: found, other };
}
